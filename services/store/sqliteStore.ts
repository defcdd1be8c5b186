/**
 * The embedded store: one SQLite file, `<dataDir>/hub.sqlite`, for a single machine and for the tests.
 *
 * better-sqlite3 is synchronous, so each repository method runs to completion before any other JavaScript does.
 * That is what makes "check, then write" atomic here without locks; an IMMEDIATE transaction keeps it atomic against
 * a second process (a digest run, a CLI) using the same file. Claims are the exception to "runs when called": they
 * are queued and committed together at the end of the turn (group commit, sqlite/referralQueue.ts).
 *
 * Each referral is stored whole as JSON in `doc`; the other columns are copies of the fields the queue filters and
 * sorts on, so they can be indexed. Every document read back is checked with zod, so a hand-edited row fails loudly
 * instead of reaching a hub worker half-formed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock';
import { referral as referralSchema, type Referral } from '../referrals/model';
import { SMS_LEASE_MIGRATION, SMS_MIGRATION, SqliteSmsRepository } from './sqliteSms';
import { migrateHub } from './sqlite/hubSchema';
import { SqliteHandoffRepository, migrateHandoffs } from './sqlite/handoffRepo';
import { SqliteRelayEventRepository, migrateRelayEvents } from './sqlite/relayEvents';
import type { RelayEventRepository } from '../events/relay';
import type { HandoffRepository } from '../handoff/model';
import { SqliteReferralQueue } from './sqlite/referralQueue';
import { BackgroundCheckpointer, FALLBACK_AUTOCHECKPOINT_PAGES } from './sqlite/checkpointer';
import { SqliteSessionRepository, SqliteStaffRepository } from './sqlite/staffRepo';
import * as digests from './sqliteDigests';
import { SqliteOpen311ConsumerRepository } from './sqlite/open311Consumers';
import type { Open311ConsumerRepository } from './open311Types';
import {
  DuplicateReferenceError,
  EtagConflictError,
  type SessionRepository,
  type StaffRepository,
  type AuditEntry,
  type AuditRepository,
  type BotStateRepository,
  type DigestLedgerRepository,
  type DigestStatsRepository,
  type DigestSubscriptionRepository,
  type LockRepository,
  type ReferralFilter,
  type ReferralRepository,
  type SmsRepository,
  type StateItem,
  type Store,
} from './types';

type Db = Database.Database;

export const SQLITE_FILE_NAME = 'hub.sqlite';

/**
 * Schema changes, in order. `PRAGMA user_version` records how many have been applied, so a newer build opening an
 * older file applies only the missing steps. Append; never edit a step that has shipped.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE referrals (
    id              TEXT PRIMARY KEY,
    reference       TEXT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    urgent          INTEGER NOT NULL,
    ward_code       TEXT,
    conversation_id TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    doc             TEXT NOT NULL
  );
  CREATE INDEX referrals_queue ON referrals (status, urgent DESC, created_at, id);
  CREATE INDEX referrals_kind ON referrals (kind);
  CREATE INDEX referrals_ward ON referrals (ward_code);
  CREATE INDEX referrals_conversation ON referrals (conversation_id);

  CREATE TABLE bot_state (
    key        TEXT PRIMARY KEY,
    etag       TEXT NOT NULL,
    doc        TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE audit (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT,
    detail  TEXT NOT NULL
  );
  CREATE INDEX audit_subject ON audit (subject, seq);
  CREATE INDEX audit_action ON audit (action, seq);
  `,
  SMS_MIGRATION,
  digests.DIGESTS_MIGRATION,
  SMS_LEASE_MIGRATION,
];

export interface SqliteStoreOptions {
  /** Stamps `updated_at` on bot state, which retention reads. */
  clock?: Clock;
  /**
   * Checkpoint the WAL from a worker thread (sqlite/checkpointer.ts) rather than inside whichever commit fills it.
   * Default true for a file; an in-memory database has no WAL.
   */
  backgroundCheckpoints?: boolean;
}

export class SqliteStore implements Store {
  readonly kind = 'embedded' as const;
  readonly referrals: ReferralRepository;
  private readonly referralRepository: SqliteReferralRepository;
  readonly botState: BotStateRepository;
  readonly audit: AuditRepository;
  readonly sms: SmsRepository;
  // ---- staff console (issue 5): sqlite/staffRepo.ts ----
  readonly staff: StaffRepository;
  readonly sessions: SessionRepository;
  readonly digestSubscriptions: DigestSubscriptionRepository;
  readonly digestLedger: DigestLedgerRepository;
  readonly digestStats: DigestStatsRepository;
  readonly locks: LockRepository;
  readonly open311Consumers: Open311ConsumerRepository;
  readonly handoffs: HandoffRepository;
  readonly relayEvents: RelayEventRepository;
  private readonly pingStatement: Database.Statement<[]>;
  /** Null for an in-memory database, or when asked not to. */
  readonly checkpointer: BackgroundCheckpointer | null;

  private constructor(private readonly db: Db, clock: Clock, checkpointer: BackgroundCheckpointer | null) {
    this.checkpointer = checkpointer;
    this.referralRepository = new SqliteReferralRepository(db);
    this.referrals = this.referralRepository;
    this.botState = new SqliteBotStateRepository(db, clock);
    this.audit = new SqliteAuditRepository(db);
    this.sms = new SqliteSmsRepository(db);
    this.staff = new SqliteStaffRepository(db);
    this.sessions = new SqliteSessionRepository(db);
    this.digestSubscriptions = new digests.SqliteDigestSubscriptionRepository(db);
    this.digestLedger = new digests.SqliteDigestLedgerRepository(db);
    this.digestStats = new digests.SqliteDigestStatsRepository(db);
    this.locks = new digests.SqliteLockRepository(db);
    this.open311Consumers = new SqliteOpen311ConsumerRepository(db);
    this.handoffs = new SqliteHandoffRepository(db);
    this.relayEvents = new SqliteRelayEventRepository(db);
    this.pingStatement = db.prepare<[]>('SELECT 1');
  }

  /**
   * Opens (creating if needed) `<dataDir>/hub.sqlite`, or a private in-memory database for `':memory:'`.
   * Async only to match the MongoDB store's factory; the work is synchronous.
   */
  static async open(dataDir: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    return SqliteStore.openSync(dataDir, options);
  }

  static openSync(dataDir: string, options: SqliteStoreOptions = {}): SqliteStore {
    const db = new Database(databaseFile(dataDir));
    try {
      configure(db);
      migrate(db);
      migrateHub(db);
      migrateHandoffs(db);
      migrateRelayEvents(db);
      let checkpointer: BackgroundCheckpointer | null = null;
      if (dataDir !== ':memory:' && options.backgroundCheckpoints !== false) {
        checkpointer = new BackgroundCheckpointer(db.name, warnOnce());
        db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
      }
      return new SqliteStore(db, options.clock ?? systemClock, checkpointer);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async ping(): Promise<void> {
    this.pingStatement.get();
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // Claims waiting for the end of this turn to be group-committed are committed (or refused) now, not lost.
    this.referralRepository.flushClaims();
    this.db.close();
    await this.checkpointer?.close();
  }
}

/** A checkpoint that keeps failing would say so every 250 ms; once is enough, and the fallback still checkpoints. */
function warnOnce(): (message: string) => void {
  let warned = false;
  return (message) => {
    if (warned) return;
    warned = true;
    process.emitWarning(`background WAL checkpoint failed (SQLite checkpoints inside commits instead): ${message}`);
  };
}

function databaseFile(dataDir: string): string {
  if (dataDir === ':memory:') return dataDir;
  mkdirSync(dataDir, { recursive: true });
  return path.join(dataDir, SQLITE_FILE_NAME);
}

/**
 * WAL lets readers (the staff console) run while a turn writes. Commits default to `synchronous = NORMAL`: in WAL
 * mode that survives a crash or kill of the process (the failure the reliability tests inject) and costs about
 * 0.07 ms, where `FULL` costs an fsync (about 1.8 ms here) that blocks the event loop, and an SMS turn commits
 * several times. The one write a resident has been promised, a referral with its reference, is committed with
 * `FULL` (see {@link durably}), which also makes every earlier commit in the WAL durable. Claims are staff-side and
 * recoverable, and stay at NORMAL: a power cut can lose only the last commits (what survives of a WAL is a prefix),
 * and the background checkpointer (sqlite/checkpointer.ts) fsyncs the WAL about every 250 ms when it has grown.
 */
function configure(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}

/** Runs `work` with its commit fsynced, so it survives a power cut, not just a crash. */
export function durably<T>(db: Db, work: () => T): T {
  db.pragma('synchronous = FULL');
  try {
    return work();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

function migrate(db: Db): void {
  const applied = Number(db.pragma('user_version', { simple: true }));
  if (applied > MIGRATIONS.length) {
    throw new Error(`${SQLITE_FILE_NAME} has schema version ${applied}, newer than this build knows (${MIGRATIONS.length})`);
  }
  MIGRATIONS.slice(applied).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${applied + index + 1}`);
    }).immediate();
  });
}

/**
 * Prepares each distinct SQL text once. Queries whose WHERE clause depends on the filter are built from a small set
 * of shapes (array filters bind one JSON parameter, not one per element), so the cache stays small.
 */
class StatementCache {
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();
  constructor(private readonly db: Db) {}

  get(sql: string): Database.Statement<unknown[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** Throws on a limit that SQLite and MongoDB would read differently (MongoDB takes 0 as "no limit"). */
function checkedLimit(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a non-negative integer');
  return limit;
}

interface ReferralRow {
  doc: string;
}

/** The queue operations (claim, transitions, pages, erasure) live in sqlite/referralQueue.ts. */
class SqliteReferralRepository extends SqliteReferralQueue implements ReferralRepository {
  private readonly queries: StatementCache;
  private readonly byId: Database.Statement<[string], ReferralRow>;
  private readonly byReference: Database.Statement<[string], ReferralRow>;
  private readonly byIdempotencyKey: Database.Statement<[string], ReferralRow>;
  private readonly insert: Database.Statement<[ReferralColumns]>;
  private readonly insertTx: Database.Transaction<(candidate: Referral) => { referral: Referral; created: boolean }>;

  constructor(private readonly db: Db) {
    super(db);
    this.queries = new StatementCache(db);
    this.byId = db.prepare<[string], ReferralRow>('SELECT doc FROM referrals WHERE id = ?');
    this.byReference = db.prepare<[string], ReferralRow>('SELECT doc FROM referrals WHERE reference = ?');
    this.byIdempotencyKey = db.prepare<[string], ReferralRow>('SELECT doc FROM referrals WHERE idempotency_key = ?');
    this.insert = db.prepare<[ReferralColumns]>(`
      INSERT INTO referrals (id, reference, idempotency_key, kind, status, urgent, ward_code, conversation_id, created_at, doc)
      VALUES (@id, @reference, @idempotencyKey, @kind, @status, @urgent, @wardCode, @conversationId, @createdAt, @doc)`);
    this.insertTx = db.transaction((candidate: Referral) => this.insertUnlessKnown(candidate));
  }

  async insertIfAbsent(candidate: Referral): Promise<{ referral: Referral; created: boolean }> {
    // IMMEDIATE takes the write lock before the first read, so another process using the file cannot insert
    // between our check and our insert.
    const parsed = referralSchema.parse(candidate);
    return durably(this.db, () => this.insertTx.immediate(parsed));
  }

  async get(id: string): Promise<Referral | null> {
    return parseRow(this.byId.get(id));
  }

  async getByReference(reference: string): Promise<Referral | null> {
    return parseRow(this.byReference.get(reference));
  }

  async list(filter: ReferralFilter = {}): Promise<Referral[]> {
    const limit = checkedLimit(filter.limit);
    const { where, params } = referralWhere(filter);
    const limitSql = limit === undefined ? '' : ' LIMIT ?';
    const sql = `SELECT doc FROM referrals${where} ORDER BY urgent DESC, created_at ASC, id ASC${limitSql}`;
    const rows = this.queries.get(sql).all(...params, ...(limit === undefined ? [] : [limit])) as ReferralRow[];
    return rows.map((row) => parseDoc(row.doc));
  }

  async count(filter: ReferralFilter = {}): Promise<number> {
    const { where, params } = referralWhere(filter);
    const row = this.queries.get(`SELECT count(*) AS n FROM referrals${where}`).get(...params) as { n: number };
    return row.n;
  }

  /** Key first: a retried submission must get its referral back even if its reference has since been reused. */
  private insertUnlessKnown(candidate: Referral): { referral: Referral; created: boolean } {
    const existing = this.byIdempotencyKey.get(candidate.idempotencyKey);
    if (existing) return { referral: parseDoc(existing.doc), created: false };
    if (this.byReference.get(candidate.reference)) throw new DuplicateReferenceError(candidate.reference);
    this.insert.run(toColumns(candidate));
    return { referral: candidate, created: true };
  }
}

interface ReferralColumns {
  id: string;
  reference: string;
  idempotencyKey: string;
  kind: string;
  status: string;
  urgent: number;
  wardCode: string | null;
  conversationId: string;
  createdAt: string;
  doc: string;
}

function toColumns(r: Referral): ReferralColumns {
  return {
    id: r.id,
    reference: r.reference,
    idempotencyKey: r.idempotencyKey,
    kind: r.kind,
    status: r.status,
    urgent: r.urgent ? 1 : 0,
    wardCode: r.ward.code,
    conversationId: r.conversationId,
    createdAt: r.createdAt,
    doc: JSON.stringify(r),
  };
}

/** An empty `status` or `kind` array matches nothing, as "any of none" does in MongoDB's `$in`. */
function referralWhere(filter: ReferralFilter): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.status) {
    clauses.push('status IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.status));
  }
  if (filter.kind) {
    clauses.push('kind IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.kind));
  }
  if (filter.wardCode !== undefined) {
    clauses.push('ward_code = ?');
    params.push(filter.wardCode);
  }
  if (filter.urgent !== undefined) {
    clauses.push('urgent = ?');
    params.push(filter.urgent ? 1 : 0);
  }
  if (filter.conversationId !== undefined) {
    clauses.push('conversation_id = ?');
    params.push(filter.conversationId);
  }
  return { where: clauses.length === 0 ? '' : ` WHERE ${clauses.join(' AND ')}`, params };
}

function parseRow(row: ReferralRow | undefined): Referral | null {
  return row ? parseDoc(row.doc) : null;
}

function parseDoc(doc: string): Referral {
  return referralSchema.parse(JSON.parse(doc));
}

/** Bot state is whatever botbuilder hands us; we only insist it is a JSON object. */
const stateDoc = z.record(z.string(), z.unknown());

interface StateRow {
  key: string;
  etag: string;
  doc: string;
}

class SqliteBotStateRepository implements BotStateRepository {
  private readonly readMany: Database.Statement<[string], StateRow>;
  private readonly upsert: Database.Statement<[StateWrite]>;
  private readonly swap: Database.Statement<[StateWrite & { expectedEtag: string }]>;
  private readonly deleteMany: Database.Statement<[string]>;
  private readonly keysWithPrefix: Database.Statement<[{ prefix: string }], { key: string }>;
  private readonly keysStaleWithPrefix: Database.Statement<[{ prefix: string; before: string }], { key: string }>;

  constructor(db: Db, private readonly clock: Clock) {
    this.readMany = db.prepare<[string], StateRow>('SELECT key, etag, doc FROM bot_state WHERE key IN (SELECT value FROM json_each(?))');
    this.upsert = db.prepare<[StateWrite]>(`
      INSERT INTO bot_state (key, etag, doc, updated_at) VALUES (@key, @etag, @doc, @updatedAt)
      ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, doc = excluded.doc, updated_at = excluded.updated_at`);
    // One statement is the whole compare-and-swap: the row changes only if it still has the etag the caller read.
    this.swap = db.prepare<[StateWrite & { expectedEtag: string }]>(`
      UPDATE bot_state SET etag = @etag, doc = @doc, updated_at = @updatedAt
      WHERE key = @key AND etag = @expectedEtag`);
    this.deleteMany = db.prepare<[string]>('DELETE FROM bot_state WHERE key IN (SELECT value FROM json_each(?))');
    // substr, not LIKE: LIKE treats `%` and `_` in the prefix as wildcards and ignores ASCII case.
    this.keysWithPrefix = db.prepare<[{ prefix: string }], { key: string }>(
      'SELECT key FROM bot_state WHERE substr(key, 1, length(@prefix)) = @prefix ORDER BY key',
    );
    this.keysStaleWithPrefix = db.prepare<[{ prefix: string; before: string }], { key: string }>(
      'SELECT key FROM bot_state WHERE substr(key, 1, length(@prefix)) = @prefix AND updated_at < @before ORDER BY key',
    );
  }

  async read(keys: string[]): Promise<Record<string, StateItem>> {
    const items: Record<string, StateItem> = {};
    if (keys.length === 0) return items;
    for (const row of this.readMany.all(JSON.stringify(keys))) {
      items[row.key] = { doc: stateDoc.parse(JSON.parse(row.doc)), etag: row.etag };
    }
    return items;
  }

  /** The doc is stored as JSON, so it reads back as JSON would (dates become strings, undefined fields vanish). */
  async write(key: string, doc: Record<string, unknown>, expectedEtag?: string): Promise<string> {
    const values: StateWrite = { key, etag: newEtag(), doc: JSON.stringify(doc), updatedAt: this.clock.now().toISOString() };
    if (expectedEtag === undefined || expectedEtag === '*') {
      this.upsert.run(values);
    } else if (this.swap.run({ ...values, expectedEtag }).changes === 0) {
      throw new EtagConflictError(key);
    }
    return values.etag;
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) this.deleteMany.run(JSON.stringify(keys));
  }

  async keys(prefix: string): Promise<string[]> {
    return this.keysWithPrefix.all({ prefix }).map((row) => row.key);
  }

  async keysUpdatedBefore(prefix: string, before: string): Promise<string[]> {
    return this.keysStaleWithPrefix.all({ prefix, before }).map((row) => row.key);
  }
}

interface StateWrite {
  key: string;
  etag: string;
  doc: string;
  updatedAt: string;
}

/** Random rather than a counter, so an etag from a deleted and recreated item can never match the new one. */
function newEtag(): string {
  return randomBytes(8).toString('hex');
}

const auditDetail = z.record(z.string(), z.unknown());

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: string;
}

class SqliteAuditRepository implements AuditRepository {
  private readonly queries: StatementCache;
  private readonly insert: Database.Statement<[Omit<AuditRow, 'seq'>]>;

  constructor(db: Db) {
    this.queries = new StatementCache(db);
    this.insert = db.prepare<[Omit<AuditRow, 'seq'>]>(
      'INSERT INTO audit (at, actor, action, subject, detail) VALUES (@at, @actor, @action, @subject, @detail)',
    );
  }

  async append(entry: AuditEntry): Promise<void> {
    this.insert.run({ ...entry, detail: JSON.stringify(entry.detail) });
  }

  /**
   * Oldest first (ascending `seq`). With `limit`, the newest `limit` entries, still oldest first, because a
   * limited audit view is nearly always "what happened lately".
   */
  async list(filter: { subject?: string; action?: string; limit?: number } = {}): Promise<(AuditEntry & { seq: number })[]> {
    const limit = checkedLimit(filter.limit);
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.subject !== undefined) {
      clauses.push('subject = ?');
      params.push(filter.subject);
    }
    if (filter.action !== undefined) {
      clauses.push('action = ?');
      params.push(filter.action);
    }
    const where = clauses.length === 0 ? '' : ` WHERE ${clauses.join(' AND ')}`;
    const select = `SELECT seq, at, actor, action, subject, detail FROM audit${where}`;
    const rows = (limit === undefined
      ? this.queries.get(`${select} ORDER BY seq ASC`).all(...params)
      : this.queries.get(`${select} ORDER BY seq DESC LIMIT ?`).all(...params, limit).reverse()) as AuditRow[];
    return rows.map((row) => ({ ...row, detail: auditDetail.parse(JSON.parse(row.detail)) }));
  }
}
