/**
 * A local stand-in for the part of Twilio's REST API we use (sending a message), answering in Twilio's shapes.
 * It sits on the far side of the network: the real `twilio` library talks to it over HTTP. Used by the tests and
 * by `npm start` with no Twilio account, so `npm run sms` can show the texts the server would have sent.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  at: string;
}

export interface StandInFailure {
  status: number;
  code: number;
  message: string;
}

export class TwilioStandIn {
  readonly messages: CapturedMessage[] = [];
  /** Called for every captured message (benchmarks time the round trip with it). */
  onMessage: ((message: CapturedMessage) => void) | null = null;
  /** Requests answered, including failures (for retry tests). */
  attempts = 0;
  /** Waits this long before answering a send (tests that need a send to be in flight). */
  delayMs = 0;
  private readonly failures: StandInFailure[] = [];
  private server: http.Server | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly accountSid: string,
    private readonly authToken: string,
  ) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('stand-in not started');
    return `http://127.0.0.1:${address.port}`;
  }

  /** The next `count` send requests fail with this Twilio error (e.g. 500, or 400 code 21610 for unsubscribed). */
  failNext(count: number, failure: StandInFailure = { status: 500, code: 20500, message: 'Internal Server Error' }): void {
    for (let i = 0; i < count; i += 1) this.failures.push(failure);
  }

  /** Forgets failures queued with failNext. */
  clearFailures(): void {
    this.failures.length = 0;
  }

  messagesTo(to: string): CapturedMessage[] {
    return this.messages.filter((m) => m.to === to);
  }

  /** Resolves when at least `count` messages have been captured in all. */
  async waitForMessages(count: number, timeoutMs = 5_000): Promise<CapturedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} texts, got ${this.messages.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.messages;
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (req.method === 'GET' && url.pathname === '/_standin/messages') {
      const after = Number(url.searchParams.get('after') ?? 0);
      const to = url.searchParams.get('to');
      const list = this.messages.map((m, index) => ({ index, ...m })).filter((m) => m.index >= after && (!to || m.to === to));
      return this.json(res, 200, { messages: list, next: this.messages.length });
    }
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return this.json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });

    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected || match[1] !== this.accountSid) {
      return this.json(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    this.attempts += 1;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const failure = this.failures.shift();
    if (failure) return this.json(res, failure.status, { code: failure.code, message: failure.message, status: failure.status });

    const to = form.get('To');
    const body = form.get('Body');
    if (!to || !body) return this.json(res, 400, { code: 21604, message: "A 'To' phone number and a 'Body' are required.", status: 400 });
    const message: CapturedMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      accountSid: this.accountSid,
      to,
      from: form.get('From'),
      messagingServiceSid: form.get('MessagingServiceSid'),
      body,
      statusCallback: form.get('StatusCallback'),
      at: new Date().toISOString(),
    };
    this.messages.push(message);
    this.onMessage?.(message);
    for (const wake of this.waiters.splice(0)) wake();
    return this.json(res, 201, {
      sid: message.sid,
      account_sid: this.accountSid,
      to: message.to,
      from: message.from,
      messaging_service_sid: message.messagingServiceSid,
      body: message.body,
      status: 'queued',
      num_segments: '1',
      direction: 'outbound-api',
      api_version: '2010-04-01',
      date_created: new Date().toUTCString(),
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${message.sid}.json`,
    });
  }

  private json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}
