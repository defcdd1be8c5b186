/**
 * Validation of the contact details residents type: UK phone numbers through libphonenumber-js (Google's
 * metadata, kept current), and email addresses through zod.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';

export interface UkPhone {
  /** +447700900123 */
  e164: string;
  /** 07700 900123, as a hub worker would dial it */
  national: string;
  mobile: boolean;
}

export function parseUkPhone(input: string): UkPhone | null {
  const trimmed = input.trim();
  if (trimmed.length > 30 || !/\d/.test(trimmed)) return null;
  const phone = parsePhoneNumberFromString(trimmed, 'GB');
  if (!phone || !phone.isPossible()) return null;
  // Ofcom keeps 07700 900000-900999 for drama and testing; libphonenumber calls them unallocated. Accepting them
  // lets demos and tests run without anyone's real number.
  const drama = /^7700900\d{3}$/.test(phone.nationalNumber);
  if (!drama && (phone.country !== 'GB' || !phone.isValid())) return null;
  const type = phone.getType();
  return {
    e164: phone.number,
    national: phone.formatNational(),
    mobile: drama || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE',
  };
}

const emailSchema = z.string().trim().toLowerCase().pipe(z.email());

export function parseEmail(input: string): string | null {
  if (input.length > 254) return null;
  const result = emailSchema.safeParse(input);
  return result.success ? result.data : null;
}
