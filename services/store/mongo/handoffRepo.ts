/**
 * Live handoffs in MongoDB. "One open handoff per conversation" is a unique index over `conversationId` limited to
 * open documents (a partial index on the boolean `open`, because partial filters cannot say "status is not ended").
 * Accepting is one `findOneAndUpdate` conditional on `status: 'waiting'`, so two workers on two instances can never
 * both win. A transcript line gets its `seq` from the array's size inside the same update (a pipeline update), so
 * concurrent appends are ordered by the server.
 */
import { MongoServerError, type Collection, type Db, type Filter } from 'mongodb';
import {
  handoff as handoffSchema,
  type Handoff,
  type HandoffEndReason,
  type HandoffFilter,
  type HandoffRepository,
  type TranscriptLine,
} from '../../handoff/model';

export type HandoffDoc = Handoff & { _id: string; open: boolean };

const withoutInternals = { projection: { _id: 0, open: 0 } } as const;

export async function ensureHandoffIndexes(db: Db): Promise<void> {
  await db.collection<HandoffDoc>('handoffs').createIndexes([
    { key: { conversationId: 1 }, name: 'open_per_conversation', unique: true, partialFilterExpression: { open: true } },
    { key: { status: 1, requestedAt: 1, _id: 1 }, name: 'status' },
    { key: { conversationId: 1, requestedAt: 1 }, name: 'conversation' },
    { key: { endedAt: 1 }, name: 'ended' },
  ]);
}

function parse(doc: Partial<HandoffDoc> | null): Handoff | null {
  if (!doc) return null;
  const { _id: _ignored, open: _open, ...rest } = doc;
  return handoffSchema.parse(rest);
}

export class MongoHandoffRepository implements HandoffRepository {
  constructor(private readonly handoffs: Collection<HandoffDoc>) {}

  async openIfNone(candidate: Handoff): Promise<{ handoff: Handoff; created: boolean }> {
    const valid = handoffSchema.parse(candidate);
    try {
      await this.handoffs.insertOne({ ...valid, _id: valid.id, open: valid.status !== 'ended' });
      return { handoff: valid, created: true };
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === 11000)) throw err;
      const existing = await this.openFor(valid.conversationId);
      if (existing) return { handoff: existing, created: false };
      throw err;
    }
  }

  async get(id: string): Promise<Handoff | null> {
    return parse(await this.handoffs.findOne({ _id: id }, withoutInternals));
  }

  async openFor(conversationId: string): Promise<Handoff | null> {
    return parse(await this.handoffs.findOne({ conversationId, open: true }, withoutInternals));
  }

  async list(filter: HandoffFilter = {}): Promise<Handoff[]> {
    const query: Filter<HandoffDoc> = {};
    if (filter.status) query.status = { $in: filter.status };
    if (filter.conversationIds) query.conversationId = { $in: filter.conversationIds };
    if (filter.phones) query['address.phone'] = { $in: filter.phones };
    if (filter.acceptedFrom !== undefined) query.acceptedAt = { $gte: filter.acceptedFrom };
    if (filter.endedBefore !== undefined) query.endedAt = { $lt: filter.endedBefore };
    if (filter.limit !== undefined && (!Number.isInteger(filter.limit) || filter.limit < 0)) throw new RangeError('limit must be a non-negative integer');
    let cursor = this.handoffs.find(query, withoutInternals).sort({ requestedAt: 1, _id: 1 });
    // MongoDB reads a limit of 0 as "no limit"; an empty answer is what a limit of 0 means here.
    if (filter.limit === 0) return [];
    if (filter.limit !== undefined) cursor = cursor.limit(filter.limit);
    return (await cursor.toArray()).map((doc) => parse(doc) as Handoff);
  }

  async accept(id: string, by: string, at: string): Promise<Handoff | null> {
    const doc = await this.handoffs.findOneAndUpdate(
      { _id: id, status: 'waiting' },
      { $set: { status: 'active', acceptedAt: at, acceptedBy: by, lastActivityAt: at } },
      { returnDocument: 'after', ...withoutInternals },
    );
    return parse(doc);
  }

  async end(id: string, reason: HandoffEndReason, at: string): Promise<Handoff | null> {
    const doc = await this.handoffs.findOneAndUpdate(
      { _id: id, status: { $ne: 'ended' } },
      { $set: { status: 'ended', open: false, endedAt: at, endReason: reason } },
      { returnDocument: 'after', ...withoutInternals },
    );
    return parse(doc);
  }

  async append(id: string, line: Omit<TranscriptLine, 'seq'>): Promise<Handoff | null> {
    // $literal: resident text starting with "$" must never be read as a field path.
    const entry = {
      seq: { $size: '$transcript' },
      at: { $literal: line.at },
      from: { $literal: line.from },
      staffId: { $literal: line.staffId },
      text: { $literal: line.text },
    };
    const doc = await this.handoffs.findOneAndUpdate(
      { _id: id },
      [{ $set: { transcript: { $concatArrays: ['$transcript', [entry]] }, lastActivityAt: { $literal: line.at } } }],
      { returnDocument: 'after', ...withoutInternals },
    );
    return parse(doc);
  }

  async update(id: string, changes: Partial<Pick<Handoff, 'referralId' | 'urgent'>>): Promise<Handoff | null> {
    const doc = await this.handoffs.findOneAndUpdate({ _id: id }, { $set: changes }, { returnDocument: 'after', ...withoutInternals });
    return parse(doc);
  }

  async deleteMany(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.handoffs.deleteMany({ _id: { $in: ids } })).deletedCount;
  }
}
