/**
 * Secrets for the embedded default. Production sets HASH_SECRET (required there). On a single machine with no
 * configuration we generate one on first start and keep it under DATA_DIR, so phone-number hashes stay stable
 * across restarts and a paused SMS conversation still finds its state.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const LOCAL_SECRET_FILE = 'local-secret';

export function hashSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCAL_SECRET_FILE);
  try {
    // Create-if-absent, then always read: two processes starting together on one DATA_DIR (a server and
    // `npm run digest`, say) end up with the same secret instead of one of them failing on EEXIST.
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} does not hold a secret of 32+ characters; delete it to have a new one made`);
  return secret;
}
