/**
 * One error type for expected failures, with named options. The HTTP layer maps `code` to a status in one place
 * (bot/httpErrors.ts); residents never see `message`, staff APIs see only the public message.
 */
export type AppErrorCode =
  | 'invalid-input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'unavailable';

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Safe to show to the caller. */
  readonly publicMessage: string;
  readonly details: unknown;

  constructor(code: AppErrorCode, publicMessage: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(publicMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.publicMessage = publicMessage;
    this.details = options.details;
  }
}
