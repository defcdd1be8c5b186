/**
 * Structured logs (pino) that never carry personal data.
 *
 * The rule is that callers log ids, counts and outcomes, never message text, phone numbers, emails or request
 * bodies. Two safety nets catch mistakes:
 * 1. Redaction by field name: any field with one of the sensitive names is censored wherever it appears in the
 *    first few levels of a log object.
 * 2. Redaction by content: every other string (in the first few levels, in the message, and in errors) goes
 *    through the UK personal-data patterns of services/pii, so a phone number, postcode, email, NI or NHS number or
 *    date of birth that slips into a field with an innocent name comes out as `[phone]`, `[postcode]`... This is
 *    cheap: strings with no digit and no @ are returned untouched without running a pattern.
 */
import pino, { type Logger } from 'pino';
import { currentCorrelationId } from './correlation';
import { redactUk } from './pii/redact';

const SENSITIVE_FIELDS = [
  'text', 'body', 'Body', 'From', 'To', 'from', 'to', 'phone', 'email', 'name', 'postcode', 'address',
  'description', 'notes', 'contact', 'authorization', 'Authorization', 'cookie', 'password', 'token', 'secret',
];

/** Opaque ids: never personal data, and redacting a run of digits inside one would only hurt debugging. */
const ID_FIELDS = new Set([
  'conversationId', 'referralId', 'correlationId', 'messageSid', 'twilioSid', 'id', 'reference', 'subject', 'etag',
  'journeyKey', 'service', 'time', 'level', 'pid', 'hostname',
]);

const MAX_DEPTH = 3;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const field of SENSITIVE_FIELDS) {
    paths.push(field, `*.${field}`, `*.*.${field}`);
  }
  paths.push('req.headers.authorization', 'req.headers.cookie', 'req.headers["x-twilio-signature"]');
  return paths;
}

/** An error as pino would show it, with its message and stack redacted, and without extra properties (an HTTP
 * client's error can carry the whole request, body included). */
function redactError(err: Error): Record<string, unknown> {
  return { type: err.name, message: redactUk(err.message), ...(err.stack ? { stack: redactUk(err.stack) } : {}) };
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactUk(value);
  if (value instanceof Error) return redactError(value);
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = ID_FIELDS.has(key) ? item : redactValue(item, depth + 1);
  return out;
}

/** Exported for tests: what the logger does to each log object before writing it. */
export function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  return redactValue(object, 0) as Record<string, unknown>;
}

export type { Logger };

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'community-hub-bot' },
      redact: { paths: redactPaths(), censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: redactLogObject },
      // Every line written while a request or turn is in progress carries its correlation id.
      mixin: () => {
        const correlationId = currentCorrelationId();
        return correlationId === undefined ? {} : { correlationId };
      },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((arg: unknown) => (typeof arg === 'string' ? redactUk(arg) : arg)) as Parameters<typeof method>;
          return method.apply(this, redacted);
        },
      },
    },
    options.destination,
  );
}
