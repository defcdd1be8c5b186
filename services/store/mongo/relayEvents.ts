/**
 * The event relay's collection in MongoDB. A TTL index on `expireAt` removes old events even if no instance prunes;
 * `deleteBefore` is there for the embedded store's sake and for tests.
 */
import type { Collection, Db } from 'mongodb';
import type { RelayEventRepository, RelayedEvent } from '../../events/relay';

export type RelayEventDoc = Omit<RelayedEvent, 'id'> & { _id: string; expireAt: Date };

/** How long MongoDB keeps a relayed event before its TTL monitor removes it. */
const KEEP_MS = 15 * 60_000;

export async function ensureRelayEventIndexes(db: Db): Promise<void> {
  await db.collection<RelayEventDoc>('relayEvents').createIndexes([
    { key: { at: 1, _id: 1 }, name: 'at' },
    { key: { expireAt: 1 }, name: 'expire', expireAfterSeconds: 0 },
  ]);
}

export class MongoRelayEventRepository implements RelayEventRepository {
  constructor(private readonly events: Collection<RelayEventDoc>) {}

  async append(event: RelayedEvent): Promise<void> {
    const { id, ...rest } = event;
    await this.events.updateOne(
      { _id: id },
      { $setOnInsert: { ...rest, expireAt: new Date(Date.parse(event.at) + KEEP_MS) } },
      { upsert: true },
    );
  }

  async since(at: string, limit: number, afterId?: string): Promise<RelayedEvent[]> {
    const filter = afterId === undefined ? { at: { $gte: at } } : { $or: [{ at: { $gt: at } }, { at, _id: { $gt: afterId } }] };
    const docs = await this.events.find(filter).sort({ at: 1, _id: 1 }).limit(limit).toArray();
    return docs.map(({ _id, origin, at: stamp, body }) => ({ id: _id, origin, at: stamp, body }));
  }

  async deleteBefore(at: string): Promise<number> {
    return (await this.events.deleteMany({ at: { $lt: at } })).deletedCount;
  }
}
