/**
 * Per-number flood control: a sliding window of message times per conversation. The first message over the limit
 * gets one polite reply; the rest are ignored until the window clears. Other residents are unaffected.
 */
import type { Clock } from '../clock';

export type RateDecision = 'allow' | 'limit-and-tell' | 'limit-quietly';

export class PerSenderRateLimiter {
  private readonly windows = new Map<string, { times: number[]; told: boolean }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxMessages: number,
    private readonly windowMs: number,
  ) {}

  check(sender: string): RateDecision {
    const now = this.clock.now().getTime();
    const entry = this.windows.get(sender) ?? { times: [], told: false };
    entry.times = entry.times.filter((t) => now - t < this.windowMs);
    if (entry.times.length === 0) entry.told = false;
    if (entry.times.length >= this.maxMessages) {
      this.windows.set(sender, entry);
      if (entry.told) return 'limit-quietly';
      entry.told = true;
      return 'limit-and-tell';
    }
    entry.times.push(now);
    this.windows.set(sender, entry);
    this.prune(now);
    return 'allow';
  }

  /** Keeps memory bounded with many senders: drop windows that have fully expired. */
  private prune(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, entry] of this.windows) {
      if (entry.times.every((t) => now - t >= this.windowMs)) this.windows.delete(key);
    }
  }
}
