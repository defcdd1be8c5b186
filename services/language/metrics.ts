/**
 * In-memory counters behind the LanguageMetrics interface. The operations work exposes them on /metrics
 * (Prometheus); until then they are readable from the app for tests and diagnostics.
 */
import type { FallbackReason, LanguageMetrics, LanguageOperation } from './types';

export class LanguageCounters implements LanguageMetrics {
  private readonly fallbacks = new Map<string, number>();
  circuit: 'closed' | 'open' | 'half-open' = 'closed';

  onFallback(event: { operation: LanguageOperation; reason: FallbackReason }): void {
    const key = `${event.operation}:${event.reason}`;
    this.fallbacks.set(key, (this.fallbacks.get(key) ?? 0) + 1);
  }

  onCircuitChange(state: 'closed' | 'open' | 'half-open'): void {
    this.circuit = state;
  }

  /** Fall-backs so far, optionally for one reason or one operation. */
  fallbackCount(filter: { operation?: LanguageOperation; reason?: FallbackReason } = {}): number {
    let total = 0;
    for (const [key, count] of this.fallbacks) {
      const [operation, reason] = key.split(':');
      if ((filter.operation === undefined || filter.operation === operation) && (filter.reason === undefined || filter.reason === reason)) {
        total += count;
      }
    }
    return total;
  }

  /** `{ "sentiment:timeout": 2, ... }`, for a metrics endpoint. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.fallbacks);
  }
}

/** Several sinks as one (the counters above plus, later, Prometheus). */
export function combineMetrics(...sinks: LanguageMetrics[]): LanguageMetrics {
  return {
    onFallback: (event) => sinks.forEach((sink) => sink.onFallback(event)),
    onCircuitChange: (state) => sinks.forEach((sink) => sink.onCircuitChange?.(state)),
  };
}
