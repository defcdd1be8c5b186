/**
 * Sends texts through Twilio's own library. `apiBaseUrl` points it at a local stand-in for Twilio's REST API
 * (tests, and `npm run sms` with no account); in production it is unset and Twilio's hosts are used.
 */
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

/** Twilio's own HTTP client with the host swapped, so everything else (auth, form encoding, parsing) is real. */
function redirectingRequestClient(lib: typeof twilio, baseUrl: string): RequestClient {
  class RedirectingRequestClient extends lib.RequestClient {
    override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
      const original = new URL(opts.uri);
      const target = new URL(baseUrl);
      original.protocol = target.protocol;
      original.host = target.host;
      original.pathname = `${target.pathname.replace(/\/$/, '')}${original.pathname}`;
      return super.request<TData>({ ...opts, uri: original.toString() });
    }
  }
  return new RedirectingRequestClient({ timeout: 10_000, keepAlive: true });
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

/** Twilio error codes that mean "do not try this text again". */
const UNSUBSCRIBED = 21610;

export class TwilioSender implements SmsSender {
  private readonly client: twilio.Twilio;

  constructor(private readonly options: TwilioSenderOptions) {
    // The outbox retries and records each attempt, so the client's own 429 auto-retry stays off (its default).
    // Keep-alive: a reply is one HTTPS request, and a new TLS connection for each costs more than the request.
    const lib = loadTwilio();
    const httpClient = options.apiBaseUrl ? redirectingRequestClient(lib, options.apiBaseUrl) : new lib.RequestClient({ timeout: 10_000, keepAlive: true });
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
