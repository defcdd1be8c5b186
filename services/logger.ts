/**
 * Structured logs (pino) that never carry personal data.
 *
 * The rule is that callers log ids, counts and outcomes, never message text, phone numbers, emails or request
 * bodies. Redaction is the safety net for mistakes: any field with one of these names is censored wherever it
 * appears in the first few levels of a log object.
 */
import pino, { type Logger } from 'pino';

const SENSITIVE_FIELDS = [
  'text', 'body', 'Body', 'From', 'To', 'from', 'to', 'phone', 'email', 'name', 'postcode', 'address',
  'description', 'notes', 'contact', 'authorization', 'Authorization', 'cookie', 'password', 'token', 'secret',
];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const field of SENSITIVE_FIELDS) {
    paths.push(field, `*.${field}`, `*.*.${field}`);
  }
  paths.push('req.headers.authorization', 'req.headers.cookie', 'req.headers["x-twilio-signature"]');
  return paths;
}

export type { Logger };

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'community-hub-bot' },
      redact: { paths: redactPaths(), censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
