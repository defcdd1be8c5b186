/**
 * Which languages the bot can answer in, and when a text is worth running language detection on at all.
 *
 * The bot replies in a resident's language only for these (the wording is in dialogs/translations.ts, each marked
 * with whether a qualified translator has reviewed it). Any other language is still detected and recorded, so the
 * hub knows which interpreter to book, but the bot answers in English.
 */
import { findUkPii, redactSpans } from '../pii/redact';

export const REPLY_LANGUAGES = ['ur', 'pl', 'sk', 'ro', 'ar', 'pa', 'cy'] as const;
export type ReplyLanguage = (typeof REPLY_LANGUAGES)[number];

export const LANGUAGE_INFO: Readonly<Record<ReplyLanguage, { englishName: string; direction: 'ltr' | 'rtl'; script: string }>> = {
  ur: { englishName: 'Urdu', direction: 'rtl', script: 'Arabic (Nastaliq)' },
  pl: { englishName: 'Polish', direction: 'ltr', script: 'Latin' },
  sk: { englishName: 'Slovak', direction: 'ltr', script: 'Latin' },
  ro: { englishName: 'Romanian', direction: 'ltr', script: 'Latin' },
  ar: { englishName: 'Arabic', direction: 'rtl', script: 'Arabic' },
  pa: { englishName: 'Punjabi', direction: 'ltr', script: 'Gurmukhi' },
  cy: { englishName: 'Welsh', direction: 'ltr', script: 'Latin' },
};

export function isReplyLanguage(code: string): code is ReplyLanguage {
  return (REPLY_LANGUAGES as readonly string[]).includes(code);
}

/**
 * "pa-Guru" → "pa", "PL" → "pl", Azure's "(Unknown)" → "und". ISO 639-3 codes we have no two-letter code for pass
 * through lower-cased.
 */
export function normaliseLanguageCode(code: string | null | undefined): string {
  if (!code) return 'und';
  const base = code.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2,3}$/.test(base) ? base : 'und';
}

/** Below this many Latin letters, trigram statistics say more about the words chosen than the language. */
export const MIN_LATIN_LETTERS = 20;
/** Arabic and Gurmukhi script are evidence in themselves: a couple of letters are enough to look. */
export const MIN_OTHER_SCRIPT_LETTERS = 2;

const LETTER = /\p{L}/gu;
const LATIN_LETTER = /\p{Script=Latin}/gu;

/**
 * The text as language detection should see it: personal details removed (they are not language, and need not
 * travel to Azure for this), whitespace collapsed.
 */
export function detectionText(text: string): string {
  const spans = findUkPii(text);
  const without = spans.length === 0 ? text : redactSpans(text, spans).replace(/\[[a-z-]+\]/g, ' ');
  return without.replace(/https?:\/\/\S+/g, ' ').replace(/\s+/g, ' ').trim();
}

export function isMostlyLatin(text: string): boolean {
  const letters = text.match(LETTER)?.length ?? 0;
  const latin = text.match(LATIN_LETTER)?.length ?? 0;
  return letters > 0 && latin * 2 > letters;
}

/**
 * Whether detection can say anything useful: "yes", "1", "S60 1AE" and "Jo Bloggs" are never worth it (and would
 * be misread), "Dzień dobry, potrzebuję pomocy" and "مجھے مدد چاہیے" are.
 */
export function worthDetecting(text: string): boolean {
  const cleaned = detectionText(text);
  const letters = cleaned.match(LETTER)?.length ?? 0;
  if (letters === 0) return false;
  return isMostlyLatin(cleaned) ? letters >= MIN_LATIN_LETTERS : letters >= MIN_OTHER_SCRIPT_LETTERS;
}
