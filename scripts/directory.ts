/**
 * `npm run directory -- import --url URL | --package DIR [--dry-run]`: imports the council's service directory
 * from an Open Referral UK API or tabular data package, prints what was accepted and what was rejected and why,
 * and (unless --dry-run) keeps it under DATA_DIR/directory/ as the directory in force. A running server picks it up
 * at its next start; with DIRECTORY_IMPORT_INTERVAL_MINUTES set the server imports by itself.
 *
 * Exit status: 0 when the import was applied (or, with --dry-run, would have been); 1 when the source failed or
 * every service was rejected; 2 for a usage mistake.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../bot/config';
import { systemClock } from '../services/clock';
import { loadCouncilProfile } from '../services/council/loadProfile';
import { DirectoryImporter, type ImportSource } from '../services/directory/importer';
import { LiveDirectory } from '../services/directory/liveDirectory';
import { formatReport } from '../services/directory/report';
import { SnapshotStore } from '../services/directory/snapshotStore';
import { createLogger } from '../services/logger';

const USAGE = 'usage: npm run directory -- import (--url URL | --package DIR) [--dry-run]';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { url: { type: 'string' }, package: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== 'import' || positionals.length !== 1 || Boolean(values.url) === Boolean(values.package)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  let source: ImportSource;
  if (values.url !== undefined) {
    if (!/^https?:\/\//.test(values.url)) {
      process.stderr.write(`--url must start with https:// or http://\n${USAGE}\n`);
      return 2;
    }
    source = { kind: 'feed', url: values.url, timeoutMs: config.DIRECTORY_FEED_TIMEOUT_MS };
  } else {
    source = { kind: 'package', dir: path.resolve(values.package ?? '.') };
  }
  // Logs go to stderr at warn and above: the report on stdout is what the operator reads.
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, destination: pino.destination(2) });
  const profile = loadCouncilProfile(config.COUNCIL);
  const importer = new DirectoryImporter({
    profile,
    live: new LiveDirectory(profile.directory),
    snapshots: new SnapshotStore(path.resolve(config.DATA_DIR)),
    clock: systemClock,
    logger,
  });
  const report = await importer.run(source, { dryRun: values['dry-run'] });
  process.stdout.write(`${formatReport(report)}\n`);
  return report.applied || (values['dry-run'] && report.accepted > 0) ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`directory import failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
