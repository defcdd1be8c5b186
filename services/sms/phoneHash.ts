import { createHmac } from 'node:crypto';

/**
 * The conversation id for a phone number: an HMAC with the deployment's secret, so state keys, audit entries and
 * logs never hold the number, and nobody without the secret can test a guessed number against them.
 */
export function conversationIdForNumber(e164: string, secret: string): string {
  return `sms-${createHmac('sha256', secret).update(e164).digest('hex').slice(0, 40)}`;
}
