/**
 * `npm run retention`: runs the retention job once against the configured store and council profile, prints the
 * counts, and records them in the audit log. Safe to run from cron daily; a second run the same day does nothing.
 */
import path from 'node:path';
import { loadConfig } from '../bot/config';
import { systemClock } from '../services/clock';
import { loadCouncilProfile } from '../services/council/loadProfile';
import { createLogger } from '../services/logger';
import { RetentionJob } from '../services/retention';
import { openStore } from '../services/store';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const profile = loadCouncilProfile(config.COUNCIL, { councilsDir: config.COUNCILS_DIR });
  const store = await openStore({
    dataDir: path.resolve(config.DATA_DIR),
    ...(config.MONGODB_URI ? { mongodbUri: config.MONGODB_URI, mongodbDb: config.MONGODB_DB } : {}),
  });
  try {
    const report = await new RetentionJob({ store, clock: systemClock, logger, settings: profile.retention }).run();
    for (const [what, count] of Object.entries(report)) process.stdout.write(`${what}: ${count}\n`);
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`retention failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
