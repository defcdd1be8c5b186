/**
 * One turn at a time per conversation across instances. On one instance the SMS channel already queues a resident's
 * texts; with several behind a load balancer, two texts (or two web chat posts) from one resident can reach two
 * instances at once, and the second turn to save its state would fail its eTag check and the resident would get the
 * "something went wrong" reply instead of an answer. Each turn therefore takes a short lock named for its
 * conversation in the store (the same lock table as the digest schedule) and waits for it while another instance's
 * turn holds it.
 *
 * The owner is per turn, not per instance, so two turns on one instance wait for each other too. A lock whose holder
 * died expires after `ttlMs`; a turn that has waited `maxWaitMs` runs anyway (and says so in the log), because a
 * resident left unanswered is worse than the conflict the lock avoids, which the eTag check still catches.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { LockRepository } from '../store/digestTypes';

export interface ConversationLockOptions {
  /** How long a lock lasts if its turn never releases it (a crashed instance). */
  ttlMs?: number;
  /** Longest a turn waits for another's lock before running anyway. */
  maxWaitMs?: number;
  /** How often a waiting turn asks again. */
  pollMs?: number;
}

export class ConversationLocks {
  private readonly ttlMs: number;
  private readonly maxWaitMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly deps: { locks: LockRepository; clock: Clock; logger: Logger },
    options: ConversationLockOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxWaitMs = options.maxWaitMs ?? 35_000;
    this.pollMs = options.pollMs ?? 20;
  }

  async run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const name = `turn:${conversationId}`;
    const owner = randomUUID();
    const deadline = Date.now() + this.maxWaitMs;
    let held = await this.acquire(name, owner);
    while (!held) {
      if (Date.now() >= deadline) {
        this.deps.logger.warn({ conversationId }, 'turn lock still held elsewhere; running the turn anyway');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      held = await this.acquire(name, owner);
    }
    try {
      return await work();
    } finally {
      if (held) {
        await this.deps.locks.release(name, owner).catch((err: unknown) => {
          this.deps.logger.error({ errType: (err as Error).name, conversationId }, 'turn lock release failed; it expires on its own');
        });
      }
    }
  }

  private acquire(name: string, owner: string): Promise<boolean> {
    return this.deps.locks.acquire(name, owner, this.deps.clock.now().toISOString(), this.ttlMs);
  }
}
