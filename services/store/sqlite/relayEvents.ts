/**
 * The event relay's table in the embedded store (its own migration track, `relay`). Several processes may share one
 * embedded store file on one machine; this is how their consoles see each other's events.
 */
import type Database from 'better-sqlite3';
import type { RelayEventRepository, RelayedEvent } from '../../events/relay';
import { migrateTrack } from './migrations';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE relay_events (
    id     TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    at     TEXT NOT NULL,
    body   TEXT NOT NULL
  );
  CREATE INDEX relay_events_at ON relay_events (at, id);
  `,
];

export function migrateRelayEvents(db: Database.Database): void {
  migrateTrack(db, 'relay', MIGRATIONS);
}

interface Row {
  id: string;
  origin: string;
  at: string;
  body: string;
}

export class SqliteRelayEventRepository implements RelayEventRepository {
  private readonly insert: Database.Statement<[string, string, string, string]>;
  private readonly selectSince: Database.Statement<[string, number], Row>;
  private readonly selectAfter: Database.Statement<[string, string, string, number], Row>;
  private readonly deleteOld: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT INTO relay_events (id, origin, at, body) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
    this.selectSince = db.prepare('SELECT id, origin, at, body FROM relay_events WHERE at >= ? ORDER BY at, id LIMIT ?');
    this.selectAfter = db.prepare(
      'SELECT id, origin, at, body FROM relay_events WHERE at > ? OR (at = ? AND id > ?) ORDER BY at, id LIMIT ?',
    );
    this.deleteOld = db.prepare('DELETE FROM relay_events WHERE at < ?');
  }

  async append(event: RelayedEvent): Promise<void> {
    this.insert.run(event.id, event.origin, event.at, JSON.stringify(event.body));
  }

  async since(at: string, limit: number, afterId?: string): Promise<RelayedEvent[]> {
    const rows = afterId === undefined ? this.selectSince.all(at, limit) : this.selectAfter.all(at, at, afterId, limit);
    return rows.map((r) => ({ id: r.id, origin: r.origin, at: r.at, body: JSON.parse(r.body) as RelayedEvent['body'] }));
  }

  async deleteBefore(at: string): Promise<number> {
    return this.deleteOld.run(at).changes;
  }
}
