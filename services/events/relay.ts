/**
 * Live events between instances. The console's queue events (services/hub/events.ts) and a live chat's stream
 * (services/handoff/stream.ts) are in-process: with several instances behind a load balancer, a resident's text that
 * lands on instance B never reached the worker whose console is open on instance A. The relay copies every event
 * published on one instance into the store and polls the store for other instances' events, handing them to the local
 * subscribers as if they had happened here.
 *
 * What goes into the store is what the console events already carry: ids and queue facts. A live chat's message is
 * relayed as its handoff id and line number, and the instance that has the worker connected reads the line from the
 * handoff's own transcript, so the words are never copied into another table. Relayed events are kept for minutes.
 *
 * Polling rather than MongoDB change streams: it needs only plain queries and indexes, which Cosmos DB for MongoDB
 * vCore, Atlas and the embedded store all have. Events are read again over an overlap window (writes on two instances
 * can commit out of order of their timestamps) and de-duplicated by id, so each is delivered once per instance.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import type { HandoffRepository } from '../handoff/model';
import type { HandoffStream, HandoffStreamEvent } from '../handoff/stream';
import type { HubEvent, HubEvents } from '../hub/events';

export type RelayedBody =
  | { topic: 'hub'; event: HubEvent }
  | { topic: 'handoff'; event: Exclude<HandoffStreamEvent, { type: 'message' }> }
  | { topic: 'handoff-line'; handoffId: string; seq: number };

export interface RelayedEvent {
  /** Unique; sorts in publication order among one instance's events stamped in the same millisecond. */
  id: string;
  /** The instance that published it; an instance ignores its own. */
  origin: string;
  /** When it was stored, by the publishing instance's wall clock (ISO). */
  at: string;
  body: RelayedBody;
}

/** The store's side of the relay. Both stores state the same semantics in test/store.contract.test.ts. */
export interface RelayEventRepository {
  append(event: RelayedEvent): Promise<void>;
  /**
   * Events stored at or after `at`, oldest first (then by id), at most `limit`. With `afterId`: only those after
   * (`at`, `afterId`) in that order, to read on from the last event of a full page.
   */
  since(at: string, limit: number, afterId?: string): Promise<RelayedEvent[]>;
  /** Forgets events stored before `at`; how many went. */
  deleteBefore(at: string): Promise<number>;
}

export interface EventRelayOptions {
  /** How often to look for other instances' events (ms). */
  intervalMs: number;
  /** How far back each look reaches again, for writes that committed late (ms). */
  overlapMs?: number;
  /** How long relayed events are kept (ms). */
  keepMs?: number;
  /** Most events read in one look. */
  batch?: number;
  /** Names this instance in the events it stores; random by default. */
  instanceId?: string;
  /** Wall clock for the relay's own timestamps (tests). Not the business clock: it must move. */
  now?: () => number;
}

export class EventRelay {
  readonly instanceId: string;
  private readonly seen = new Map<string, number>();
  private cursor: number;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private lastPrune = 0;
  private readonly overlapMs: number;
  private readonly keepMs: number;
  private readonly batch: number;
  private readonly now: () => number;
  private unsubscribe: (() => void)[] = [];
  /** Publication order on this instance: ids sort by it within one millisecond, and stamps never go backwards. */
  private counter = 0;
  private lastStamp = 0;

  constructor(
    private readonly deps: {
      repo: RelayEventRepository;
      hubEvents: HubEvents;
      handoffStream: HandoffStream;
      handoffs: HandoffRepository;
      logger: Logger;
    },
    private readonly options: EventRelayOptions,
  ) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.overlapMs = options.overlapMs ?? 10_000;
    this.keepMs = options.keepMs ?? 10 * 60_000;
    this.batch = options.batch ?? 500;
    this.now = options.now ?? Date.now;
    // Only what is published from now on: an instance starting up does not replay the last ten minutes.
    this.cursor = this.now();
  }

  /** Starts copying local events out and polling for others'. */
  start(): this {
    this.unsubscribe = [
      this.deps.hubEvents.forward((event) => this.store({ topic: 'hub', event })),
      this.deps.handoffStream.forward((event) =>
        this.store(event.type === 'message' ? { topic: 'handoff-line', handoffId: event.handoffId, seq: event.line.seq } : { topic: 'handoff', event }),
      ),
    ];
    const tick = () => {
      this.timer = setTimeout(() => {
        void this.poll().finally(() => {
          if (this.timer) tick();
        });
      }, this.options.intervalMs);
      this.timer.unref();
    };
    tick();
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    await this.polling;
  }

  /** One look for other instances' events (the timer calls it; tests call it directly). */
  poll(): Promise<void> {
    this.polling ??= this.readAndDeliver().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private store(body: RelayedBody): void {
    this.lastStamp = Math.max(this.lastStamp, this.now());
    this.counter += 1;
    const event: RelayedEvent = {
      id: `${String(this.counter).padStart(12, '0')}.${this.instanceId}`,
      origin: this.instanceId,
      at: new Date(this.lastStamp).toISOString(),
      body,
    };
    this.deps.repo.append(event).catch((err: unknown) => {
      this.deps.logger.error({ errType: (err as Error).name, topic: body.topic }, 'event relay: storing an event failed');
    });
  }

  private async readAndDeliver(): Promise<void> {
    try {
      const from = this.cursor - this.overlapMs;
      let pageFrom = new Date(from).toISOString();
      let afterId: string | undefined;
      // Page on while pages come back full (a burst larger than one batch).
      for (let page = 0; page < 20; page += 1) {
        const events = await this.deps.repo.since(pageFrom, this.batch, afterId);
        for (const event of events) {
          const at = Date.parse(event.at);
          if (at > this.cursor) this.cursor = at;
          if (this.seen.has(event.id)) continue;
          this.seen.set(event.id, at);
          if (event.origin === this.instanceId) continue;
          await this.deliver(event.body);
        }
        const last = events.at(-1);
        if (events.length < this.batch || !last) break;
        pageFrom = last.at;
        afterId = last.id;
      }
      for (const [id, at] of this.seen) if (at < from) this.seen.delete(id);
      const now = this.now();
      if (now - this.lastPrune > 60_000) {
        this.lastPrune = now;
        await this.deps.repo.deleteBefore(new Date(now - this.keepMs).toISOString());
      }
    } catch (err) {
      this.deps.logger.error({ errType: (err as Error).name }, 'event relay: reading events failed');
    }
  }

  private async deliver(body: RelayedBody): Promise<void> {
    if (body.topic === 'hub') {
      this.deps.hubEvents.deliver(body.event);
      return;
    }
    if (body.topic === 'handoff') {
      this.deps.handoffStream.deliver(body.event);
      return;
    }
    // A live chat's line: read only where a worker is watching that chat.
    if (this.deps.handoffStream.subscriberCount(body.handoffId) === 0) return;
    const handoff = await this.deps.handoffs.get(body.handoffId);
    const line = handoff?.transcript.find((l) => l.seq === body.seq);
    if (line) this.deps.handoffStream.deliver({ type: 'message', handoffId: body.handoffId, line });
  }
}
