/**
 * The SMS outbox: every text to a resident is stored first, then sent, and each attempt is recorded. A failed send
 * is retried with exponential backoff; texts to one resident leave in order; a number that has opted out is never
 * sent to. Nothing is silently dropped: a text ends as sent, delivered, failed (with the reason) or suppressed.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { OutboundSms, SmsRepository } from '../store/types';

export interface SmsSender {
  send(to: string, body: string): Promise<{ sid: string; status: string }>;
}

/** A send failure, classified: retry (network, 429, 5xx) or not (a bad number, an unsubscribed recipient). */
export class SmsSendError extends Error {
  constructor(
    readonly retryable: boolean,
    /** Short, with no personal data: "twilio 21610", "http 503", "network". */
    readonly reason: string,
    readonly optedOut = false,
  ) {
    super(reason);
    this.name = 'SmsSendError';
  }
}

export interface SmsOutboxOptions {
  maxAttempts?: number;
  /** First retry delay; doubles each time. */
  baseDelayMs?: number;
  /** Told about every final failure (metrics, staff alerts). */
  onFinalFailure?: (message: OutboundSms) => void;
  /** Told about every failed attempt that will be retried (metrics). */
  onRetry?: (message: OutboundSms) => void;
  /**
   * This instance, in the leases it takes on texts it sends (see SmsRepository.leaseOutbound). One instance: any
   * constant, so a restarted server takes its own texts straight back. Several: each its own.
   */
  owner?: string;
  /** How long a lease lasts: when an instance dies mid-send, another sends its texts after this (ms). */
  leaseMs?: number;
}

/** How long a text another instance holds is passed over before this one asks again (ms). */
const HELD_ELSEWHERE_RECHECK_MS = 5_000;

export class SmsOutbox {
  /** One send at a time per resident, so their texts arrive in order; residents do not wait for each other. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private scanning: Promise<void> | null = null;
  private rescan = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly owner: string;
  private readonly leaseMs: number;
  /**
   * Texts another instance holds (its lease was refused), by id, with when to look at them again (ms, real time):
   * scans pass over them meanwhile, so a flush does not spin on a text that is not ours to send.
   */
  private readonly heldElsewhere = new Map<string, number>();

  constructor(
    private readonly deps: { repo: SmsRepository; sender: SmsSender; clock: Clock; logger: Logger },
    private readonly options: SmsOutboxOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 2_000;
    this.owner = options.owner ?? 'single';
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  /**
   * Stores the texts (in order) and starts sending them. Resolves once they are stored, not sent.
   *
   * `replyTo` is the inbound MessageSid these texts answer. It makes storing them idempotent: each text's id is the
   * MessageSid and its position, so when a turn is replayed after a crash (the replies were stored, the inbound text
   * not yet marked processed) the same replies are found already queued and the resident is not answered twice.
   */
  async enqueue(conversationId: string, to: string, bodies: string[], replyTo?: string): Promise<OutboundSms[]> {
    const now = this.deps.clock.now().toISOString();
    const stored: OutboundSms[] = [];
    for (const [position, body] of bodies.entries()) {
      stored.push(
        await this.deps.repo.enqueueOutbound({
          id: replyTo ? `reply:${replyTo}:${position}` : randomUUID(),
          conversationId,
          to,
          body,
          status: 'queued',
          attempts: 0,
          lastError: null,
          nextAttemptAt: now,
          twilioSid: null,
          createdAt: now,
          updatedAt: now,
        }),
      );
    }
    this.sendNext(conversationId);
    return stored;
  }

  /** Retries fall due while nothing else happens: poll for them. */
  start(intervalMs = 1_000): void {
    this.stop();
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Resolves when every send that is due now has been attempted (graceful shutdown, tests). */
  async flush(): Promise<void> {
    for (;;) {
      this.kick();
      while (this.scanning) await this.scanning;
      if (this.inFlight.size === 0) return;
      await Promise.all([...this.inFlight.values()]);
    }
  }

  /** Looks through the whole outbox for due texts (retries, and texts left from before a restart). */
  kick(): void {
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = this.scan()
      .catch((err: unknown) => this.deps.logger.error({ errType: (err as Error).name }, 'sms outbox scan failed'))
      .finally(() => {
        this.scanning = null;
        if (this.rescan) {
          this.rescan = false;
          this.kick();
        }
      });
  }

  private async scan(): Promise<void> {
    for (const message of this.nextDue(await this.deps.repo.pendingOutbound())) this.startSending(message);
  }

  /** The hot path after a turn: look only at this resident's queue, not the whole outbox. */
  private sendNext(conversationId: string): void {
    if (this.inFlight.has(conversationId)) return; // it will look again when the current send ends
    const looking = this.deps.repo
      .nextPendingOutbound(conversationId)
      .then((message) => {
        this.inFlight.delete(conversationId);
        if (message && (!message.nextAttemptAt || message.nextAttemptAt <= this.deps.clock.now().toISOString())) this.startSending(message);
      })
      .catch((err: unknown) => {
        this.inFlight.delete(conversationId);
        this.deps.logger.error({ errType: (err as Error).name, conversationId }, 'sms outbox lookup failed');
      });
    this.inFlight.set(conversationId, looking);
  }

  private startSending(message: OutboundSms): void {
    if (this.inFlight.has(message.conversationId)) return;
    const sending = this.attempt(message)
      .catch((err: unknown) => {
        this.deps.logger.error({ errType: (err as Error).name, outboundId: message.id }, 'sms attempt failed');
        return true;
      })
      .then((mine) => {
        this.inFlight.delete(message.conversationId);
        // The resident's next text, if any. Not when another instance holds this one: it sends the rest in order.
        if (mine) this.sendNext(message.conversationId);
      });
    this.inFlight.set(message.conversationId, sending);
  }

  /** The first pending text of each conversation, if its time has come. */
  private nextDue(pending: OutboundSms[]): OutboundSms[] {
    const now = this.deps.clock.now().toISOString();
    const seen = new Set<string>();
    const due: OutboundSms[] = [];
    const realNow = Date.now();
    for (const [id, until] of this.heldElsewhere) if (until <= realNow) this.heldElsewhere.delete(id);
    for (const m of pending) {
      if (seen.has(m.conversationId)) continue;
      seen.add(m.conversationId);
      if (this.heldElsewhere.has(m.id)) continue;
      if (!m.nextAttemptAt || m.nextAttemptAt <= now) due.push(m);
    }
    return due;
  }

  /** One attempt to send; false when another instance holds the text's lease (it is sending it, or will). */
  private async attempt(message: OutboundSms): Promise<boolean> {
    const { repo, sender, clock, logger } = this.deps;
    const now = clock.now();
    if (!(await repo.leaseOutbound(message.id, this.owner, new Date(now.getTime() + this.leaseMs).toISOString(), now.toISOString()))) {
      this.heldElsewhere.set(message.id, Date.now() + HELD_ELSEWHERE_RECHECK_MS);
      return false;
    }
    this.heldElsewhere.delete(message.id);

    if (await repo.isOptedOut(message.conversationId)) {
      await repo.updateOutbound(message.id, { status: 'suppressed', lastError: 'opted out', nextAttemptAt: null, updatedAt: now.toISOString() });
      return true;
    }
    const attempts = message.attempts + 1;
    try {
      const { sid } = await sender.send(message.to, message.body);
      await repo.updateOutbound(message.id, { status: 'sent', attempts, twilioSid: sid, nextAttemptAt: null, updatedAt: clock.now().toISOString() });
    } catch (err) {
      const failure = err instanceof SmsSendError ? err : new SmsSendError(true, 'network');
      if (failure.optedOut) await repo.setOptOut(message.conversationId, true, now.toISOString());
      const retry = failure.retryable && attempts < this.maxAttempts;
      const nextAttemptAt = retry ? new Date(now.getTime() + this.baseDelayMs * 2 ** (attempts - 1)).toISOString() : null;
      const status = failure.optedOut ? 'suppressed' : retry ? 'retrying' : 'failed';
      await repo.updateOutbound(message.id, { status, attempts, lastError: failure.reason, nextAttemptAt, updatedAt: now.toISOString() });
      logger.warn({ outboundId: message.id, conversationId: message.conversationId, attempts, reason: failure.reason, status }, 'sms send failed');
      if (status === 'failed') this.options.onFinalFailure?.({ ...message, status, attempts, lastError: failure.reason, nextAttemptAt });
      if (status === 'retrying') this.options.onRetry?.({ ...message, status, attempts, lastError: failure.reason, nextAttemptAt });
    }
    return true;
  }
}
