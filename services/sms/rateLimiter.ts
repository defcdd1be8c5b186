/**
 * Per-number flood control: a sliding window of message times per conversation. The first message over the limit
 * gets one polite reply; the rest are ignored until the window clears. Other residents are unaffected.
 *
 * Flood control never hides a crisis: the SMS channel still checks every limited text for risk (see
 * `SmsChannel`). A number over the limit gets the crisis wording at most once per window
 * (`claimCrisisReply`), so a flood of crisis texts cannot become a flood of replies; staff are alerted every time.
 */
import type { Clock } from '../clock';

export type RateDecision = 'allow' | 'limit-and-tell' | 'limit-quietly';

export class PerSenderRateLimiter {
  private readonly windows = new Map<string, { times: number[]; told: boolean; crisisToldAt?: number }>();

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

  /**
   * For a number over the limit whose text shows risk: true when it has not been sent the crisis wording in the last
   * window (and records that it now is), false when it has.
   */
  claimCrisisReply(sender: string): boolean {
    const now = this.clock.now().getTime();
    const entry = this.windows.get(sender) ?? { times: [], told: false };
    if (entry.crisisToldAt !== undefined && now - entry.crisisToldAt < this.windowMs) return false;
    entry.crisisToldAt = now;
    this.windows.set(sender, entry);
    return true;
  }

  /** Keeps memory bounded with many senders: drop windows that have fully expired. */
  private prune(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, entry] of this.windows) {
      const crisisOver = entry.crisisToldAt === undefined || now - entry.crisisToldAt >= this.windowMs;
      if (crisisOver && entry.times.every((t) => now - t >= this.windowMs)) this.windows.delete(key);
    }
  }
}
