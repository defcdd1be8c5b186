/**
 * SMS length: GSM-7 when every character is in the GSM 03.38 alphabet (160 characters in one segment, 153 per
 * segment when split), UCS-2 otherwise (70, then 67). Characters in the GSM extension table take two septets.
 * Residents pay nothing to receive, but councils pay per segment, and long UCS-2 texts arrive in pieces on old
 * phones, so we keep to GSM-7 where a plain equivalent exists.
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const basic = new Set(GSM_BASIC);
const extended = new Set(GSM_EXTENDED);

/** Typographic characters that have a plain GSM-7 equivalent. */
const REPLACEMENTS: [RegExp, string][] = [
  [/[\u2018\u2019\u201a\u2032]/g, "'"],
  [/[\u201c\u201d\u201e\u2033]/g, '"'],
  [/[\u2013\u2014\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/[\u00a0\u2007\u202f]/g, ' '],
  [/[\u2022\u00b7]/g, '-'],
];

export function toGsmFriendly(text: string): string {
  return REPLACEMENTS.reduce((t, [pattern, plain]) => t.replace(pattern, plain), text);
}

export interface SegmentInfo {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

export function countSegments(text: string): SegmentInfo {
  let gsm = true;
  let septets = 0;
  for (const ch of text) {
    if (basic.has(ch)) septets += 1;
    else if (extended.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  const units = text.length; // UTF-16 code units, which is what UCS-2 counts (emoji take two)
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}
