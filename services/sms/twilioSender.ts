/**
 * Sends texts through Twilio's own library. `apiBaseUrl` points it at a local stand-in for Twilio's REST API
 * (tests, and `npm run sms` with no account); in production it is unset and Twilio's hosts are used.
 */
import http from 'node:http';
import https from 'node:https';
import type twilio from 'twilio';
import { SmsSendError, type SmsSender } from './outbox';

import type RequestClient from 'twilio/lib/base/RequestClient';
import type TwilioResponse from 'twilio/lib/http/response';

/**
 * Twilio's library, loaded when a sender is made rather than when the server starts: its REST client is large
 * (about 0.3 s of CPU and 25 MiB of RSS to load), and a server with SMS off never needs it.
 */
function loadTwilio(): typeof twilio {
  return require('twilio') as typeof twilio;
}

/**
 * The HTTP side of Twilio's library, on Node's own http/https with one keep-alive agent. Twilio's default client
 * goes through axios, whose per-request configuration merging, header objects and interceptor chain cost more CPU
 * than the rest of a send (the SMS benchmark's profile: about a tenth of an echo turn). Everything Twilio-specific
 * stays in the library: it builds the URI, the form fields, the auth and User-Agent headers, and parses the answer
 * and raises RestException on an error status, from the `{ statusCode, body, headers }` this returns, as it does
 * from its own client. `baseUrl` swaps Twilio's host for a local stand-in (tests, `npm run sms` with no account).
 */
class NodeRequestClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly timeoutMs: number,
    private readonly baseUrl?: URL,
  ) {
    const secure = (baseUrl?.protocol ?? 'https:') === 'https:';
    // As Twilio's client: keep-alive, and the timeout as the socket's idle timeout too.
    this.agent = secure ? new https.Agent({ keepAlive: true, timeout: timeoutMs }) : new http.Agent({ keepAlive: true, timeout: timeoutMs });
  }

  async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
    if (!headers.Connection && !headers.connection) headers.Connection = 'keep-alive';
    if (opts.username && opts.password) headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    else if (opts.authStrategy) headers.Authorization = await opts.authStrategy.getAuthString();

    const url = new URL(opts.uri);
    if (this.baseUrl) {
      url.protocol = this.baseUrl.protocol;
      url.host = this.baseUrl.host;
      url.pathname = `${this.baseUrl.pathname.replace(/\/$/, '')}${url.pathname}`;
    }
    if (opts.params) appendForm(url.searchParams, opts.params as Record<string, unknown>);
    let body: string | undefined;
    if (opts.data) {
      if (headers['Content-Type'] === 'application/x-www-form-urlencoded') body = formEncode(opts.data as Record<string, unknown>);
      else if (headers['Content-Type'] === 'application/json') body = JSON.stringify(opts.data);
    }
    if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));

    const send = url.protocol === 'https:' ? https.request : http.request;
    const timeoutMs = opts.timeout || this.timeoutMs;
    return new Promise<TwilioResponse<TData>>((resolve, reject) => {
      const req = send(url, { method: opts.method.toUpperCase(), headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', fail);
        res.once('end', () => {
          clearTimeout(timer);
          resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers } as unknown as TwilioResponse<TData>);
        });
      });
      // The whole exchange is bounded, as axios's timeout bounds it, not just the socket's silences.
      const timer = setTimeout(() => req.destroy(new Error(`twilio request timed out after ${timeoutMs} ms`)), timeoutMs);
      function fail(err: Error): void {
        clearTimeout(timer);
        reject(err);
      }
      req.once('error', fail);
      req.end(body);
    });
  }
}

/** Form fields as Twilio's client encodes them (qs, arrayFormat "repeat"): arrays repeat the key, undefined is left out. */
function appendForm(into: URLSearchParams, fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined) into.append(key, item === null ? '' : String(item));
  }
}

function formEncode(fields: Record<string, unknown>): string {
  const form = new URLSearchParams();
  appendForm(form, fields);
  return form.toString();
}

export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  /** Our number, E.164; or use a messaging service. */
  from?: string;
  messagingServiceSid?: string;
  statusCallbackUrl?: string;
  apiBaseUrl?: string;
}

const TIMEOUT_MS = 10_000;

/** Twilio error codes that mean "do not try this text again". */
const UNSUBSCRIBED = 21610;

export class TwilioSender implements SmsSender {
  private readonly client: twilio.Twilio;

  constructor(private readonly options: TwilioSenderOptions) {
    // The outbox retries and records each attempt, so the client's own 429 auto-retry stays off (its default).
    // Keep-alive: a reply is one HTTPS request, and a new TLS connection for each costs more than the request.
    const lib = loadTwilio();
    // Twilio's own client where it does something ours does not: a proxy from HTTP_PROXY, a CA bundle (both for
    // Twilio's own hosts; a local stand-in is reached directly either way).
    const httpClient =
      !options.apiBaseUrl && (process.env.HTTP_PROXY || process.env.TWILIO_CA_BUNDLE)
        ? new lib.RequestClient({ timeout: TIMEOUT_MS, keepAlive: true })
        : (new NodeRequestClient(TIMEOUT_MS, options.apiBaseUrl ? new URL(options.apiBaseUrl) : undefined) as unknown as RequestClient);
    this.client = lib(options.accountSid, options.authToken, { httpClient });
  }

  async send(to: string, body: string): Promise<{ sid: string; status: string }> {
    try {
      const message = await this.client.messages.create({
        to,
        body,
        ...(this.options.messagingServiceSid ? { messagingServiceSid: this.options.messagingServiceSid } : { from: this.options.from ?? '' }),
        ...(this.options.statusCallbackUrl ? { statusCallback: this.options.statusCallbackUrl } : {}),
      });
      return { sid: message.sid, status: message.status };
    } catch (err) {
      const e = err as { status?: number; code?: number };
      if (typeof e.status === 'number') {
        const retryable = e.status === 429 || e.status >= 500;
        return Promise.reject(new SmsSendError(retryable, `twilio ${e.code ?? e.status}`, e.code === UNSUBSCRIBED));
      }
      throw new SmsSendError(true, 'network');
    }
  }
}
