/**
 * A circuit breaker for a remote service the resident's turn must never wait on.
 *
 * closed: calls go through; `failureThreshold` failures in a row open it.
 * open: calls are refused (the caller uses its fall-back at once) until `cooldownMs` has passed.
 * half-open: one trial call goes through; success closes the circuit, failure opens it for another cool-down.
 *
 * An authentication failure opens it at once: a wrong key does not fix itself on the next message.
 * Time comes from the injected clock, so tests move it instead of waiting.
 */
import type { Clock } from '../clock';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  clock: Clock;
  failureThreshold?: number;
  cooldownMs?: number;
  onStateChange?: (state: CircuitState) => void;
}

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.failureThreshold = options.failureThreshold ?? 3;
    this.cooldownMs = options.cooldownMs ?? 30_000;
  }

  get state(): CircuitState {
    return this.current;
  }

  /** True when a call may go through now. In half-open, only one trial at a time. */
  tryAcquire(): boolean {
    if (this.current === 'open' && this.options.clock.now().getTime() - this.openedAt >= this.cooldownMs) {
      this.move('half-open');
    }
    if (this.current === 'closed') return true;
    if (this.current === 'half-open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return true;
    }
    return false;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.trialInFlight = false;
    if (this.current !== 'closed') this.move('closed');
  }

  /** The call was abandoned by its caller: neither success nor failure, but the trial slot is free again. */
  release(): void {
    this.trialInFlight = false;
  }

  recordFailure(options: { openNow?: boolean } = {}): void {
    this.failures += 1;
    this.trialInFlight = false;
    if (this.current === 'half-open' || options.openNow || this.failures >= this.failureThreshold) {
      this.openedAt = this.options.clock.now().getTime();
      if (this.current !== 'open') this.move('open');
    }
  }

  private move(state: CircuitState): void {
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
