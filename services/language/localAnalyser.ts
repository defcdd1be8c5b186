/**
 * The local analyser: the default, and what answers whenever Azure AI Language is not configured, fails or is
 * slow. No network, no model download, a millisecond or so per text.
 *
 * - Language: franc (trigram profiles, wooorm/franc-all), restricted to languages plausible in a UK council's
 *   inbox so an English text has English to be compared with; a guess is `reliable` only when the text is long
 *   enough (see worthDetecting) and the best language beats the best *different* language by a margin. Measured on
 *   the 418 English messages of the safeguarding table: none misread (test/language.test.ts prints the figures).
 * - Sentiment: `unknown`. A hand-written word list would be wrong often enough to mislead, and sentiment is only a
 *   supporting signal for safeguarding, used when Azure is on.
 * - Entities and PII: the UK patterns of services/pii (phones, postcodes, emails, NI and NHS numbers, dates of
 *   birth). Names need Azure.
 */
import type { francAll as FrancAll } from 'franc-all';
import { findUkPii, redactSpans, type PiiKind, type PiiSpan } from '../pii/redact';
import { detectionText, isMostlyLatin, isReplyLanguage, worthDetecting } from './languages';
import type { Entity, EntityResult, LanguageAnalyser, LanguageGuess, PiiEntity, PiiResult, SentimentResult } from './types';

/**
 * franc's ISO 639-3 codes for the languages it may choose between, and the code we record. English has Scots
 * beside it because colloquial English often scores closer to Scots than to franc's formal English profile.
 *
 * The other languages are here so that English and the reply languages are not forced on a text that is neither
 * (an Italian message is not read as Romanian, nor a Hungarian one as Slovak). The local detector is not trusted to
 * name them, though: a guess of one of them is never `reliable`, because on short English it picks them too
 * easily (Somali, Italian and Irish each took a few English messages from the safeguarding table).
 *
 * Left out on purpose, measured on the samples in test/support/languageSamples.ts:
 * - Czech: Czech and Slovak are mutually intelligible, and on short texts trigram profiles confuse them, so with
 *   both present neither is found reliably. A Czech message is read as Slovak and gets the Slovak reply.
 * - Italian and Spanish: with them present, 3 of 8 Romanian messages were found; without, 7 of 8. Romanian is far
 *   more common in UK council areas than either; an Italian message may now get the Romanian reply, which offers an
 *   interpreter, and the worker who calls finds out.
 * These settings were chosen on the same samples the tests measure, so expect lower figures on unseen text.
 */
const CANDIDATES: Readonly<Record<string, string>> = {
  eng: 'en', sco: 'en',
  cym: 'cy', urd: 'ur', pol: 'pl', slk: 'sk', ron: 'ro', arb: 'ar', pan: 'pa',
  pes: 'fa', lit: 'lt', lav: 'lv', hun: 'hu', por: 'pt', fra: 'fr', deu: 'de', tur: 'tr', som: 'so', nld: 'nl',
  gle: 'ga', gla: 'gd',
};
const ONLY = Object.keys(CANDIDATES);

/** How far the best language must lead the best different one (franc scores run 0 to 1, the best is 1). */
export const MIN_MARGIN = 0.03;

const UK_CATEGORY: Readonly<Record<PiiKind, string>> = {
  phone: 'UKPhoneNumber',
  postcode: 'UKPostcode',
  email: 'Email',
  'ni-number': 'UKNationalInsuranceNumber',
  'nhs-number': 'UKNationalHealthNumber',
  'date-of-birth': 'DateOfBirth',
  name: 'Person',
  address: 'Address',
  'personal-data': 'PersonalData',
};

const ENTITY_CATEGORY: Readonly<Record<PiiKind, { category: string; subcategory?: string }>> = {
  phone: { category: 'PhoneNumber' },
  postcode: { category: 'Address', subcategory: 'Postcode' },
  email: { category: 'Email' },
  'ni-number': { category: 'PersonalIdentifier', subcategory: 'UKNationalInsuranceNumber' },
  'nhs-number': { category: 'PersonalIdentifier', subcategory: 'UKNationalHealthNumber' },
  'date-of-birth': { category: 'DateTime', subcategory: 'DateOfBirth' },
  name: { category: 'Person' },
  address: { category: 'Address' },
  'personal-data': { category: 'PersonalIdentifier' },
};

/**
 * franc-all, required on the first text worth detecting rather than at start-up: its trigram profiles of 400
 * languages are about 7 MiB of heap and 17 MiB of RSS, and texts a journey recognises never need them.
 */
let franc: typeof FrancAll | undefined;
function francAll(text: string, options: Parameters<typeof FrancAll>[1]): ReturnType<typeof FrancAll> {
  franc ??= (require('franc-all') as { francAll: typeof FrancAll }).francAll;
  return franc(text, options);
}

export function detectLocally(text: string): LanguageGuess {
  const undetermined: LanguageGuess = { code: 'und', confidence: 0, reliable: false, source: 'local' };
  if (!worthDetecting(text)) return undetermined;
  const cleaned = detectionText(text);
  const ranked = francAll(cleaned, { only: ONLY, minLength: 1 });
  const [bestCode, bestScore] = ranked[0] ?? ['und', 0];
  const code = CANDIDATES[bestCode];
  if (code === undefined) return undetermined;
  const rival = ranked.find(([candidate]) => CANDIDATES[candidate] !== code);
  const margin = bestScore - (rival?.[1] ?? 0);
  // Arabic and Gurmukhi script are evidence in themselves; in Latin script the margin must carry the decision.
  const trusted = code === 'en' || isReplyLanguage(code);
  const reliable = trusted && (margin >= MIN_MARGIN || !isMostlyLatin(cleaned));
  return { code, confidence: Math.max(0, Math.min(1, margin)), reliable, source: 'local' };
}

export function piiLocally(text: string): PiiResult {
  const spans = findUkPii(text);
  return { redactedText: redactSpans(text, spans), entities: spans.map(toPiiEntity), source: 'local' };
}

export function toPiiEntity(span: PiiSpan): PiiEntity {
  return { kind: span.kind, category: UK_CATEGORY[span.kind], offset: span.start, length: span.end - span.start, from: 'uk-patterns' };
}

export function entitiesLocally(text: string): EntityResult {
  const entities: Entity[] = findUkPii(text).map((span) => ({
    text: text.slice(span.start, span.end),
    ...ENTITY_CATEGORY[span.kind],
    offset: span.start,
    length: span.end - span.start,
    confidence: 1,
  }));
  return { entities, source: 'local' };
}

const UNKNOWN_SENTIMENT: SentimentResult = { label: 'unknown', scores: null, sentences: [], source: 'local' };

export class LocalAnalyser implements LanguageAnalyser {
  readonly kind = 'local';

  async detectLanguage(texts: readonly string[]): Promise<LanguageGuess[]> {
    return texts.map(detectLocally);
  }

  async sentiment(texts: readonly string[]): Promise<SentimentResult[]> {
    return texts.map(() => ({ ...UNKNOWN_SENTIMENT, sentences: [] }));
  }

  async entities(texts: readonly string[]): Promise<EntityResult[]> {
    return texts.map(entitiesLocally);
  }

  async pii(texts: readonly string[]): Promise<PiiResult[]> {
    return texts.map(piiLocally);
  }
}
