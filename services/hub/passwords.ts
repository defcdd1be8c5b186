/**
 * Password hashing for local staff accounts: argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
 * The parameters are stored in each hash, so raising them later only affects new and re-hashed passwords.
 */
import argon2 from 'argon2';

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Verified against when the account does not exist, so a wrong email takes as long as a wrong password. */
let dummyHash: Promise<string> | null = null;

export const MIN_PASSWORD_LENGTH = 12;

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A malformed stored hash is a failed sign-in, not a crash.
    return false;
  }
}

export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, OPTIONS);
  } catch {
    return true;
  }
}

export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= argon2.hash('not a real password, only here to spend the same time', OPTIONS);
  await verifyPassword(await dummyHash, password);
}
