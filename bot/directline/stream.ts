/**
 * The WebSocket half of the embedded Direct Line: `GET /v3/directline/conversations/:id/stream?t=<stream token>`
 * upgrades on restify's own http server, sends everything after the watermark, then pushes each new activity as
 * `{activities, watermark}` the moment it is logged.
 *
 * Sockets live in this process, so with several instances a resident's socket only hears turns that ran on the same
 * instance; run one instance for the embedded Direct Line, or use Azure's (DIRECT_LINE_SECRET) behind a load
 * balancer. Polling works from any instance, because the log is in the store.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../services/logger';
import type { ActivityGroup, ConversationLog, LoggedActivity } from './conversationLog';
import { CONVERSATION_ID_PATTERN, type TokenSigner } from './tokens';

export const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/?]+)\/stream$/;

/** What is pushed: a logged activity with the watermark after it, or an ephemeral one (typing) with none. */
type Push = { activities: LoggedActivity[]; watermark?: string } | { activities: Record<string, unknown>[] };

interface Subscriber {
  socket: WebSocket;
  /** Pushes that arrived while the backlog was being read; sent after it, minus what it already held. */
  pending: Push[] | null;
}

export class ActivityStream {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  private heartbeat: NodeJS.Timeout | undefined;
  private server: EventEmitter | undefined;

  constructor(
    private readonly deps: { log: ConversationLog; signer: TokenSigner; logger: Logger; heartbeatMs?: number },
  ) {}

  /**
   * Takes WebSocket upgrades for the stream path from `server` (restify's server, which re-emits its http server's
   * `upgrade` events).
   */
  attach(server: EventEmitter): void {
    this.server = server;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.onUpgrade(req, socket, head);
    });
    this.heartbeat = setInterval(() => this.ping(), this.deps.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  /** Sends an activity to every socket open on its conversation. */
  publish(conversationId: string, push: Push): void {
    for (const subscriber of this.subscribers.get(conversationId) ?? []) {
      if (subscriber.pending) subscriber.pending.push(push);
      else send(subscriber.socket, push);
    }
  }

  /** Ends every stream (on shutdown), so the http server can close. */
  closeAll(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const socket of this.wss.clients) socket.terminate();
    this.subscribers.clear();
  }

  openCount(): number {
    return this.wss.clients.size;
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    if (!match) {
      // Another feature may take upgrades on other paths; refuse only when nobody else is listening.
      if (this.server?.listenerCount('upgrade') === 1) refuse(socket, 404, 'Not Found');
      return;
    }
    const conversationId = decodeURIComponent(match[1] ?? '');
    const claims = this.deps.signer.verify(url.searchParams.get('t') ?? undefined, 'stream');
    if (!claims || !CONVERSATION_ID_PATTERN.test(conversationId) || claims.conversationId !== conversationId) {
      return refuse(socket, 403, 'Forbidden');
    }
    if (!(await this.deps.log.exists(conversationId))) return refuse(socket, 404, 'Not Found');
    const watermark = parseWatermark(url.searchParams.get('watermark'));

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const subscriber: Subscriber = { socket: ws, pending: [] };
      const set = this.subscribers.get(conversationId) ?? new Set<Subscriber>();
      set.add(subscriber);
      this.subscribers.set(conversationId, set);
      ws.on('close', () => {
        set.delete(subscriber);
        if (set.size === 0 && this.subscribers.get(conversationId) === set) this.subscribers.delete(conversationId);
      });
      // The client sends an empty message every 20 s to notice dead connections; there is nothing to read.
      ws.on('message', () => undefined);
      ws.on('error', () => ws.terminate());
      void this.sendBacklog(conversationId, subscriber, watermark);
    });
  }

  private async sendBacklog(conversationId: string, subscriber: Subscriber, watermark: number): Promise<void> {
    try {
      const backlog: ActivityGroup | null = await this.deps.log.since(conversationId, watermark);
      if (backlog && backlog.activities.length > 0) send(subscriber.socket, backlog);
      const seen = Number(backlog?.watermark ?? watermark);
      const pending = subscriber.pending ?? [];
      subscriber.pending = null;
      for (const push of pending) {
        if ('watermark' in push && push.watermark !== undefined && Number(push.watermark) <= seen) continue;
        send(subscriber.socket, push);
      }
    } catch (err) {
      this.deps.logger.error({ err: { type: err instanceof Error ? err.name : 'unknown' } }, 'could not replay a conversation to its stream');
      subscriber.socket.close(1011);
    }
  }

  private ping(): void {
    for (const socket of this.wss.clients) if (socket.readyState === WebSocket.OPEN) socket.ping();
  }
}

export function parseWatermark(value: string | null | undefined): number {
  if (!value || !/^\d{1,9}$/.test(value)) return 0;
  return Number(value);
}

function send(socket: WebSocket, push: Push): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(push));
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
