/**
 * Open311 consumers in the embedded store, on their own migration track (`open311` in `schema_tracks`, as the hub's
 * schema does), so steps other features add never renumber these.
 */
import type Database from 'better-sqlite3';
import { open311Consumer, type Open311Consumer, type Open311ConsumerRepository } from '../open311Types';
import { migrateTrack } from './migrations';

type Db = Database.Database;
const TRACK = 'open311';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE open311_consumers (
    id         TEXT PRIMARY KEY,
    key_hash   TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    doc        TEXT NOT NULL
  );
  `,
];

export function migrateOpen311(db: Db): void {
  migrateTrack(db, TRACK, MIGRATIONS);
}

interface DocRow {
  doc: string;
}

const parse = (row: DocRow | undefined): Open311Consumer | null => (row ? open311Consumer.parse(JSON.parse(row.doc)) : null);

export class SqliteOpen311ConsumerRepository implements Open311ConsumerRepository {
  private readonly insert: Database.Statement<[{ id: string; keyHash: string; createdAt: string; doc: string }]>;
  private readonly byId: Database.Statement<[string], DocRow>;
  private readonly byKeyHash: Database.Statement<[string], DocRow>;
  private readonly all: Database.Statement<[], DocRow>;
  private readonly write: Database.Statement<[{ id: string; doc: string }]>;

  constructor(private readonly db: Db) {
    migrateOpen311(db);
    this.insert = db.prepare('INSERT INTO open311_consumers (id, key_hash, created_at, doc) VALUES (@id, @keyHash, @createdAt, @doc)');
    this.byId = db.prepare('SELECT doc FROM open311_consumers WHERE id = ?');
    this.byKeyHash = db.prepare('SELECT doc FROM open311_consumers WHERE key_hash = ?');
    this.all = db.prepare('SELECT doc FROM open311_consumers ORDER BY created_at, id');
    this.write = db.prepare('UPDATE open311_consumers SET doc = @doc WHERE id = @id');
  }

  async create(consumer: Open311Consumer): Promise<Open311Consumer> {
    const valid = open311Consumer.parse(consumer);
    this.insert.run({ id: valid.id, keyHash: valid.keyHash, createdAt: valid.createdAt, doc: JSON.stringify(valid) });
    return valid;
  }

  async get(id: string): Promise<Open311Consumer | null> {
    return parse(this.byId.get(id));
  }

  async getByKeyHash(keyHash: string): Promise<Open311Consumer | null> {
    return parse(this.byKeyHash.get(keyHash));
  }

  async list(): Promise<Open311Consumer[]> {
    return this.all.all().map((row) => open311Consumer.parse(JSON.parse(row.doc)));
  }

  async revoke(id: string, at: string): Promise<Open311Consumer | null> {
    return this.db
      .transaction(() => {
        const current = parse(this.byId.get(id));
        if (!current) return null;
        const next = open311Consumer.parse({ ...current, revokedAt: current.revokedAt ?? at });
        this.write.run({ id, doc: JSON.stringify(next) });
        return next;
      })
      .immediate();
  }
}
