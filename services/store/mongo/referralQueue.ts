/**
 * The queue operations on referrals in MongoDB (issue 5). MongoReferralRepository extends this class.
 *
 * A claim is one `findOneAndUpdate` filtered on `status: 'new'`: the server applies it to one document atomically,
 * so across any number of instances exactly one claim wins. A checked change filters on the version it read, which
 * makes it a compare-and-swap too; the change itself is computed and validated here first.
 */
import type { Collection, Document, Filter, UpdateFilter } from 'mongodb';
import { referral as referralSchema, type HistoryEntry, type NoteEntry, type Referral } from '../../referrals/model';
import {
  OPEN_STATUSES,
  StaleReferralError,
  emptyCounts,
  type ContactQuery,
  type Page,
  type PageRequest,
  type QueueCounts,
  type QueueFilter,
  type ReferralQueueOperations,
  type TransitionRequest,
  type WorkloadRow,
} from '../hubTypes';
import { applyChanges } from '../referralChanges';

export type QueueReferralDoc = Referral & { _id: string };

const QUEUE_ORDER = { urgent: -1, createdAt: 1, _id: 1 } as const;
const withoutId = { projection: { _id: 0 } } as const;

export async function ensureQueueIndexes(referrals: Collection<QueueReferralDoc>): Promise<void> {
  await referrals.createIndexes([
    { key: { status: 1, slaDueAt: 1 }, name: 'due' },
    { key: { status: 1, kind: 1, urgent: -1, createdAt: 1, _id: 1 }, name: 'queue_kind' },
    { key: { status: 1, 'ward.code': 1, urgent: -1, createdAt: 1, _id: 1 }, name: 'queue_ward' },
    { key: { assignee: 1, status: 1 }, name: 'assignee' },
    { key: { 'contact.phone': 1 }, name: 'contact_phone', sparse: true },
    { key: { 'contact.email': 1 }, name: 'contact_email', sparse: true },
  ]);
}

export class MongoReferralQueue implements ReferralQueueOperations {
  constructor(private readonly queue: Collection<QueueReferralDoc>) {}

  async listPage(filter: QueueFilter, page: PageRequest): Promise<Page<Referral>> {
    checkPage(page);
    const query = queueQuery(filter);
    const [docs, total] = await Promise.all([
      page.limit === 0 ? [] : this.queue.find(query, withoutId).sort(QUEUE_ORDER).skip(page.offset).limit(page.limit).toArray(),
      this.queue.countDocuments(query),
    ]);
    return { items: docs.map((doc) => referralSchema.parse(doc)), total };
  }

  async counts(filter: QueueFilter, now: string): Promise<QueueCounts> {
    const rows = await this.queue
      .aggregate<{ _id: { status: Referral['status']; kind: Referral['kind']; urgent: boolean; overdue: boolean }; n: number }>([
        { $match: queueQuery(filter) },
        {
          $group: {
            _id: {
              status: '$status',
              kind: '$kind',
              urgent: '$urgent',
              overdue: { $and: [{ $in: ['$status', [...OPEN_STATUSES]] }, { $lt: ['$slaDueAt', now] }] },
            },
            n: { $sum: 1 },
          },
        },
      ])
      .toArray();
    const counts = emptyCounts();
    for (const row of rows) {
      counts.total += row.n;
      counts.byStatus[row._id.status] += row.n;
      counts.byKind[row._id.kind] += row.n;
      if (row._id.urgent) counts.urgent += row.n;
      if (row._id.overdue) counts.overdue += row.n;
    }
    return counts;
  }

  async claim(id: string, staffId: string, at: string): Promise<Referral | null> {
    const doc = await this.queue.findOneAndUpdate({ _id: id, status: 'new' }, claimUpdate(staffId, at, 'claimed from the queue'), {
      returnDocument: 'after',
      ...withoutId,
    });
    return doc ? referralSchema.parse(doc) : null;
  }

  async claimNext(filter: QueueFilter, staffId: string, at: string, why = 'picked up as next in the queue'): Promise<Referral | null> {
    const doc = await this.queue.findOneAndUpdate(queueQuery({ ...filter, status: ['new'] }), claimUpdate(staffId, at, why), {
      sort: QUEUE_ORDER,
      returnDocument: 'after',
      ...withoutId,
    });
    return doc ? referralSchema.parse(doc) : null;
  }

  async transition(id: string, request: TransitionRequest): Promise<Referral | null> {
    const stored = await this.queue.findOne({ _id: id }, withoutId);
    if (!stored) return null;
    const current = referralSchema.parse(stored);
    if (current.version !== request.expectedVersion) throw new StaleReferralError(id);
    const next = applyChanges(current, request);
    // Documents saved before `version` existed have none; they read as 0.
    const sameVersion: Filter<QueueReferralDoc> =
      current.version === 0 ? { $or: [{ version: 0 }, { version: { $exists: false } }] } : { version: current.version };
    const result = await this.queue.replaceOne({ _id: id, ...sameVersion }, next);
    if (result.matchedCount === 0) throw new StaleReferralError(id);
    return next;
  }

  async addNote(id: string, note: NoteEntry, at: string): Promise<Referral | null> {
    const doc = await this.queue.findOneAndUpdate(
      { _id: id },
      { $push: { notes: note }, $set: { updatedAt: at } },
      { returnDocument: 'after', ...withoutId },
    );
    return doc ? referralSchema.parse(doc) : null;
  }

  async workload(now: string): Promise<WorkloadRow[]> {
    const rows = await this.queue
      .aggregate<{ _id: { assignee: string; status: Referral['status'] }; count: number; overdue: number }>([
        { $match: { assignee: { $ne: null }, status: { $in: [...OPEN_STATUSES] } } },
        {
          $group: {
            _id: { assignee: '$assignee', status: '$status' },
            count: { $sum: 1 },
            overdue: { $sum: { $cond: [{ $lt: ['$slaDueAt', now] }, 1, 0] } },
          },
        },
        { $sort: { '_id.assignee': 1, '_id.status': 1 } },
      ])
      .toArray();
    return rows.map((row) => ({ assignee: row._id.assignee, status: row._id.status, count: row.count, overdue: row.overdue }));
  }

  async findByContact(query: ContactQuery): Promise<Referral[]> {
    const or: Filter<QueueReferralDoc>[] = [];
    if (query.phones && query.phones.length > 0) or.push({ 'contact.phone': { $in: query.phones } });
    // Emails are stored lower case (services/contact.ts), so an exact match on the lower-cased query uses the index.
    if (query.email) or.push({ 'contact.email': query.email.toLowerCase() });
    if (or.length === 0) return [];
    const docs = await this.queue.find({ $or: or }, withoutId).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map((doc) => referralSchema.parse(doc));
  }

  async deleteMany(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.queue.deleteMany({ _id: { $in: ids } })).deletedCount;
  }

  async replaceAnonymised(referral: Referral): Promise<boolean> {
    const valid = referralSchema.parse(referral);
    return (await this.queue.replaceOne({ _id: valid.id }, valid)).matchedCount > 0;
  }
}

function claimUpdate(staffId: string, at: string, why: string): UpdateFilter<QueueReferralDoc> {
  const entry: HistoryEntry = { at, actor: staffId, from: 'new', to: 'claimed', why };
  return { $set: { status: 'claimed', assignee: staffId, updatedAt: at }, $inc: { version: 1 }, $push: { history: entry } };
}

function checkPage(page: PageRequest): void {
  if (!Number.isInteger(page.limit) || page.limit < 0 || !Number.isInteger(page.offset) || page.offset < 0) {
    throw new RangeError('offset and limit must be non-negative integers');
  }
}

/** Empty lists match nothing, as in the embedded store. */
function queueQuery(filter: QueueFilter): Filter<QueueReferralDoc> {
  const and: Document[] = [];
  if (filter.status) and.push({ status: { $in: filter.status } });
  if (filter.kind) and.push({ kind: { $in: filter.kind } });
  if (filter.wardCodes) and.push({ 'ward.code': { $in: filter.wardCodes } });
  if (filter.urgent !== undefined) and.push({ urgent: filter.urgent });
  if (filter.assignee !== undefined) and.push({ assignee: filter.assignee });
  if (filter.overdueAt !== undefined) and.push({ status: { $in: [...OPEN_STATUSES] }, slaDueAt: { $lt: filter.overdueAt } });
  if (filter.createdFrom !== undefined) and.push({ createdAt: { $gte: filter.createdFrom } });
  if (filter.createdBefore !== undefined) and.push({ createdAt: { $lt: filter.createdBefore } });
  return and.length === 0 ? {} : { $and: and };
}
