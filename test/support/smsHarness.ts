/**
 * The SMS channel under test: the real server configured for Twilio, with Twilio's REST API played by a local
 * stand-in, and a phone that signs its webhooks exactly as Twilio does.
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { TwilioStandIn } from '../../bot/channels/twilio/twilioStandIn';
import type { Logger } from '../../services/logger';
import { startTestApp, type TestApp } from './testApp';

export const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const HUB_NUMBER = '+447700900000';
/** The public URL Twilio would call; tests post to localhost but sign for this, as Twilio does behind a proxy. */
export const PUBLIC_WEBHOOK = 'https://hub.example.gov.uk/api/sms';

export interface SmsHarness {
  t: TestApp;
  twilioApi: TwilioStandIn;
  stop(): Promise<void>;
}

export async function startSmsHarness(options: { dataDir?: string; env?: Record<string, string>; logger?: Logger } = {}): Promise<SmsHarness> {
  const twilioApi = await new TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN).start();
  const t = await startTestApp({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    env: {
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_PHONE_NUMBER: HUB_NUMBER,
      TWILIO_WEBHOOK_URL: PUBLIC_WEBHOOK,
      TWILIO_API_URL: twilioApi.url,
      HASH_SECRET: 'test-hash-secret-0123456789abcdef0123456789',
      ...options.env,
    },
  });
  return {
    t,
    twilioApi,
    stop: async () => {
      await t.stop();
      await twilioApi.stop();
    },
  };
}

export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

export function sign(params: Record<string, string>, url = PUBLIC_WEBHOOK, token = AUTH_TOKEN): string {
  return twilio.getExpectedTwilioSignature(token, url, params);
}

export async function postForm(baseUrl: string, path: string, params: Record<string, string>, signature: string | null) {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
    body: new URLSearchParams(params).toString(),
  });
}

let nextNumber = 100;

/** A resident's phone: texts the hub and reads back what the hub texted it. Numbers are Ofcom drama-range. */
export class Phone {
  private seen = 0;

  constructor(
    private readonly h: SmsHarness,
    readonly number = `+447700900${String((nextNumber++ % 900) + 100)}`,
  ) {}

  params(body: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      MessageSid: newMessageSid(),
      AccountSid: ACCOUNT_SID,
      From: this.number,
      To: HUB_NUMBER,
      Body: body,
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
      ...extra,
    };
  }

  /** Texts the hub and returns every text the hub sent back for it, joined with a blank line. */
  async text(body: string, extra: Record<string, string> = {}): Promise<string> {
    const params = this.params(body, extra);
    const res = await postForm(this.h.t.url, '/api/sms', params, sign(params));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    await this.h.t.app.sms?.channel.idle();
    return this.newReplies().join('\n\n');
  }

  newReplies(): string[] {
    const mine = this.h.twilioApi.messagesTo(this.number);
    const fresh = mine.slice(this.seen).map((m) => m.body);
    this.seen = mine.length;
    return fresh;
  }
}
