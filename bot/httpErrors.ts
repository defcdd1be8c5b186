/**
 * One place maps errors to HTTP statuses and bodies. Bodies never echo an internal message: expected failures
 * (AppError) give their public message, anything else a plain 500 with a correlation id for the logs.
 */
import { randomUUID } from 'node:crypto';
import type { Response } from 'restify';
import { currentCorrelationId } from '../services/correlation';
import { AppError, type AppErrorCode } from '../services/errors';
import type { Logger } from '../services/logger';
import { errorSummary } from './turnError';

const STATUS: Record<AppErrorCode, number> = {
  'invalid-input': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'rate-limited': 429,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; correlationId?: string; details?: unknown };
}

export function sendError(res: Response, err: unknown, logger: Logger): void {
  if (err instanceof AppError) {
    const body: ErrorBody = { error: { code: err.code, message: err.publicMessage, ...(err.details ? { details: err.details } : {}) } };
    res.status(STATUS[err.code]);
    res.json(body);
    return;
  }
  // The request's own id when there is one, so the body, the X-Correlation-Id header and the logs agree.
  const correlationId = currentCorrelationId() ?? randomUUID();
  logger.error({ err: errorSummary(err), correlationId }, 'unhandled request error');
  res.status(500);
  res.json({ error: { code: 'internal', message: 'Something went wrong on our side.', correlationId } } satisfies ErrorBody);
}
