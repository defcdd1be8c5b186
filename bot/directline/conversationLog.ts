/**
 * Each embedded Direct Line conversation's activities, in order, kept in the store next to the bot's state so that a
 * reloaded page (or a restarted server) can replay the conversation from any watermark.
 *
 * The watermark is the number of activities already seen; activity ids are `<conversationId>|<index>` as on Azure.
 * Appends to one conversation are serialised in this process (a resident's echo and the bot's replies arrive at
 * once) and guarded by the store's etag against another process, with a retry.
 *
 * The log holds what the resident typed, so it is personal data: its key starts with {@link LOG_KEY_PREFIX} for
 * retention and erasure, and it is never logged.
 */
import { z } from 'zod';
import type { Clock } from '../../services/clock';
import { EtagConflictError, type BotStateRepository } from '../../services/store/types';

export const LOG_KEY_PREFIX = 'directline/log/';

/** An activity as stored and served: plain JSON, with the id, type and timestamp the protocol needs. */
export type LoggedActivity = Record<string, unknown> & { id: string; type: string; timestamp: string };

export interface ActivityGroup {
  activities: LoggedActivity[];
  watermark: string;
}

const loggedActivity = z.looseObject({ id: z.string(), type: z.string(), timestamp: z.string() });
const logDocument = z.object({
  createdAt: z.string(),
  userId: z.string(),
  activities: z.array(loggedActivity),
});
type LogDocument = z.infer<typeof logDocument>;

export class ConversationFullError extends Error {
  constructor() {
    super('The conversation has reached its length limit');
    this.name = 'ConversationFullError';
  }
}

export class ConversationLog {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly repo: BotStateRepository,
    private readonly clock: Clock,
    private readonly options: { maxActivities: number } = { maxActivities: 1000 },
  ) {}

  /** Creates the log unless it exists; true when this call created it. */
  async create(conversationId: string, userId: string): Promise<boolean> {
    return this.serialised(conversationId, async () => {
      if (await this.read(conversationId)) return false;
      const doc: LogDocument = { createdAt: this.clock.now().toISOString(), userId, activities: [] };
      await this.repo.write(key(conversationId), doc);
      return true;
    });
  }

  async exists(conversationId: string): Promise<boolean> {
    return (await this.read(conversationId)) !== null;
  }

  /** Activities after `watermark` (a count), or null when there is no such conversation. */
  async since(conversationId: string, watermark: number): Promise<ActivityGroup | null> {
    const found = await this.read(conversationId);
    if (!found) return null;
    const { activities } = found.doc;
    return { activities: activities.slice(Math.min(Math.max(0, watermark), activities.length)) as LoggedActivity[], watermark: String(activities.length) };
  }

  /**
   * Adds an activity, giving it its id and a timestamp that never goes backwards (Web Chat orders by timestamp, and
   * a turn's replies can share a millisecond). Returns the stored activity and the watermark just after it.
   */
  async append(conversationId: string, activity: Record<string, unknown>): Promise<{ activity: LoggedActivity; watermark: string }> {
    return this.serialised(conversationId, async () => {
      for (let attempt = 0; ; attempt++) {
        const found = await this.read(conversationId);
        if (!found) throw new Error('append to a conversation that does not exist');
        const { doc, etag } = found;
        if (doc.activities.length >= this.options.maxActivities) throw new ConversationFullError();
        const index = doc.activities.length;
        const last = doc.activities[index - 1];
        const now = this.clock.now().getTime();
        const after = last ? Date.parse(last.timestamp) + 1 : now;
        const stored = JSON.parse(
          JSON.stringify({ ...activity, id: `${conversationId}|${String(index).padStart(7, '0')}`, timestamp: new Date(Math.max(now, after)).toISOString() }),
        ) as LoggedActivity;
        try {
          await this.repo.write(key(conversationId), { ...doc, activities: [...doc.activities, stored] }, etag);
          return { activity: stored, watermark: String(index + 1) };
        } catch (err) {
          // Another instance appended first: read again and retry, a few times.
          if (!(err instanceof EtagConflictError) || attempt >= 4) throw err;
        }
      }
    });
  }

  private async read(conversationId: string): Promise<{ doc: LogDocument; etag: string } | null> {
    const item = (await this.repo.read([key(conversationId)]))[key(conversationId)];
    if (!item) return null;
    return { doc: logDocument.parse(item.doc), etag: item.etag };
  }

  private serialised<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(conversationId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    this.queues.set(conversationId, settled);
    void settled.then(() => {
      if (this.queues.get(conversationId) === settled) this.queues.delete(conversationId);
    });
    return run;
  }
}

function key(conversationId: string): string {
  return `${LOG_KEY_PREFIX}${conversationId}`;
}
