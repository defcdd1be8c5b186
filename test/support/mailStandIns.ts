/**
 * Local stand-ins for the two ways digests leave: a real SMTP server (the `smtp-server` package on 127.0.0.1, no
 * TLS) that keeps what it receives, and an HTTP server that answers like GOV.UK Notify's email endpoint, checking
 * the JSON Web Token the official client signs with the API key.
 */
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export class SmtpStandIn {
  readonly received: ReceivedMail[] = [];
  /** SMTP reply codes to refuse the next recipients with, one per attempt (e.g. [451] once, then accept). */
  refuseNext: number[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (_address, _session, callback) => {
        const code = this.refuseNext.shift();
        if (code === undefined) return callback();
        const err = new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later') as Error & { responseCode: number };
        err.responseCode = code;
        return callback(err);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
          this.received.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}?ignoreTLS=true`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Decodes a quoted-printable MIME part, so tests can read the HTML and text bodies. */
export function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** A Notify API key: `{name}-{service id}-{secret}`, as Notify issues them. */
export const NOTIFY_SERVICE_ID = '26785a09-ab16-4eb0-8407-a37497a57506';
export const NOTIFY_SECRET = '3d844edf-8d35-48ac-975b-e847b4f122b0';
export const NOTIFY_API_KEY = `hub_test-${NOTIFY_SERVICE_ID}-${NOTIFY_SECRET}`;
export const NOTIFY_TEMPLATE_ID = 'f33517ff-2a88-4f6e-b855-c550268ce08a';

export interface NotifyRequest {
  template_id: string;
  email_address: string;
  personalisation: { subject: string; body: string };
  reference?: string;
}

export class NotifyStandIn {
  readonly emails: NotifyRequest[] = [];
  /** Status codes to fail the next requests with, as Notify does ({ errors: [{ error, message }] }). */
  failNext: number[] = [];
  private server: http.Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => this.answer(req, body, res));
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== 'POST' || req.url !== '/v2/notifications/email') return send(404, { errors: [{ error: 'NotFound', message: 'Not found' }] });
    if (!validToken(req.headers.authorization)) return send(403, { errors: [{ error: 'AuthError', message: 'Invalid token' }] });
    const code = this.failNext.shift();
    if (code !== undefined) return send(code, { status_code: code, errors: [{ error: code === 400 ? 'BadRequestError' : 'Exception', message: 'Refused' }] });
    const request = JSON.parse(body) as NotifyRequest;
    if (request.template_id !== NOTIFY_TEMPLATE_ID) return send(400, { errors: [{ error: 'BadRequestError', message: 'Template not found' }] });
    this.emails.push(request);
    const id = randomUUID();
    return send(201, {
      id,
      reference: request.reference ?? null,
      content: { subject: request.personalisation.subject, body: request.personalisation.body, from_email: 'hub@notifications.service.gov.uk' },
      uri: `${this.url}/v2/notifications/${id}`,
      template: { id: request.template_id, version: 1, uri: `${this.url}/v2/template/${request.template_id}` },
    });
  }
}

/** Checks `Bearer <JWT>` as Notify does: HS256 with the key's secret, issued by the key's service. */
function validToken(header: string | undefined): boolean {
  const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  const [head, payload, signature] = token?.split('.') ?? [];
  if (!head || !payload || !signature) return false;
  const expected = createHmac('sha256', NOTIFY_SECRET).update(`${head}.${payload}`).digest('base64url');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: string };
  return expected === signature && claims.iss === NOTIFY_SERVICE_ID;
}
