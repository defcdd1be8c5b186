/**
 * Secrets for the embedded default. Production sets HASH_SECRET (required there). On a single machine with no
 * configuration we generate one on first start and keep it under DATA_DIR, so phone-number hashes stay stable
 * across restarts and a paused SMS conversation still finds its state.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function hashSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'local-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const secret = randomBytes(32).toString('hex');
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
