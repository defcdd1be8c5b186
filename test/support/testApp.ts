/**
 * Boots the real application on port 0 with its own data directory, a fixed clock and the Rotherham profile
 * with a test postcode table, and stops it again.
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

export function rotherhamWithTestPostcodes() {
  const base = loadCouncilProfile('rotherham');
  return loadCouncilProfile('rotherham', { postcodeLookup: TablePostcodeLookup.fromCsvFile(FIXTURE_POSTCODES, base.wards) });
}

export async function startTestApp(
  options: { dataDir?: string; clock?: ManualClock; env?: Record<string, string>; logger?: Logger; profile?: CouncilProfile } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? tempDataDir();
  const clock = options.clock ?? new ManualClock(TEST_NOW);
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test', ...options.env });
  const app = await createApp(config, { clock, profile: options.profile ?? rotherhamWithTestPostcodes(), logger: options.logger ?? pino({ level: 'silent' }) });
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
