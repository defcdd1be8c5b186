/**
 * Open311 consumers in MongoDB. A unique index on `keyHash` makes one key one consumer across instances; revoking
 * is one conditional update, so the first revocation time is kept.
 */
import type { Collection, Db } from 'mongodb';
import { open311Consumer, type Open311Consumer, type Open311ConsumerRepository } from '../open311Types';

export type Open311ConsumerDoc = Open311Consumer & { _id: string };
const withoutId = { projection: { _id: 0 } } as const;

export async function ensureOpen311Indexes(db: Db): Promise<void> {
  await db.collection<Open311ConsumerDoc>('open311Consumers').createIndexes([{ key: { keyHash: 1 }, name: 'keyHash_unique', unique: true }]);
}

export class MongoOpen311ConsumerRepository implements Open311ConsumerRepository {
  constructor(private readonly consumers: Collection<Open311ConsumerDoc>) {}

  async create(consumer: Open311Consumer): Promise<Open311Consumer> {
    const valid = open311Consumer.parse(consumer);
    await this.consumers.insertOne({ ...valid, _id: valid.id });
    return valid;
  }

  async get(id: string): Promise<Open311Consumer | null> {
    const doc = await this.consumers.findOne({ _id: id }, withoutId);
    return doc ? open311Consumer.parse(doc) : null;
  }

  async getByKeyHash(keyHash: string): Promise<Open311Consumer | null> {
    const doc = await this.consumers.findOne({ keyHash }, withoutId);
    return doc ? open311Consumer.parse(doc) : null;
  }

  async list(): Promise<Open311Consumer[]> {
    const docs = await this.consumers.find({}, withoutId).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map((doc) => open311Consumer.parse(doc));
  }

  async revoke(id: string, at: string): Promise<Open311Consumer | null> {
    await this.consumers.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } });
    return this.get(id);
  }
}
