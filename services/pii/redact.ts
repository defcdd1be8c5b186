/**
 * Redaction of personal data in residents' free text, for everything that leaves the conversation: logs, ward
 * digests, Open311-style exports, analytics.
 *
 * Our own patterns cover the UK formats in both modes (local and Azure AI Language), because Azure's phone
 * recogniser is documented for US and EU formats and does not know NI or NHS numbers in the forms residents type:
 *
 * | what | examples | token |
 * |---|---|---|
 * | mobile and landline numbers | 07700 900123, +44 7700 900123, 0044 (0)7700-900-123, (0114) 496 0000, 01709 123456 | `[phone]` |
 * | postcodes | S60 1AE, s601ae (format from the `postcode` package, via services/council/postcode.ts) | `[postcode]` |
 * | email addresses | jo.bloggs+hub@example.org | `[email]` |
 * | National Insurance numbers | AB 12 34 56 C, ab123456c (HMRC prefix rules) | `[ni-number]` |
 * | NHS numbers | 943 476 5919, 9434765919 (10 digits with a valid Modulus 11 check digit) | `[nhs-number]` |
 * | dates of birth | 01/03/1950, 1 March 1950, 1st Mar '50 after "born", March 1, 1950, 1950-03-01 | `[date-of-birth]` |
 *
 * Names are not pattern-matched (no list of names is honest enough); Azure's Person entities add them when it is
 * configured (see services/language/azureAnalyser.ts).
 *
 * Decisions:
 * - Over-redaction is preferred to a leak: any 10 or 11 digit number written like a UK phone number is `[phone]`,
 *   whoever it belongs to.
 * - A date is treated as a date of birth when birth words come just before it ("born", "DOB", "date of birth",
 *   "birthday"), or when its year is before 2010. Free text about incidents ("since 12/11/2026") keeps its dates,
 *   which staff and Open311 consumers need; a date that old in a resident's message is almost always a birth date.
 * - NI numbers without the final letter are accepted only when unspaced or in capitals, so "on 12 03 19" in a
 *   sentence is not mistaken for one.
 */
import { postcodeSpansIn } from '../council/postcode';

export type UkPiiKind = 'phone' | 'postcode' | 'email' | 'ni-number' | 'nhs-number' | 'date-of-birth';
/** UK kinds plus what Azure AI Language adds. */
export type PiiKind = UkPiiKind | 'name' | 'address' | 'personal-data';

export interface PiiSpan {
  kind: PiiKind;
  /** UTF-16 offsets into the original text, end exclusive. */
  start: number;
  end: number;
}

export const PII_TOKENS: Readonly<Record<PiiKind, string>> = {
  phone: '[phone]',
  postcode: '[postcode]',
  email: '[email]',
  'ni-number': '[ni-number]',
  'nhs-number': '[nhs-number]',
  'date-of-birth': '[date-of-birth]',
  name: '[name]',
  address: '[address]',
  'personal-data': '[personal-data]',
};

// ── Patterns ──────────────────────────────────────────────────────────────────────────────────────────────────

const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

/** 0 then 9 or 10 more digits, each optionally after one or two separators: "07700 900123", "(0114) 496-0000". */
const PHONE_NATIONAL = /(?<![\p{N}+])\(?0(?:[ \t.)-]{0,2}\d){9,10}(?!\p{N})/gu;
/** +44 or 0044, an optional (0) or 0, then 9 or 10 digits: "+44 7700 900123", "0044 (0)114 496 0000". */
const PHONE_INTERNATIONAL = /(?<!\p{N})(?:\+|00)[ \t]?44[ \t]?(?:\(0\)[ \t]?|0[ \t]?)?(?:[ \t.-]?\d){9,10}(?!\p{N})/gu;

const NI_NUMBER = /(?<![\p{L}\p{N}])([a-z])([a-z])([ \t]?)(\d{2})[ \t]?(\d{2})[ \t]?(\d{2})(?:[ \t]?([a-d]))?(?![\p{L}\p{N}])/giu;
/** HMRC: the first letter is never D, F, I, Q, U or V; the second never D, F, I, O, Q, U or V; these pairs are unused. */
const NI_BAD_FIRST = new Set('DFIQUV');
const NI_BAD_SECOND = new Set('DFIOQUV');
const NI_BAD_PREFIXES = new Set(['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ']);

const NHS_NUMBER = /(?<![\p{N}])(\d{3})[ \t-]?(\d{3})[ \t-]?(\d{4})(?![\p{N}])/gu;

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const YEAR = "(\\d{4}|'\\d{2}|\\d{2})";
const DATE_NUMERIC = /(?<![\p{N}/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\p{N}]|[/-]\d|\.\d)/gu;
const DATE_ISO = /(?<![\p{N}-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\p{N}])/gu;
const DATE_DAY_MONTH = new RegExp(`(?<![\\p{L}\\p{N}])(\\d{1,2})(?:st|nd|rd|th)?(?:[ \\t]+of)?[ \\t.-]+(${MONTHS})\\.?,?[ \\t.-]+${YEAR}(?![\\p{L}\\p{N}])`, 'giu');
const DATE_MONTH_DAY = new RegExp(`(?<![\\p{L}\\p{N}])(${MONTHS})\\.?[ \\t]+(\\d{1,2})(?:st|nd|rd|th)?,?[ \\t]+${YEAR}(?![\\p{L}\\p{N}])`, 'giu');
/** Words that make the date after them a date of birth, with up to a few characters of ": is on" in between. */
const BIRTH_CONTEXT = /(?:\bborn|\bd\.?\s?o\.?\s?b\.?|\bdate of birth|\bbirth ?day|\bbirth date|\bb\.)\s*(?:is|was|on|:|-|=|\s)*$/i;

// ── Finding ───────────────────────────────────────────────────────────────────────────────────────────────────

/** Modulus 11: weights 10 down to 2 over the first nine digits; 11 - (sum mod 11) is the check digit (11 → 0, 10 → invalid). */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  const expected = check === 11 ? 0 : check;
  return expected !== 10 && expected === Number(digits[9]);
}

export function isValidNiPrefix(prefix: string): boolean {
  const upper = prefix.toUpperCase();
  const [first = '', second = ''] = upper;
  return /^[A-Z]{2}$/.test(upper) && !NI_BAD_FIRST.has(first) && !NI_BAD_SECOND.has(second) && !NI_BAD_PREFIXES.has(upper);
}

function ukPhoneDigits(match: string): boolean {
  const digits = match.replace(/\D/g, '');
  if (match.trimStart().startsWith('+') || digits.startsWith('0044') || digits.startsWith('44')) {
    const national = digits.replace(/^(00)?44/, '').replace(/^0/, '');
    return (national.length === 9 || national.length === 10) && national[0] !== '0';
  }
  return (digits.length === 10 || digits.length === 11) && digits[1] !== '0';
}

function plausibleDate(day: number, month: number): boolean {
  return day >= 1 && day <= 31 && month >= 1 && month <= 12;
}

function monthNumber(name: string): number {
  return ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

/** A four-digit year before 2010, or any date with birth words just before it. */
function isBirthDate(text: string, start: number, year: string): boolean {
  if (/^\d{4}$/.test(year) && Number(year) >= 1900 && Number(year) < 2010) return true;
  return BIRTH_CONTEXT.test(text.slice(Math.max(0, start - 24), start));
}

function collect(text: string, pattern: RegExp, kind: PiiKind, keep: (m: RegExpMatchArray) => boolean, into: PiiSpan[]): void {
  for (const match of text.matchAll(pattern)) {
    if (keep(match)) into.push({ kind, start: match.index ?? 0, end: (match.index ?? 0) + match[0].length });
  }
}

const HYPHENATED_CODE_BEFORE = /[\p{L}\p{N}]-$/u;

/** Cheap test first: every UK format has a digit or an @. Most log strings and chat turns have neither. */
const MIGHT_HOLD_PII = /[\d@]/;

/** Every UK-format personal detail in the text, overlaps resolved (longest first, then earliest). */
export function findUkPii(text: string): PiiSpan[] {
  if (typeof text !== 'string' || !MIGHT_HOLD_PII.test(text)) return [];
  const spans: PiiSpan[] = [];
  collect(text, EMAIL, 'email', () => true, spans);
  collect(text, NI_NUMBER, 'ni-number', (m) => {
    const spaced = m[3] !== '';
    const suffix = m[7];
    const upper = (m[1] ?? '') + (m[2] ?? '') === ((m[1] ?? '') + (m[2] ?? '')).toUpperCase();
    return isValidNiPrefix((m[1] ?? '') + (m[2] ?? '')) && (suffix !== undefined || !spaced || upper);
  }, spans);
  collect(text, NHS_NUMBER, 'nhs-number', (m) => isValidNhsNumber(`${m[1]}${m[2]}${m[3]}`), spans);
  collect(text, PHONE_INTERNATIONAL, 'phone', (m) => ukPhoneDigits(m[0]), spans);
  collect(text, PHONE_NATIONAL, 'phone', (m) => ukPhoneDigits(m[0]), spans);
  for (const span of postcodeSpansIn(text)) {
    // The tail of a hyphenated code is not a postcode: our own references (HUB-AB12CD) must stay readable in logs.
    if (!HYPHENATED_CODE_BEFORE.test(text.slice(Math.max(0, span.start - 2), span.start))) {
      spans.push({ kind: 'postcode', start: span.start, end: span.end });
    }
  }
  collect(text, DATE_NUMERIC, 'date-of-birth', (m) => plausibleDate(Number(m[1]), Number(m[2])) && isBirthDate(text, m.index ?? 0, m[3] ?? ''), spans);
  collect(text, DATE_ISO, 'date-of-birth', (m) => plausibleDate(Number(m[3]), Number(m[2])) && isBirthDate(text, m.index ?? 0, m[1] ?? ''), spans);
  collect(text, DATE_DAY_MONTH, 'date-of-birth', (m) => plausibleDate(Number(m[1]), monthNumber(m[2] ?? '')) && isBirthDate(text, m.index ?? 0, m[3] ?? ''), spans);
  collect(text, DATE_MONTH_DAY, 'date-of-birth', (m) => plausibleDate(Number(m[2]), monthNumber(m[1] ?? '')) && isBirthDate(text, m.index ?? 0, m[3] ?? ''), spans);
  return resolveOverlaps(spans);
}

/** Keeps the longest of overlapping spans (then the earliest), so "07700 900123" is one phone, not two things. */
export function resolveOverlaps(spans: readonly PiiSpan[]): PiiSpan[] {
  const byPreference = [...spans].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: PiiSpan[] = [];
  for (const span of byPreference) {
    if (!kept.some((k) => span.start < k.end && k.start < span.end)) kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Replaces each span with its token. Spans must not overlap (see {@link resolveOverlaps}). */
export function redactSpans(text: string, spans: readonly PiiSpan[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < at) continue;
    out += text.slice(at, span.start) + PII_TOKENS[span.kind];
    at = span.end;
  }
  return out + text.slice(at);
}

/** The text with every UK-format personal detail replaced by a token such as `[phone]` or `[postcode]`. */
export function redactUk(text: string): string {
  return redactSpans(text, findUkPii(text));
}

/**
 * The one function for a resident's free text on its way out of the conversation (digests, Open311 exports,
 * analytics, anything written to a log). Synchronous and local, so it can be used anywhere; where Azure AI
 * Language is configured and names matter too, use `LanguageAnalyser.pii`, which adds Azure's findings to these.
 */
export function redactFreeText(text: string): string;
export function redactFreeText(text: string | null | undefined): string | null;
export function redactFreeText(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return redactUk(text);
}
