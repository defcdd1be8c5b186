/**
 * Residents writing Arabic, Urdu or Punjabi may type a phone number in their own digits (٠٧٧٠٠, ۰۷۷۰۰, ੦੭੭੦੦).
 * These become ASCII digits before the number is checked.
 */
const ZEROS = [0x0660, 0x06f0, 0x0966, 0x0a66]; // Arabic-Indic, Extended Arabic-Indic (Urdu, Persian), Devanagari, Gurmukhi

export function toAsciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\u0a66-\u0a6f]/g, (ch) => {
    const code = ch.codePointAt(0) ?? 0;
    const zero = ZEROS.find((z) => code >= z && code <= z + 9) ?? code;
    return String(code - zero);
  });
}
