/**
 * UK postcode recognition for what residents type or text.
 *
 * The format rules come from the `postcode` package; this module adds the two policies the journeys need:
 * a reply is only taken as a postcode when the whole (trimmed) reply is one, and a postcode found inside free
 * text must stand alone as a word, so "AS60 1AEX" or a reference number is never mistaken for one.
 *
 * Only the format is checked. Whether a postcode exists, and which ward it is in, is the postcode table's job
 * (see postcodeTable.ts).
 *
 * Decision: the non-geographic Girobank postcode "GIR 0AA" is rejected (the `postcode` package does not accept
 * it). It has no ward, so accepting it could only lead to a failed ward lookup.
 */
import { isValid, toNormalised } from 'postcode';

/** Longest input worth looking at: "AA9A  9AA" plus some spaces. Anything longer is not a postcode. */
const MAX_POSTCODE_INPUT = 16;

/**
 * A postcode inside text: the `postcode` package's shape, with a space-or-tab gap of at most three characters
 * and with no letter or digit immediately before or after, so parts of longer words do not match.
 */
const POSTCODE_IN_TEXT = /(?<![\p{L}\p{N}])[a-z]{1,2}\d[a-z\d]?[ \t\u00a0]{0,3}\d[a-z]{2}(?![\p{L}\p{N}])/giu;

/** Longest free text we search: an SMS thread or a long web chat message. Beyond this we stop looking. */
const MAX_TEXT = 5_000;

/**
 * The canonical form ("S60 1AE") of a string that is a UK postcode once trimmed; otherwise null.
 *
 * Accepts any letter case, a missing space or extra spaces between the two halves.
 * Rejects anything with other text around it: use {@link findPostcodeIn} for free text.
 */
export function normalisePostcode(input: string): string | null {
  if (typeof input !== 'string') return null;
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_POSTCODE_INPUT) return null;
  // The package accepts any whitespace between the halves, including newlines; a postcode is written on one line.
  if (/[\r\n]/.test(trimmed)) return null;
  if (!isValid(trimmed)) return null;
  return toNormalised(trimmed);
}

/**
 * The first UK postcode standing alone in free text (e.g. "outside the shop on Main St, S65 1AB"), normalised;
 * null when there is none.
 */
export function findPostcodeIn(text: string): string | null {
  if (typeof text !== 'string' || text.length === 0) return null;
  const searched = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  for (const match of searched.matchAll(POSTCODE_IN_TEXT)) {
    const normalised = normalisePostcode(match[0].replace(/\u00a0/g, ' '));
    if (normalised !== null) return normalised;
  }
  return null;
}

/** A postcode found in free text: where it is, and its canonical form. */
export interface PostcodeSpan {
  start: number;
  end: number;
  postcode: string;
}

/**
 * Every UK postcode standing alone in free text, with its position, for redaction (services/pii). Unlike
 * {@link findPostcodeIn} it reads the whole text: a redactor that stopped looking after 5,000 characters would
 * let a postcode at the end of a long message through.
 */
export function postcodeSpansIn(text: string): PostcodeSpan[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const spans: PostcodeSpan[] = [];
  for (const match of text.matchAll(POSTCODE_IN_TEXT)) {
    const postcode = normalisePostcode(match[0].replace(/\u00a0/g, ' '));
    if (postcode !== null) spans.push({ start: match.index, end: match.index + match[0].length, postcode });
  }
  return spans;
}
