/**
 * Azure AI Language with the local analyser behind it, so a resident's turn is never blocked by Azure.
 *
 * Every call has a deadline. When Azure fails (an HTTP error, a refused key, a reply the SDK cannot read) or misses
 * the deadline, the local analyser answers the same call, the fall-back is counted (LanguageMetrics.onFallback)
 * and logged with the operation and reason only, never the texts. A circuit breaker stops calling Azure after
 * repeated failures and tries again after a cool-down, so an outage costs one timeout, not one per message.
 */
import type { Logger } from '../logger';
import { LanguageServiceError, toServiceError } from './azureAnalyser';
import type { CircuitBreaker } from './circuitBreaker';
import type {
  AnalyseOptions,
  EntityResult,
  FallbackReason,
  LanguageAnalyser,
  LanguageGuess,
  LanguageMetrics,
  LanguageOperation,
  PiiResult,
  SentimentResult,
} from './types';

export interface ResilientAnalyserOptions {
  primary: LanguageAnalyser;
  fallback: LanguageAnalyser;
  breaker: CircuitBreaker;
  /** Deadline for one call, whatever the number of requests behind it. */
  timeoutMs: number;
  metrics: LanguageMetrics;
  logger: Logger;
}

/** Options for one call: a caller off the hot path (a digest) may allow more time than a resident's turn. */
export interface ResilientCallOptions extends AnalyseOptions {
  timeoutMs?: number;
}

export class ResilientAnalyser implements LanguageAnalyser {
  readonly kind = 'resilient';

  constructor(private readonly options: ResilientAnalyserOptions) {}

  detectLanguage(texts: readonly string[], options?: ResilientCallOptions): Promise<LanguageGuess[]> {
    return this.run('detectLanguage', options, (analyser, o) => analyser.detectLanguage(texts, o));
  }

  sentiment(texts: readonly string[], options?: ResilientCallOptions): Promise<SentimentResult[]> {
    return this.run('sentiment', options, (analyser, o) => analyser.sentiment(texts, o));
  }

  entities(texts: readonly string[], options?: ResilientCallOptions): Promise<EntityResult[]> {
    return this.run('entities', options, (analyser, o) => analyser.entities(texts, o));
  }

  pii(texts: readonly string[], options?: ResilientCallOptions): Promise<PiiResult[]> {
    return this.run('pii', options, (analyser, o) => analyser.pii(texts, o));
  }

  private async run<T>(
    operation: LanguageOperation,
    options: ResilientCallOptions = {},
    call: (analyser: LanguageAnalyser, options: AnalyseOptions) => Promise<T>,
  ): Promise<T> {
    const { primary, fallback, breaker, metrics } = this.options;
    const { timeoutMs = this.options.timeoutMs, ...rest } = options;
    if (!breaker.tryAcquire()) {
      metrics.onFallback({ operation, reason: 'circuit-open' });
      return call(fallback, rest);
    }
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    timer.unref?.();
    const signal = rest.signal ? AbortSignal.any([rest.signal, deadline.signal]) : deadline.signal;
    try {
      const result = await untilAborted(call(primary, { ...rest, signal }), signal);
      breaker.recordSuccess();
      return result;
    } catch (err) {
      if (rest.signal?.aborted) {
        breaker.release(); // the caller gave up: nothing to answer, and not Azure's fault
        throw err;
      }
      const failure = toServiceError(err, deadline.signal.aborted);
      const reason: FallbackReason = failure.reason === 'unavailable' ? 'error' : failure.reason;
      breaker.recordFailure({ openNow: reason === 'auth' });
      metrics.onFallback({ operation, reason });
      const log = reason === 'auth' ? this.options.logger.error.bind(this.options.logger) : this.options.logger.warn.bind(this.options.logger);
      log(
        { operation, reason, status: failure.statusCode, circuit: breaker.state },
        reason === 'auth'
          ? 'Azure AI Language refused the key (check AZURE_LANGUAGE_KEY); the local analyser answered instead'
          : 'Azure AI Language did not answer in time or failed; the local analyser answered instead',
      );
      return call(fallback, rest);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Rejects as soon as the signal aborts, even if the work ignores the signal. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new LanguageServiceError('timeout'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new LanguageServiceError('timeout'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
