/**
 * Ward digest collections for the MongoDB store: `digestSubscriptions`, `digestLedger` (the ledger key as `_id`, so
 * the unique index on `_id` is the idempotency point across instances), `locks` (lock name as `_id`), and
 * `referralPlaces` (the ASB place the digest service worked out for a report, kept beside the referral rather than
 * written into it).
 *
 * Counts come from aggregation pipelines over `referrals` itself: MongoDB computes the same facts the embedded store
 * keeps in its facts table (first claim, finishing status, needs as a bit set) as the documents stream through
 * `$group`, so there is nothing extra to keep in step when the hub console updates a referral.
 */
import type { Collection, Db, Document } from 'mongodb';
import { MongoServerError } from 'mongodb';
import {
  digestLedgerEntry,
  digestSubscription,
  emptyTally,
  FINAL_STATUSES,
  ledgerKey,
  LEDGER_STATUSES,
  needsFromBits,
  type DigestLedgerEntry,
  type DigestSubscription,
  type FinalStatus,
  type LedgerStatus,
  type WardTally,
} from '../digests/model';
import { ASB_TYPES, COST_OF_LIVING_NEEDS, REFERRAL_KINDS, type AsbType, type ReferralKind } from '../referrals/model';
import type {
  DigestLedgerRepository,
  DigestStatsRepository,
  DigestSubscriptionRepository,
  LedgerClaim,
  LockRepository,
  PlaceAssignment,
  UnplacedAsb,
} from './digestTypes';

type SubscriptionDoc = DigestSubscription & { _id: string };
type LedgerDoc = Omit<DigestLedgerEntry, 'key'> & { _id: string };
interface LockDoc {
  _id: string;
  owner: string;
  expiresAt: string;
}
interface PlaceDoc {
  _id: string;
  place: string;
  placeWard: string | null;
  version: string;
}

const DUPLICATE_KEY = 11000;
const isDuplicateKey = (err: unknown): boolean => err instanceof MongoServerError && err.code === DUPLICATE_KEY;

export async function ensureDigestIndexes(db: Db): Promise<void> {
  await db.collection<SubscriptionDoc>('digestSubscriptions').createIndexes([
    { key: { createdAt: 1, _id: 1 }, name: 'created' },
    { key: { wardCodes: 1 }, name: 'wards' },
  ]);
  await db.collection<LedgerDoc>('digestLedger').createIndexes([
    { key: { status: 1, nextAttemptAt: 1 }, name: 'due' },
    { key: { updatedAt: -1 }, name: 'recent' },
    { key: { subscriptionId: 1, updatedAt: -1 }, name: 'subscription' },
  ]);
  await db.collection('referrals').createIndexes([
    { key: { createdAt: 1 }, name: 'created' },
    // Both paths run through the same `history` array, which a compound multikey index allows.
    { key: { 'history.to': 1, 'history.at': 1 }, name: 'history_status' },
  ]);
}

export class MongoDigestSubscriptionRepository implements DigestSubscriptionRepository {
  private readonly subscriptions: Collection<SubscriptionDoc>;

  constructor(db: Db) {
    this.subscriptions = db.collection<SubscriptionDoc>('digestSubscriptions');
  }

  async create(subscription: DigestSubscription): Promise<DigestSubscription> {
    const valid = digestSubscription.parse(subscription);
    await this.subscriptions.insertOne({ _id: valid.id, ...valid });
    return valid;
  }

  async get(id: string): Promise<DigestSubscription | null> {
    const doc = await this.subscriptions.findOne({ _id: id }, { projection: { _id: 0 } });
    return doc ? digestSubscription.parse(doc) : null;
  }

  async list(filter: { active?: boolean; wardCode?: string } = {}): Promise<DigestSubscription[]> {
    const query: Document = {};
    if (filter.active !== undefined) query['active'] = filter.active;
    if (filter.wardCode !== undefined) query['wardCodes'] = filter.wardCode;
    const docs = await this.subscriptions.find(query, { projection: { _id: 0 } }).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map((doc) => digestSubscription.parse(doc));
  }

  async update(subscription: DigestSubscription): Promise<boolean> {
    const valid = digestSubscription.parse(subscription);
    const result = await this.subscriptions.replaceOne({ _id: valid.id }, valid);
    return result.matchedCount === 1;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.subscriptions.deleteOne({ _id: id })).deletedCount === 1;
  }
}

function toEntry(doc: LedgerDoc): DigestLedgerEntry {
  const { _id, ...rest } = doc;
  return digestLedgerEntry.parse({ key: _id, ...rest });
}

export class MongoDigestLedgerRepository implements DigestLedgerRepository {
  private readonly ledger: Collection<LedgerDoc>;

  constructor(db: Db) {
    this.ledger = db.collection<LedgerDoc>('digestLedger');
  }

  /** Insert first and let the `_id` index decide; only on a duplicate try to take over a due or abandoned claim. */
  async claim(claim: LedgerClaim): Promise<DigestLedgerEntry | null> {
    const key = ledgerKey(claim.subscriptionId, claim.wardCode, claim.period, claim.channel);
    const leaseUntil = new Date(Date.parse(claim.now) + claim.leaseMs).toISOString();
    const doc: LedgerDoc = {
      _id: key,
      subscriptionId: claim.subscriptionId,
      wardCode: claim.wardCode,
      period: claim.period,
      channel: claim.channel,
      status: 'sending',
      attempts: 1,
      lastError: null,
      claimedBy: claim.owner,
      leaseUntil,
      nextAttemptAt: null,
      sentAt: null,
      providerId: null,
      createdAt: claim.now,
      updatedAt: claim.now,
    };
    try {
      await this.ledger.insertOne(doc);
      return toEntry(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const taken = await this.ledger.findOneAndUpdate(
      {
        _id: key,
        $or: [
          { status: 'failed', nextAttemptAt: { $lte: claim.now } },
          { status: 'sending', leaseUntil: { $lte: claim.now } },
        ],
      },
      { $set: { status: 'sending', claimedBy: claim.owner, leaseUntil, nextAttemptAt: null, updatedAt: claim.now }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    );
    return taken ? toEntry(taken) : null;
  }

  async markSent(key: string, owner: string, result: { at: string; providerId: string | null }): Promise<boolean> {
    const updated = await this.ledger.updateOne(
      { _id: key, status: 'sending', claimedBy: owner },
      { $set: { status: 'sent', sentAt: result.at, providerId: result.providerId, leaseUntil: null, lastError: null, updatedAt: result.at } },
    );
    return updated.matchedCount === 1;
  }

  async markFailed(key: string, owner: string, result: { at: string; error: string; nextAttemptAt: string | null }): Promise<boolean> {
    const status: LedgerStatus = result.nextAttemptAt === null ? 'abandoned' : 'failed';
    const updated = await this.ledger.updateOne(
      { _id: key, status: 'sending', claimedBy: owner },
      { $set: { status, lastError: result.error, nextAttemptAt: result.nextAttemptAt, leaseUntil: null, updatedAt: result.at } },
    );
    return updated.matchedCount === 1;
  }

  async get(key: string): Promise<DigestLedgerEntry | null> {
    const doc = await this.ledger.findOne({ _id: key });
    return doc ? toEntry(doc) : null;
  }

  async list(filter: { status?: LedgerStatus[]; subscriptionId?: string; limit?: number } = {}): Promise<DigestLedgerEntry[]> {
    const query: Document = {};
    if (filter.status) query['status'] = { $in: filter.status };
    if (filter.subscriptionId !== undefined) query['subscriptionId'] = filter.subscriptionId;
    if (filter.limit !== undefined && (!Number.isInteger(filter.limit) || filter.limit < 0)) {
      throw new RangeError('limit must be a non-negative integer');
    }
    if (filter.limit === 0) return [];
    let cursor = this.ledger.find(query).sort({ updatedAt: -1, _id: 1 });
    if (filter.limit !== undefined) cursor = cursor.limit(filter.limit);
    return (await cursor.toArray()).map(toEntry);
  }

  async dueRetries(now: string): Promise<DigestLedgerEntry[]> {
    const docs = await this.ledger.find({ status: 'failed', nextAttemptAt: { $lte: now } }).sort({ nextAttemptAt: 1, _id: 1 }).toArray();
    return docs.map(toEntry);
  }

  async countByStatus(): Promise<Record<LedgerStatus, number>> {
    const counts = Object.fromEntries(LEDGER_STATUSES.map((s) => [s, 0])) as Record<LedgerStatus, number>;
    const rows = await this.ledger.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
    for (const row of rows) if ((LEDGER_STATUSES as readonly string[]).includes(row._id)) counts[row._id as LedgerStatus] = row.n;
    return counts;
  }
}

export class MongoLockRepository implements LockRepository {
  private readonly locks: Collection<LockDoc>;

  constructor(db: Db) {
    this.locks = db.collection<LockDoc>('locks');
  }

  /**
   * The filter matches only a lock that is ours or expired; when someone else holds it, the upsert tries to insert a
   * second document with the same `_id` and the unique index refuses it.
   */
  async acquire(name: string, owner: string, now: string, ttlMs: number): Promise<boolean> {
    const expiresAt = new Date(Date.parse(now) + ttlMs).toISOString();
    try {
      await this.locks.updateOne({ _id: name, $or: [{ owner }, { expiresAt: { $lte: now } }] }, { $set: { owner, expiresAt } }, { upsert: true });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async release(name: string, owner: string): Promise<void> {
    await this.locks.deleteOne({ _id: name, owner });
  }
}

// ---- counts --------------------------------------------------------------------------------------------------------

const FINAL = [...FINAL_STATUSES];

const withPlace: Document[] = [
  { $lookup: { from: 'referralPlaces', localField: '_id', foreignField: '_id', as: 'placeDoc' } },
  { $set: { placeDoc: { $arrayElemAt: ['$placeDoc', 0] } } },
];
/** The referral's ward, or for an ASB report with none, the ward of the listed place it named. */
const effectiveWard = { $ifNull: ['$ward.code', { $ifNull: ['$placeDoc.placeWard', null] }] };

const needBits = {
  $reduce: {
    input: { $setUnion: [{ $ifNull: ['$answers.needs', []] }, []] },
    initialValue: 0,
    in: {
      $add: ['$$value', { $switch: { branches: COST_OF_LIVING_NEEDS.map((need, i) => ({ case: { $eq: ['$$this', need] }, then: 1 << i })), default: 0 } }],
    },
  },
};

/** Whole seconds, then whole minutes, truncated, as the embedded store and tally.ts compute them. */
const wholeSeconds = (iso: string) => ({ $floor: { $divide: [{ $toLong: { $toDate: iso } }, 1000] } });
const pickupMinutes = { $trunc: { $divide: [{ $subtract: [wholeSeconds('$pickedUpAt'), wholeSeconds('$createdAt')] }, 60] } };

interface RaisedGroup {
  _id: { w: string | null; kind: string; needs: number; asbType: string | null; place: string | null; sg: boolean };
  n: number;
}

export class MongoDigestStatsRepository implements DigestStatsRepository {
  private readonly referrals: Collection<Document>;
  private readonly places: Collection<PlaceDoc>;

  constructor(db: Db) {
    this.referrals = db.collection('referrals');
    this.places = db.collection<PlaceDoc>('referralPlaces');
  }

  async tally(period: { start: string; end: string }): Promise<WardTally[]> {
    const { start, end } = period;
    const [raised, pickups, finished] = await Promise.all([
      this.referrals
        .aggregate<RaisedGroup>([
          { $match: { createdAt: { $gte: start, $lt: end } } },
          ...withPlace,
          {
            $group: {
              _id: {
                w: effectiveWard,
                kind: '$kind',
                needs: { $cond: [{ $eq: ['$kind', 'cost-of-living'] }, needBits, 0] },
                asbType: { $cond: [{ $eq: ['$kind', 'asb'] }, '$answers.asbType', null] },
                place: { $cond: [{ $eq: ['$kind', 'asb'] }, { $ifNull: ['$placeDoc.place', ''] }, null] },
                sg: { $in: ['safeguarding', { $ifNull: ['$urgencyReasons', []] }] },
              },
              n: { $sum: 1 },
            },
          },
        ])
        .toArray(),
      this.referrals
        .aggregate<{ _id: { w: string | null; m: number }; n: number }>([
          { $match: { createdAt: { $gte: start, $lt: end }, 'history.to': 'claimed' } },
          {
            $set: {
              pickedUpAt: {
                $min: { $map: { input: { $filter: { input: '$history', as: 'h', cond: { $eq: ['$$h.to', 'claimed'] } } }, as: 'h', in: '$$h.at' } },
              },
            },
          },
          { $match: { pickedUpAt: { $lt: end } } },
          ...withPlace,
          { $group: { _id: { w: effectiveWard, m: pickupMinutes }, n: { $sum: 1 } } },
          { $sort: { '_id.w': 1, '_id.m': 1 } },
        ])
        .toArray(),
      this.referrals
        .aggregate<{ _id: { w: string | null; s: string }; n: number }>([
          { $match: { history: { $elemMatch: { to: { $in: FINAL }, at: { $gte: start, $lt: end } } } } },
          { $set: { finals: { $filter: { input: '$history', as: 'h', cond: { $in: ['$$h.to', FINAL] } } } } },
          { $set: { finishedAt: { $min: '$finals.at' } } },
          { $match: { finishedAt: { $gte: start, $lt: end } } },
          ...withPlace,
          {
            $group: {
              _id: {
                w: effectiveWard,
                s: {
                  $let: {
                    vars: { first: { $arrayElemAt: [{ $filter: { input: '$finals', as: 'f', cond: { $eq: ['$$f.at', '$finishedAt'] } } }, 0] } },
                    in: '$$first.to',
                  },
                },
              },
              n: { $sum: 1 },
            },
          },
        ])
        .toArray(),
    ]);

    const tallies = new Map<string | null, WardTally>();
    const forWard = (w: string | null | undefined): WardTally => {
      const key = w ?? null;
      let t = tallies.get(key);
      if (!t) {
        t = emptyTally(key);
        tallies.set(key, t);
      }
      return t;
    };
    for (const { _id: g, n } of raised) {
      const t = forWard(g.w);
      if (!(REFERRAL_KINDS as readonly string[]).includes(g.kind)) continue;
      const kind = g.kind as ReferralKind;
      t.raised[kind] += n;
      if (g.sg) t.safeguarding += n;
      if (kind === 'cost-of-living') for (const need of needsFromBits(g.needs)) t.needs[need] += n;
      if (kind === 'asb') {
        if (g.asbType !== null && (ASB_TYPES as readonly string[]).includes(g.asbType)) t.asbTypes[g.asbType as AsbType] += n;
        const place = g.place ?? '';
        t.asbPlaces[place] = (t.asbPlaces[place] ?? 0) + n;
      }
    }
    for (const { _id: g, n } of pickups) forWard(g.w).pickupMinutes.push([g.m, n]);
    for (const { _id: g, n } of finished) {
      if ((FINAL_STATUSES as readonly string[]).includes(g.s)) forWard(g.w).finished[g.s as FinalStatus] += n;
    }
    return [...tallies.values()];
  }

  async unplacedAsb(period: { start: string; end: string }, version: string, limit: number): Promise<UnplacedAsb[]> {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a non-negative integer');
    if (limit === 0) return [];
    const docs = await this.referrals
      .aggregate<{ _id: string; ward?: { code?: string | null }; answers?: { location?: unknown; postcode?: unknown } }>([
        {
          $match: {
            kind: 'asb',
            $or: [
              { createdAt: { $gte: period.start, $lt: period.end } },
              { history: { $elemMatch: { to: { $in: FINAL }, at: { $gte: period.start, $lt: period.end } } } },
            ],
          },
        },
        { $lookup: { from: 'referralPlaces', localField: '_id', foreignField: '_id', as: 'p' } },
        { $match: { 'p.version': { $ne: version } } },
        { $sort: { createdAt: 1, _id: 1 } },
        { $limit: limit },
        { $project: { _id: 1, 'ward.code': 1, 'answers.location': 1, 'answers.postcode': 1 } },
      ])
      .toArray();
    return docs.map((doc) => ({
      referralId: doc._id,
      wardCode: doc.ward?.code ?? null,
      location: typeof doc.answers?.location === 'string' ? doc.answers.location : '',
      postcode: typeof doc.answers?.postcode === 'string' ? doc.answers.postcode : null,
    }));
  }

  async setPlaces(version: string, places: PlaceAssignment[]): Promise<void> {
    if (places.length === 0) return;
    await this.places.bulkWrite(
      places.map((p) => ({
        updateOne: { filter: { _id: p.referralId }, update: { $set: { place: p.place, placeWard: p.placeWard, version } }, upsert: true },
      })),
      { ordered: false },
    );
  }
}
