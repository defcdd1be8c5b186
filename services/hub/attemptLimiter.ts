/**
 * Counts attempts per key (a client address) in a fixed window, in memory. It slows down password guessing from
 * one address across many accounts; the per-account lockout in the store is what holds across instances.
 */
import type { Clock } from '../clock';

export class AttemptLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(private readonly max: number, private readonly windowMs: number, private readonly clock: Clock) {}

  /** Records an attempt; false when the key has used up its attempts for this window. */
  tryAttempt(key: string): boolean {
    const now = this.clock.now().getTime();
    const current = this.windows.get(key);
    if (!current || now - current.startedAt >= this.windowMs) {
      this.windows.set(key, { startedAt: now, count: 1 });
      this.prune(now);
      return true;
    }
    current.count += 1;
    return current.count <= this.max;
  }

  private prune(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
  }
}
