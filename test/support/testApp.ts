/**
 * Boots the real application on port 0 with its own data directory, a fixed clock and the council profile named by
 * `env.COUNCIL` (Rotherham by default) with its test postcode table, and stops it again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Logger } from '../../services/logger';
import { createApp, type App } from '../../bot/composition';
import { loadConfig } from '../../bot/config';
import { startServer, type RunningServer } from '../../bot/server';
import { ManualClock } from '../../services/clock';
import { loadCouncilProfile } from '../../services/council/loadProfile';
import { TablePostcodeLookup } from '../../services/council/postcodeTable';
import type { CouncilProfile } from '../../services/council/types';

export interface TestApp {
  app: App;
  server: RunningServer;
  url: string;
  dataDir: string;
  clock: ManualClock;
  stop(): Promise<void>;
}

export const FIXTURE_POSTCODES = path.join(__dirname, '..', 'fixtures', 'postcodes-rotherham.csv');
/** A fixed Monday morning in term time, inside the hub's opening hours. */
export const TEST_NOW = '2026-11-16T10:00:00.000Z';

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-'));
}

/** A council's profile with test/fixtures/postcodes-<id>.csv as its postcode table, when there is one. */
export function profileWithTestPostcodes(council: string, councilsDir?: string): CouncilProfile {
  const base = loadCouncilProfile(council, { councilsDir });
  const fixture = path.join(__dirname, '..', 'fixtures', `postcodes-${council}.csv`);
  if (!fs.existsSync(fixture)) return base;
  return loadCouncilProfile(council, { councilsDir, postcodeLookup: TablePostcodeLookup.fromCsvFile(fixture, base.wards) });
}

export function rotherhamWithTestPostcodes(): CouncilProfile {
  return profileWithTestPostcodes('rotherham');
}

export async function startTestApp(
  options: { dataDir?: string; clock?: ManualClock; env?: Record<string, string>; logger?: Logger; profile?: CouncilProfile } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? tempDataDir();
  const clock = options.clock ?? new ManualClock(TEST_NOW);
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test', ...options.env });
  const profile = options.profile ?? profileWithTestPostcodes(config.COUNCIL, config.COUNCILS_DIR);
  const app = await createApp(config, { clock, profile, logger: options.logger ?? pino({ level: 'silent' }) });
  const server = await startServer(app, { port: 0 });
  return {
    app,
    server,
    url: server.url,
    dataDir,
    clock,
    stop: async () => {
      await server.close();
      await app.close();
    },
  };
}
