import { randomInt } from 'node:crypto';

/**
 * Letters and digits a resident can read out over the phone without confusion: no 0/O, 1/I/L, and no U (avoids
 * accidental words). 30^6 is about 729 million, so a collision is rare and is retried by the caller.
 */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newReference(): string {
  let code = '';
  for (let i = 0; i < 6; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return `HUB-${code}`;
}

/** Accepts what a resident might type back ("hub 7k3m9q", "HUB-7K3M9Q") and returns the canonical form. */
export function normaliseReference(input: string): string | null {
  const compact = input.toUpperCase().replace(/[^0-9A-Z]/g, '');
  const match = /^(?:HUB)?([0-9A-Z]{6})$/.exec(compact);
  return match ? `HUB-${match[1]}` : null;
}
