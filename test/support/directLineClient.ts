/**
 * Microsoft's own Direct Line client (botframework-directlinejs, the one inside Web Chat) running in Node against
 * the embedded Direct Line. In the browser it uses XMLHttpRequest and WebSocket; here its `ajax` service is a small
 * fetch-based stand-in and `ws` provides WebSocket, so everything else (its conversation start, reconnect, polling
 * and watermark handling) is the real client's code.
 */
import { ConnectionStatus, DirectLine, type Activity, type Services } from 'botframework-directlinejs';
import { Observable } from 'rxjs/Observable';
import { WebSocket as NodeWebSocket } from 'ws';

interface AjaxRequestLike {
  method?: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeout?: number;
}

interface AjaxResultLike {
  status: number;
  response: unknown;
  xhr: { getResponseHeader(name: string): string | null };
}

/** What rxjs's ajax gives directlinejs: the parsed body as `response`, and errors carrying `status`. */
export function fetchAjax(request: AjaxRequestLike | string): Observable<AjaxResultLike> {
  const req: AjaxRequestLike = typeof request === 'string' ? { url: request } : request;
  return new Observable<AjaxResultLike>((subscriber) => {
    const controller = new AbortController();
    const timer = req.timeout ? setTimeout(() => controller.abort(), req.timeout) : undefined;
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    fetch(req.url, { method: req.method ?? 'GET', headers: req.headers ?? {}, ...(body === undefined ? {} : { body }), signal: controller.signal })
      .then(async (res) => {
        const text = await res.text();
        let response: unknown = text;
        try {
          response = text ? JSON.parse(text) : null;
        } catch {
          // not JSON: keep the text
        }
        const result: AjaxResultLike = { status: res.status, response, xhr: { getResponseHeader: (name) => res.headers.get(name) } };
        if (res.ok) {
          subscriber.next(result);
          subscriber.complete();
        } else {
          subscriber.error(result);
        }
      })
      .catch(() => subscriber.error({ status: 0, response: null, xhr: { getResponseHeader: () => null } } satisfies AjaxResultLike))
      .finally(() => clearTimeout(timer));
    return () => controller.abort();
  });
}

/** directlinejs decides whether it may use WebSocket from the global; Node 20 has none, Node 22 does. */
export function provideGlobalWebSocket(): () => void {
  const holder = globalThis as { WebSocket?: unknown };
  const before = holder.WebSocket;
  if (before === undefined) holder.WebSocket = NodeWebSocket;
  return () => {
    if (before === undefined) delete holder.WebSocket;
  };
}

/** A connected client that records every activity it receives, with helpers to wait for the bot. */
export class DirectLineTestClient {
  readonly directLine: DirectLine;
  readonly received: Activity[] = [];
  private waiters: { predicate: (a: Activity) => boolean; from: number; resolve: (a: Activity) => void }[] = [];
  private readonly subscription: { unsubscribe(): void };
  private readonly statuses: ConnectionStatus[] = [];
  private cursor = 0;

  constructor(options: { domain: string; token: string; conversationId?: string; watermark?: string; webSocket: boolean; pollingInterval?: number }) {
    this.directLine = new DirectLine({
      domain: options.domain,
      token: options.token,
      webSocket: options.webSocket,
      pollingInterval: options.pollingInterval ?? 200,
      ...(options.conversationId ? { conversationId: options.conversationId } : {}),
      ...(options.watermark ? { watermark: options.watermark } : {}),
      ajax: fetchAjax as unknown as Services['ajax'],
      WebSocket: NodeWebSocket as unknown as Services['WebSocket'],
    });
    this.directLine.connectionStatus$.subscribe((s) => this.statuses.push(s));
    this.subscription = this.directLine.activity$.subscribe((activity) => {
      this.received.push(activity);
      const index = this.received.length - 1;
      for (const waiter of [...this.waiters]) {
        if (index >= waiter.from && waiter.predicate(activity)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(activity);
        }
      }
    });
  }

  get connectionStatuses(): readonly ConnectionStatus[] {
    return this.statuses;
  }

  /** The next activity (after those already consumed by earlier waits) that matches. */
  async next(predicate: (a: Activity) => boolean, what: string, timeoutMs = 10_000): Promise<Activity> {
    const from = this.cursor;
    const already = this.received.findIndex((a, i) => i >= from && predicate(a));
    if (already >= 0) {
      this.cursor = already + 1;
      return this.received[already] as Activity;
    }
    return new Promise<Activity>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out waiting for ${what}; received:\n${this.describe()}`));
      }, timeoutMs);
      const done = (activity: Activity) => {
        clearTimeout(timer);
        this.cursor = this.received.indexOf(activity) + 1;
        resolve(activity);
      };
      this.waiters.push({ predicate, from, resolve: done });
    });
  }

  /** Waits for a bot message whose text matches. */
  botSays(pattern: RegExp, timeoutMs?: number): Promise<Activity> {
    return this.next((a) => a.type === 'message' && a.from.role === 'bot' && pattern.test(textOf(a)), `the bot to say ${pattern}`, timeoutMs);
  }

  /** Posts a message as Web Chat does (with a clientActivityID) and returns the id the server gave it. */
  say(text: string, clientActivityID = `client-${Math.random().toString(36).slice(2)}`): Promise<string> {
    return new Promise((resolve, reject) => {
      this.directLine
        .postActivity({ type: 'message', text, from: { id: 'resident', role: 'user' }, channelData: { clientActivityID } } as Activity)
        .subscribe({ next: (id: string) => resolve(id), error: (err: unknown) => reject(new Error(`postActivity failed: ${JSON.stringify(err)}`)) });
    });
  }

  describe(): string {
    return this.received.map((a) => `${a.type} ${a.from?.role ?? '?'}: ${textOf(a).slice(0, 80)}`).join('\n');
  }

  end(): void {
    this.subscription.unsubscribe();
    this.directLine.end();
  }
}

export function textOf(activity: Activity): string {
  return 'text' in activity && typeof activity.text === 'string' ? activity.text : '';
}

/** Asks the page's token endpoint for a new embedded conversation, as the chat page does. */
export async function newEmbeddedConversation(baseUrl: string): Promise<{ conversationId: string; token: string; domain: string }> {
  const res = await fetch(`${baseUrl}/api/webchat/token`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`POST /api/webchat/token answered ${res.status}`);
  const body = (await res.json()) as { conversationId: string; token: string; domain: string };
  return { ...body, domain: `${baseUrl}${body.domain}` };
}
