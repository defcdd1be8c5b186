/**
 * Runs the digest job inside the server: every minute, take the store's `digests` lock, send whatever is due, let
 * go. With several instances behind a load balancer, only the one holding the lock runs; the others' ticks do
 * nothing. The lock is an optimisation, not the guarantee: the ledger alone already sends each digest once, so a
 * run that outlives its lock, or a separate `npm run digest -- --due` job at the same moment, cannot double-send.
 *
 * What is due is worked out from the injected clock in Europe/London time (see period.ts), so the tests move the
 * clock across a clock change instead of waiting for one.
 */
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { LockRepository } from '../store/types';
import type { DigestService, RunSummary } from './service';

export const DIGEST_LOCK = 'digests';

export interface DigestSchedulerOptions {
  intervalMs?: number;
  /** Longer than a run takes; if the holder dies, another instance takes over after this. */
  lockTtlMs?: number;
}

export class DigestScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RunSummary | null> | null = null;
  private readonly intervalMs: number;
  private readonly lockTtlMs: number;

  constructor(
    private readonly deps: { service: DigestService; locks: LockRepository; clock: Clock; logger: Logger },
    options: DigestSchedulerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.lockTtlMs = options.lockTtlMs ?? 15 * 60_000;
  }

  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops the timer and waits for a run in progress. */
  async close(): Promise<void> {
    this.stop();
    await this.running;
  }

  /**
   * One pass: null when a pass is already running here or another instance holds the lock; otherwise what was sent.
   * Never throws: a failed pass is logged and the next tick tries again.
   */
  async tick(): Promise<RunSummary | null> {
    if (this.running) return null;
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<RunSummary | null> {
    const { service, locks, clock, logger } = this.deps;
    const owner = service.instanceId;
    try {
      if (!(await locks.acquire(DIGEST_LOCK, owner, clock.now().toISOString(), this.lockTtlMs))) return null;
    } catch (err) {
      logger.error({ errType: (err as Error).name }, 'digest lock could not be taken');
      return null;
    }
    try {
      return await service.runDue();
    } catch (err) {
      logger.error({ errType: (err as Error).name }, 'digest run failed');
      return null;
    } finally {
      await locks.release(DIGEST_LOCK, owner).catch((err: unknown) => logger.warn({ errType: (err as Error).name }, 'digest lock release failed'));
    }
  }
}
