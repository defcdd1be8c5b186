/**
 * A small fixed-window limiter kept in memory. Per instance, which is enough to stop one conversation flooding the
 * bot or one script minting conversations without end; it is not a substitute for a WAF in front of the service.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly options: { limit: number; windowMs: number; now?: () => number; maxKeys?: number },
  ) {}

  /** Counts one use of `key`; returns the seconds to wait when it is over its limit, or 0 when it may go ahead. */
  take(key: string): number {
    const now = (this.options.now ?? Date.now)();
    const current = this.windows.get(key);
    if (!current || now - current.startedAt >= this.options.windowMs) {
      if (!current && this.windows.size >= (this.options.maxKeys ?? 100_000)) this.prune(now);
      this.windows.set(key, { startedAt: now, count: 1 });
      return 0;
    }
    current.count += 1;
    if (current.count <= this.options.limit) return 0;
    return Math.max(1, Math.ceil((current.startedAt + this.options.windowMs - now) / 1000));
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.options.windowMs) this.windows.delete(key);
  }
}
