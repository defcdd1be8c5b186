/**
 * The correlation id of the request or turn in progress, carried through async calls by AsyncLocalStorage, so
 * every log line written while handling one request (route, bot turn, store, outbox) carries the same id as the
 * X-Correlation-Id response header, without threading a child logger through every call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

const storage = new AsyncLocalStorage<{ correlationId: string }>();

/** The id of the request or turn in progress, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Runs `work` with `correlationId` as the current id. */
export function withCorrelationId<T>(correlationId: string, work: () => T): T {
  return storage.run({ correlationId }, work);
}

/** Runs `work` under the current id, or under a fresh one when there is none (a turn started outside a request). */
export function withCorrelation<T>(work: () => T): T {
  return currentCorrelationId() === undefined ? withCorrelationId(randomUUID(), work) : work();
}
