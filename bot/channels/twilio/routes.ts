/**
 * Twilio webhooks. Order matters: the signature is checked first (a forged request gets 403 and touches
 * nothing), then the body (400 when malformed), then the text is stored and acknowledged at once with empty TwiML;
 * the bot's replies go out through the REST API, well inside Twilio's 15-second limit.
 */
import type { Request, Response, Server } from 'restify';
// Only the signature check, not the whole library: twilio's index loads its REST client too (about 0.3 s of CPU).
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { z } from 'zod';
import type { Logger } from '../../../services/logger';
import type { OutboundStatus, Store } from '../../../services/store/types';
import type { Clock } from '../../../services/clock';
import type { SmsChannel } from './smsChannel';

export interface SmsRouteConfig {
  authToken: string;
  accountSid: string;
  webhookUrl: string;
  statusCallbackUrl: string;
}

const inboundBody = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  From: z.string().regex(/^\+[1-9]\d{6,14}$/),
  To: z.string().min(1).max(64),
  Body: z.string().max(1600).default(''),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
});

const statusBody = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  MessageStatus: z.enum(['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'receiving', 'received', 'read', 'canceled']),
  ErrorCode: z.string().max(10).optional(),
});

const STATUS_MAP: Partial<Record<z.infer<typeof statusBody>['MessageStatus'], OutboundStatus>> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

function formParams(req: Request): Record<string, string> | null {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value !== 'string') return null; // repeated or nested keys: not something Twilio sends
    params[key] = value;
  }
  return params;
}

function plain(res: Response, status: number, message: string): void {
  res.status(status);
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(message);
}

function signed(req: Request, url: string, authToken: string, params: Record<string, string>): boolean {
  const signature = req.header('x-twilio-signature');
  return typeof signature === 'string' && signature.length > 0 && validateRequest(authToken, signature, url, params);
}

export function registerSmsRoutes(server: Server, deps: { sms: SmsChannel; config: SmsRouteConfig; store: Store; clock: Clock; logger: Logger }): void {
  const { sms, config, store, clock, logger } = deps;

  server.post('/api/sms', async (req: Request, res: Response) => {
    if (!req.header('x-twilio-signature')) return plain(res, 403, 'Missing X-Twilio-Signature.');
    const params = formParams(req);
    if (!params) return plain(res, 400, 'Expected a form-encoded Twilio webhook body.');
    if (!signed(req, config.webhookUrl, config.authToken, params)) return plain(res, 403, 'Signature does not match.');
    const parsed = inboundBody.safeParse(params);
    if (!parsed.success) return plain(res, 400, 'The webhook body is not a Twilio message.');
    if (parsed.data.AccountSid !== config.accountSid) return plain(res, 403, 'Wrong account.');

    const fresh = await sms.receive({
      messageSid: parsed.data.MessageSid,
      from: parsed.data.From,
      body: parsed.data.Body,
      numMedia: parsed.data.NumMedia,
    });
    if (!fresh) logger.info({ messageSid: parsed.data.MessageSid }, 'duplicate sms webhook ignored');
    res.status(200);
    res.setHeader('content-type', 'text/xml');
    res.end(EMPTY_TWIML);
  });

  server.post('/api/sms/status', async (req: Request, res: Response) => {
    if (!req.header('x-twilio-signature')) return plain(res, 403, 'Missing X-Twilio-Signature.');
    const params = formParams(req);
    if (!params) return plain(res, 400, 'Expected a form-encoded Twilio status callback.');
    if (!signed(req, config.statusCallbackUrl, config.authToken, params)) return plain(res, 403, 'Signature does not match.');
    const parsed = statusBody.safeParse(params);
    if (!parsed.success) return plain(res, 400, 'The body is not a Twilio status callback.');
    const status = STATUS_MAP[parsed.data.MessageStatus];
    if (status) {
      const error = parsed.data.ErrorCode ? `twilio ${parsed.data.ErrorCode}` : null;
      const known = await store.sms.setDeliveryStatus(parsed.data.MessageSid, status, error, clock.now().toISOString());
      if (!known) logger.warn({ messageSid: parsed.data.MessageSid }, 'status callback for an unknown message');
    }
    res.status(204);
    res.end();
  });
}
