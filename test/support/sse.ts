/**
 * Reads a server-sent event stream as the console's EventSource would, for tests: `next(type)` resolves with the
 * next event of that type (events already received count), so a test waits for what it expects instead of sleeping.
 */
import type { HubClient } from './hubClient';

export interface SseEvent {
  type: string;
  data: unknown;
}

export class SseReader {
  readonly events: SseEvent[] = [];
  private cursor = new Map<string, number>();
  private waiters: { type: string; resolve: (e: SseEvent) => void }[] = [];
  private readonly controller = new AbortController();
  status = 0;

  private constructor() {}

  static async open(client: HubClient, path: string): Promise<SseReader> {
    const reader = new SseReader();
    const cookie = client.cookie('hub_session');
    const res = await fetch(`${client.baseUrl}${path}`, {
      headers: cookie ? { cookie: `hub_session=${encodeURIComponent(cookie)}`, accept: 'text/event-stream' } : {},
      signal: reader.controller.signal,
    });
    reader.status = res.status;
    if (res.status === 200 && res.body) void reader.pump(res.body);
    return reader;
  }

  /** The next event of `type` not yet handed out. */
  next<T = unknown>(type: string): Promise<T> {
    const from = this.cursor.get(type) ?? 0;
    const index = this.events.findIndex((e, i) => i >= from && e.type === type);
    if (index >= 0) {
      this.cursor.set(type, index + 1);
      return Promise.resolve(this.events[index]?.data as T);
    }
    return new Promise<T>((resolve) => {
      this.waiters.push({ type, resolve: (e) => resolve(e.data as T) });
    });
  }

  ofType(type: string): unknown[] {
    return this.events.filter((e) => e.type === type).map((e) => e.data);
  }

  close(): void {
    this.controller.abort();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let split: number;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data !== undefined) this.receive({ type, data: JSON.parse(data) as unknown });
        }
      }
    } catch {
      // aborted by close()
    }
  }

  private receive(event: SseEvent): void {
    this.events.push(event);
    const waiter = this.waiters.find((w) => w.type === event.type);
    if (waiter) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      this.cursor.set(event.type, this.events.length);
      waiter.resolve(event);
    }
  }
}
