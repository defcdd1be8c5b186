/**
 * botbuilder's `Storage` on our own store, so conversation state lives with the referrals (SQLite file or MongoDB)
 * and survives restarts. eTags give optimistic concurrency: two instances writing the same conversation at once
 * cannot silently overwrite each other.
 */
import type { Storage, StoreItems } from 'botbuilder';
import type { BotStateRepository } from '../services/store/types';

export class StoreStorage implements Storage {
  constructor(private readonly repo: BotStateRepository) {}

  async read(keys: string[]): Promise<StoreItems> {
    const found = await this.repo.read(keys);
    const items: StoreItems = {};
    for (const [key, item] of Object.entries(found)) items[key] = { ...item.doc, eTag: item.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...doc } = item as Record<string, unknown> & { eTag?: string };
      const newEtag = await this.repo.write(key, doc, eTag);
      // BotState keeps using the object it wrote; carrying the new tag lets a second save in the same turn succeed.
      (item as { eTag?: string }).eTag = newEtag;
    }
  }

  async delete(keys: string[]): Promise<void> {
    await this.repo.delete(keys);
  }
}
