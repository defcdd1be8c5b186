/**
 * The production store on MongoDB (Atlas or Cosmos DB for MongoDB) through the official driver, shared by several
 * bot instances behind a load balancer.
 *
 * Atomicity comes from the server, not from us: unique indexes make "one referral per idempotency key" and "one
 * referral per reference" hold across instances, and a filtered `updateOne` is the compare-and-swap for bot state.
 * Every document read back is checked with zod, as in the embedded store.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient, MongoServerError, type Collection, type Db, type Filter } from 'mongodb';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock';
import { referral as referralSchema, type Referral } from '../referrals/model';
import { ensureSmsIndexes, MongoSmsRepository } from './mongoSms';
import { MongoReferralQueue, ensureQueueIndexes } from './mongo/referralQueue';
import { MongoSessionRepository, MongoStaffRepository, ensureStaffIndexes, type SessionDoc, type StaffDoc } from './mongo/staffRepo';
import * as digests from './mongoDigests';
import { MongoOpen311ConsumerRepository, ensureOpen311Indexes, type Open311ConsumerDoc } from './mongo/open311Consumers';
import type { Open311ConsumerRepository } from './open311Types';
import { MongoHandoffRepository, ensureHandoffIndexes, type HandoffDoc } from './mongo/handoffRepo';
import { MongoRelayEventRepository, ensureRelayEventIndexes, type RelayEventDoc } from './mongo/relayEvents';
import type { RelayEventRepository } from '../events/relay';
import type { HandoffRepository } from '../handoff/model';
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

/** The referral's own id is the `_id`, so `get` needs no second index. */
type ReferralDoc = Referral & { _id: string };

/**
 * Bot state keeps `doc` as a JSON string. botbuilder's state may hold field names starting with `$` or containing
 * dots, which MongoDB update operators (and Cosmos DB) handle inconsistently; a string also makes the round trip
 * exactly the embedded store's (JSON in, JSON out). Nothing queries inside bot state, so nothing is lost.
 */
interface BotStateDoc {
  _id: string;
  etag: string;
  doc: string;
  updatedAt: Date;
}

/** `_id` is the audit sequence number, drawn from {@link CounterDoc}. */
interface AuditDoc {
  _id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: Record<string, unknown>;
}

interface CounterDoc {
  _id: string;
  seq: number;
}

const DUPLICATE_KEY = 11000;
const AUDIT_COUNTER = 'audit';

export interface MongoStoreOptions {
  /** Stamps `updatedAt` on bot state, which retention reads. */
  clock?: Clock;
}

export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;
  readonly referrals: ReferralRepository;
  readonly botState: BotStateRepository;
  readonly audit: AuditRepository;
  readonly sms: SmsRepository;
  // ---- staff console (issue 5): mongo/staffRepo.ts ----
  readonly staff: StaffRepository;
  readonly sessions: SessionRepository;
  readonly digestSubscriptions: DigestSubscriptionRepository;
  readonly digestLedger: DigestLedgerRepository;
  readonly digestStats: DigestStatsRepository;
  readonly locks: LockRepository;
  readonly open311Consumers: Open311ConsumerRepository;
  readonly handoffs: HandoffRepository;
  readonly relayEvents: RelayEventRepository;

  private constructor(private readonly client: MongoClient, private readonly db: Db, clock: Clock) {
    this.referrals = new MongoReferralRepository(db.collection<ReferralDoc>('referrals'));
    this.botState = new MongoBotStateRepository(db.collection<BotStateDoc>('botState'), clock);
    this.audit = new MongoAuditRepository(db.collection<AuditDoc>('audit'), db.collection<CounterDoc>('counters'));
    this.sms = new MongoSmsRepository(db);
    this.staff = new MongoStaffRepository(db.collection<StaffDoc>('staff'));
    this.sessions = new MongoSessionRepository(db.collection<SessionDoc>('staffSessions'));
    this.digestSubscriptions = new digests.MongoDigestSubscriptionRepository(db);
    this.digestLedger = new digests.MongoDigestLedgerRepository(db);
    this.digestStats = new digests.MongoDigestStatsRepository(db);
    this.locks = new digests.MongoLockRepository(db);
    this.open311Consumers = new MongoOpen311ConsumerRepository(db.collection<Open311ConsumerDoc>('open311Consumers'));
    this.handoffs = new MongoHandoffRepository(db.collection<HandoffDoc>('handoffs'));
    this.relayEvents = new MongoRelayEventRepository(db.collection<RelayEventDoc>('relayEvents'));
  }

  /**
   * Connects and makes sure the indexes exist (a no-op when they already do). Without `dbName` the driver uses the
   * database named in the URI.
   */
  static async open(uri: string, dbName?: string, options: MongoStoreOptions = {}): Promise<MongoStore> {
    const client = new MongoClient(uri, { appName: 'community-hub-bot' });
    await client.connect();
    try {
      const db = client.db(dbName);
      await ensureIndexes(db);
      return new MongoStore(client, db, options.clock ?? systemClock);
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

async function ensureIndexes(db: Db): Promise<void> {
  await ensureOpen311Indexes(db);
  await db.collection<ReferralDoc>('referrals').createIndexes([
    { key: { reference: 1 }, name: 'reference_unique', unique: true },
    { key: { idempotencyKey: 1 }, name: 'idempotencyKey_unique', unique: true },
    { key: { status: 1, urgent: -1, createdAt: 1, _id: 1 }, name: 'queue' },
    // The queue order with no status filter; Cosmos DB also refuses a multi-field sort no index covers.
    { key: { urgent: -1, createdAt: 1, _id: 1 }, name: 'queue_all' },
    { key: { kind: 1 }, name: 'kind' },
    { key: { 'ward.code': 1 }, name: 'ward' },
    { key: { conversationId: 1 }, name: 'conversation' },
  ]);
  await db.collection<AuditDoc>('audit').createIndexes([
    { key: { subject: 1, _id: 1 }, name: 'subject' },
    { key: { action: 1, _id: 1 }, name: 'action' },
  ]);
  await ensureSmsIndexes(db);
  // ---- staff console (issue 5) ----
  await ensureQueueIndexes(db.collection<ReferralDoc>('referrals'));
  await ensureStaffIndexes(db);
  await digests.ensureDigestIndexes(db);
  await ensureHandoffIndexes(db);
  await ensureRelayEventIndexes(db);
}

/** Throws on a limit MongoDB would misread: it takes 0 as "no limit" and a negative number as a batch size. */
function checkedLimit(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a non-negative integer');
  return limit;
}

function isDuplicateKey(err: unknown): err is MongoServerError {
  return err instanceof MongoServerError && err.code === DUPLICATE_KEY;
}

/**
 * The first field of the unique index a duplicate-key error names, or null when the server does not say
 * (Cosmos DB for MongoDB omits `keyPattern`); callers then ask the database instead.
 */
function duplicateKeyField(err: MongoServerError): string | null {
  const pattern: unknown = err.keyPattern ?? err.errorResponse['keyPattern'];
  if (pattern === null || typeof pattern !== 'object') return null;
  return Object.keys(pattern)[0] ?? null;
}

/** Two first-time upserts of the same `_id` can race; the loser's retry finds the document and updates it. */
async function retryOnceOnDuplicateKey<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return operation();
  }
}

const withoutId = { projection: { _id: 0 } } as const;

/** The queue operations (claim, transitions, pages, erasure) live in mongo/referralQueue.ts. */
class MongoReferralRepository extends MongoReferralQueue implements ReferralRepository {
  constructor(private readonly referrals: Collection<ReferralDoc>) {
    super(referrals);
  }

  /**
   * Insert first and let the unique indexes decide: a check-then-insert would race between instances. A retry is
   * rare, so the extra read happens only on the error path.
   */
  async insertIfAbsent(candidate: Referral): Promise<{ referral: Referral; created: boolean }> {
    const valid = referralSchema.parse(candidate);
    try {
      await this.referrals.insertOne({ ...valid, _id: valid.id });
      return { referral: valid, created: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return this.resolveDuplicate(valid, err);
    }
  }

  async get(id: string): Promise<Referral | null> {
    return parseReferral(await this.referrals.findOne({ _id: id }, withoutId));
  }

  async getByReference(reference: string): Promise<Referral | null> {
    return parseReferral(await this.referrals.findOne({ reference }, withoutId));
  }

  async list(filter: ReferralFilter = {}): Promise<Referral[]> {
    const limit = checkedLimit(filter.limit);
    if (limit === 0) return [];
    let cursor = this.referrals
      .find(referralQuery(filter), withoutId)
      .sort({ urgent: -1, createdAt: 1, _id: 1 });
    if (limit !== undefined) cursor = cursor.limit(limit);
    const docs = await cursor.toArray();
    return docs.map((doc) => referralSchema.parse(doc));
  }

  async count(filter: ReferralFilter = {}): Promise<number> {
    return this.referrals.countDocuments(referralQuery(filter));
  }

  /** Key first, as in the embedded store: a retried submission gets its referral back whatever else collided. */
  private async resolveDuplicate(candidate: Referral, err: MongoServerError): Promise<{ referral: Referral; created: boolean }> {
    const field = duplicateKeyField(err);
    if (field === 'reference') throw new DuplicateReferenceError(candidate.reference);
    const existing = await this.referrals.findOne({ idempotencyKey: candidate.idempotencyKey }, withoutId);
    if (existing) return { referral: referralSchema.parse(existing), created: false };
    if (field === null && (await this.referrals.countDocuments({ reference: candidate.reference }, { limit: 1 })) > 0) {
      throw new DuplicateReferenceError(candidate.reference);
    }
    throw err;
  }
}

/** An empty `status` or `kind` array matches nothing, as in the embedded store. */
function referralQuery(filter: ReferralFilter): Filter<ReferralDoc> {
  const query: Filter<ReferralDoc> = {};
  if (filter.status) query.status = { $in: filter.status };
  if (filter.kind) query.kind = { $in: filter.kind };
  if (filter.wardCode !== undefined) query['ward.code'] = filter.wardCode;
  if (filter.urgent !== undefined) query.urgent = filter.urgent;
  if (filter.conversationId !== undefined) query.conversationId = filter.conversationId;
  return query;
}

function parseReferral(doc: unknown): Referral | null {
  return doc === null ? null : referralSchema.parse(doc);
}

/** Bot state is whatever botbuilder hands us; we only insist it is a JSON object. */
const stateDoc = z.record(z.string(), z.unknown());

/** Random rather than a counter, so an etag from a deleted and recreated item can never match the new one. */
function newEtag(): string {
  return randomBytes(8).toString('hex');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

class MongoBotStateRepository implements BotStateRepository {
  constructor(private readonly states: Collection<BotStateDoc>, private readonly clock: Clock) {}

  async read(keys: string[]): Promise<Record<string, StateItem>> {
    const items: Record<string, StateItem> = {};
    if (keys.length === 0) return items;
    for await (const row of this.states.find({ _id: { $in: keys } })) {
      items[row._id] = { doc: stateDoc.parse(JSON.parse(row.doc)), etag: row.etag };
    }
    return items;
  }

  /**
   * A conditional write never upserts: with an etag given and no stored item the write must fail, and without an
   * upsert there is no duplicate-key race to translate either, because the filter on `_id` and `etag` matches at
   * most the one document.
   */
  async write(key: string, doc: Record<string, unknown>, expectedEtag?: string): Promise<string> {
    const etag = newEtag();
    const update = { $set: { etag, doc: JSON.stringify(doc), updatedAt: this.clock.now() } };
    if (expectedEtag === undefined || expectedEtag === '*') {
      await retryOnceOnDuplicateKey(() => this.states.updateOne({ _id: key }, update, { upsert: true }));
      return etag;
    }
    const result = await this.states.updateOne({ _id: key, etag: expectedEtag }, update);
    if (result.matchedCount === 0) throw new EtagConflictError(key);
    return etag;
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.states.deleteMany({ _id: { $in: keys } });
  }

  /** An anchored, case-sensitive regular expression on `_id` is a prefix scan of the `_id` index. */
  async keys(prefix: string): Promise<string[]> {
    const rows = await this.states
      .find({ _id: { $regex: `^${escapeRegExp(prefix)}` } }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .toArray();
    return rows.map((row) => row._id);
  }

  async keysUpdatedBefore(prefix: string, before: string): Promise<string[]> {
    const rows = await this.states
      .find({ _id: { $regex: `^${escapeRegExp(prefix)}` }, updatedAt: { $lt: new Date(before) } }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .toArray();
    return rows.map((row) => row._id);
  }
}

const auditDoc = z.object({
  _id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  subject: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

class MongoAuditRepository implements AuditRepository {
  constructor(private readonly entries: Collection<AuditDoc>, private readonly counters: Collection<CounterDoc>) {}

  /**
   * The sequence number comes from an atomic `$inc` on a counter document, so entries from several instances get
   * distinct, increasing numbers. A crash between drawing a number and inserting leaves a gap: numbers are
   * monotonic, not gapless.
   */
  async append(entry: AuditEntry): Promise<void> {
    const seq = await this.nextSeq();
    await this.entries.insertOne({
      _id: seq,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      detail: entry.detail,
    });
  }

  /**
   * Oldest first (ascending `seq`). With `limit`, the newest `limit` entries, still oldest first, because a
   * limited audit view is nearly always "what happened lately".
   */
  async list(filter: { subject?: string; action?: string; limit?: number } = {}): Promise<(AuditEntry & { seq: number })[]> {
    const limit = checkedLimit(filter.limit);
    if (limit === 0) return [];
    const query: Filter<AuditDoc> = {};
    if (filter.subject !== undefined) query.subject = filter.subject;
    if (filter.action !== undefined) query.action = filter.action;
    const docs =
      limit === undefined
        ? await this.entries.find(query).sort({ _id: 1 }).toArray()
        : (await this.entries.find(query).sort({ _id: -1 }).limit(limit).toArray()).reverse();
    return docs.map((doc) => {
      const { _id, ...rest } = auditDoc.parse(doc);
      return { seq: _id, ...rest };
    });
  }

  private async nextSeq(): Promise<number> {
    const counter = await retryOnceOnDuplicateKey(() =>
      this.counters.findOneAndUpdate(
        { _id: AUDIT_COUNTER },
        { $inc: { seq: 1 } },
        { upsert: true, returnDocument: 'after' },
      ),
    );
    if (!counter) throw new Error('audit counter upsert returned no document');
    return counter.seq;
  }
}
