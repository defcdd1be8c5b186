/**
 * Opens the store the configuration asks for: MongoDB when a URI is set (production, several instances), the
 * embedded SQLite file otherwise (a pilot on one machine, the tests).
 *
 * Each implementation is loaded only when chosen, so the embedded default never pays the ~150-200 ms the MongoDB
 * driver takes to load (cold start must stay under 2 s), and a MongoDB deployment never loads the native SQLite
 * module. `require` rather than `import()`: the project compiles to CommonJS, and under the tests' `tsx/cjs` hook a
 * dynamic `import()` of a .ts file is handed to Node's ESM loader, which cannot resolve it.
 */
import type { Clock } from '../clock';
import type { Store } from './types';

export * from './types';

export interface OpenStoreOptions {
  /** Set: use MongoDB. Unset or empty: use the embedded store under `dataDir`. */
  mongodbUri?: string;
  /** The MongoDB database; without it, the one named in the URI. */
  mongodbDb?: string;
  /** Where the embedded store keeps `hub.sqlite` (created if missing), or `':memory:'`. */
  dataDir: string;
  clock?: Clock;
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const clockOption = opts.clock ? { clock: opts.clock } : {};
  if (opts.mongodbUri) {
    const { MongoStore } = require('./mongoStore') as typeof import('./mongoStore');
    return MongoStore.open(opts.mongodbUri, opts.mongodbDb, clockOption);
  }
  const { SqliteStore } = require('./sqliteStore') as typeof import('./sqliteStore');
  return SqliteStore.open(opts.dataDir, clockOption);
}
