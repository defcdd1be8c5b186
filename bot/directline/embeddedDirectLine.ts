/**
 * The embedded Direct Line 3.0 service under `/v3/directline`: what Microsoft's Web Chat (and the
 * botframework-directlinejs client) needs from a server, so the chat page works with no Azure account.
 *
 *   POST /conversations                    start (or rejoin) the token's conversation; the bot greets once
 *   GET  /conversations/:id?watermark=     reconnect: a fresh token and stream URL
 *   POST /conversations/:id/activities     a resident's message: echoed into the stream, then run through the bot
 *   GET  /conversations/:id/activities     polling: everything after the watermark
 *   POST /tokens/refresh                   a fresh token for the same conversation
 *   WS   /conversations/:id/stream?t=      the stream (see stream.ts)
 *
 * Every call carries a conversation token as a Bearer header. Statuses: 400 for a malformed body, 403 for a
 * missing, tampered, expired or other conversation's token, 404 for an unknown conversation, 413 for a body that is
 * too large, 429 when a conversation sends faster than a person can.
 */
import path from 'node:path';
import type { Activity } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { AppError } from '../../services/errors';
import type { App } from '../composition';
import { sendError } from '../httpErrors';
import { createOnTurnError } from '../turnError';
import { BOT_ACCOUNT, DIRECT_LINE_CHANNEL_ID, DirectLineAdapter, EMBEDDED_SERVICE_URL } from './adapter';
import { ConversationFullError, ConversationLog } from './conversationLog';
import { RateLimiter } from './rateLimit';
import { MAX_ACTIVITY_BYTES, postedActivity, startConversationBody } from './schemas';
import { ActivityStream, parseWatermark } from './stream';
import { CONVERSATION_ID_PATTERN, loadTokenKey, newConversationId, TokenSigner } from './tokens';

export const DIRECT_LINE_BASE = '/v3/directline';

/** As on Azure: Web Chat refreshes every 15 minutes, so a token must outlive that with room to spare. */
export const TOKEN_LIFETIME_SECONDS = 30 * 60;
/** The stream token only has to last from the REST call to the WebSocket opening. */
const STREAM_TOKEN_LIFETIME_SECONDS = 60;

export interface EmbeddedDirectLineOptions {
  /** Messages a conversation may post per minute. */
  messagesPerMinute?: number;
  /** New conversations this instance mints per minute, across everyone. */
  conversationsPerMinute?: number;
}

export class EmbeddedDirectLine {
  readonly signer: TokenSigner;
  readonly log: ConversationLog;
  readonly stream: ActivityStream;
  readonly adapter: DirectLineAdapter;
  private readonly messageLimiter: RateLimiter;
  private readonly mintLimiter: RateLimiter;

  constructor(
    private readonly app: App,
    options: EmbeddedDirectLineOptions = {},
  ) {
    const { key } = loadTokenKey({ hashSecret: app.config.HASH_SECRET, dataDir: path.resolve(app.config.DATA_DIR) });
    this.signer = new TokenSigner(key, app.clock);
    this.log = new ConversationLog(app.store.botState, app.clock);
    this.stream = new ActivityStream({ log: this.log, signer: this.signer, logger: app.logger });
    this.adapter = new DirectLineAdapter({ log: this.log, stream: this.stream, clock: app.clock });
    this.adapter.onTurnError = createOnTurnError({ logger: app.logger, hubPhone: app.profile.hub.phone });
    // A hub worker's messages in a live handoff reach this conversation's log and sockets through this adapter.
    app.handoffDelivery.useEmbeddedDirectLine(this.adapter);
    this.messageLimiter = new RateLimiter({ limit: options.messagesPerMinute ?? 60, windowMs: 60_000 });
    this.mintLimiter = new RateLimiter({ limit: options.conversationsPerMinute ?? 600, windowMs: 60_000 });
  }

  /** A token for a new, unguessable conversation (the conversation itself starts on `POST /conversations`). */
  mintConversation(): { conversationId: string; token: string; expiresIn: number } {
    const wait = this.mintLimiter.take('all');
    if (wait > 0) throw new RateLimited(wait);
    const conversationId = newConversationId();
    return { conversationId, ...this.signer.issue(conversationId, 'conversation', TOKEN_LIFETIME_SECONDS) };
  }

  register(server: Server): void {
    const base = DIRECT_LINE_BASE;
    server.post(`${base}/conversations`, this.handle((req, res) => this.startConversation(req, res)));
    server.get(`${base}/conversations/:conversationId`, this.handle((req, res) => this.reconnect(req, res)));
    server.post(`${base}/conversations/:conversationId/activities`, this.handle((req, res) => this.postActivity(req, res)));
    server.get(`${base}/conversations/:conversationId/activities`, this.handle((req, res) => this.getActivities(req, res)));
    server.post(`${base}/tokens/refresh`, this.handle((req, res) => this.refresh(req, res)));
    this.stream.attach(server);
  }

  close(): void {
    this.stream.closeAll();
  }

  private async startConversation(req: Request, res: Response): Promise<void> {
    const conversationId = this.authorise(req);
    const body = startConversationBody.safeParse(req.body ?? undefined);
    if (!body.success) throw invalid('The body is not a Direct Line conversation request.');
    const userId = body.data?.user?.id ?? `dl_${conversationId.slice(0, 12)}`;
    const created = await this.log.create(conversationId, userId);
    if (created) {
      this.app.logger.info({ conversationId, channel: DIRECT_LINE_CHANNEL_ID }, 'web chat conversation started');
      await this.adapter.processActivity(
        this.inbound(conversationId, { type: 'conversationUpdate', from: { id: userId, name: '', role: 'user' }, membersAdded: [{ id: userId, name: '', role: 'user' }, { ...BOT_ACCOUNT }] }),
        (context) => this.app.bot.run(context),
      );
    }
    res.status(created ? 201 : 200);
    res.json(this.conversationResponse(req, conversationId, 0));
  }

  private async reconnect(req: Request, res: Response): Promise<void> {
    const conversationId = this.authorise(req, req.params.conversationId);
    await this.mustExist(conversationId);
    res.json(this.conversationResponse(req, conversationId, parseWatermark(queryString(req, 'watermark'))));
  }

  private async postActivity(req: Request, res: Response): Promise<void> {
    const conversationId = this.authorise(req, req.params.conversationId);
    if (bodyBytes(req) > MAX_ACTIVITY_BYTES) throw new TooLarge();
    const checked = postedActivity.safeParse(req.body);
    if (!checked.success) {
      throw new AppError('invalid-input', 'The body is not a Direct Line activity.', {
        details: checked.error.issues.map((i) => ({ path: i.path.join('.'), problem: i.code })),
      });
    }
    await this.mustExist(conversationId);
    const wait = this.messageLimiter.take(conversationId);
    if (wait > 0) throw new RateLimited(wait);

    const posted = checked.data;
    // Typing from the resident is not something the bot acts on; accept it so the client carries on.
    if (posted.type === 'typing') {
      res.json({ id: '' });
      return;
    }
    const clientActivityID = posted.channelData?.clientActivityID;
    const echo: Partial<Activity> = this.inbound(conversationId, {
      type: 'message',
      text: posted.text ?? '',
      textFormat: 'plain',
      ...(posted.locale ? { locale: posted.locale } : {}),
      from: { id: posted.from.id, name: posted.from.name ?? '', role: 'user' },
      channelData: {
        ...(clientActivityID ? { clientActivityID } : {}),
        ...(posted.channelData?.clientTimestamp ? { clientTimestamp: posted.channelData.clientTimestamp } : {}),
      },
    });
    let logged;
    try {
      const { serviceUrl: _serviceUrl, ...stored } = echo;
      logged = await this.log.append(conversationId, stored as Record<string, unknown>);
    } catch (err) {
      if (err instanceof ConversationFullError) throw new AppError('conflict', 'This conversation is full. Please start a new one.');
      throw err;
    }
    // The echo first, so Web Chat can mark the message sent (it matches on clientActivityID), then the turn.
    this.stream.publish(conversationId, { activities: [logged.activity], watermark: logged.watermark });
    await this.adapter.processActivity({ ...echo, id: logged.activity.id, timestamp: new Date(logged.activity.timestamp) }, (context) => this.app.bot.run(context));
    res.json({ id: logged.activity.id });
  }

  private async getActivities(req: Request, res: Response): Promise<void> {
    const conversationId = this.authorise(req, req.params.conversationId);
    const group = await this.log.since(conversationId, parseWatermark(queryString(req, 'watermark')));
    if (!group) throw notFound();
    res.json(group);
  }

  private async refresh(req: Request, res: Response): Promise<void> {
    const conversationId = this.authorise(req);
    const { token, expiresIn } = this.signer.issue(conversationId, 'conversation', TOKEN_LIFETIME_SECONDS);
    res.json({ conversationId, token, expires_in: expiresIn });
  }

  private conversationResponse(req: Request, conversationId: string, watermark: number) {
    const { token, expiresIn } = this.signer.issue(conversationId, 'conversation', TOKEN_LIFETIME_SECONDS);
    const stream = this.signer.issue(conversationId, 'stream', STREAM_TOKEN_LIFETIME_SECONDS);
    const streamUrl = new URL(`${DIRECT_LINE_BASE}/conversations/${conversationId}/stream`, webSocketBase(req, this.app.config.PUBLIC_URL));
    streamUrl.searchParams.set('watermark', String(watermark));
    streamUrl.searchParams.set('t', stream.token);
    return { conversationId, token, expires_in: expiresIn, streamUrl: streamUrl.toString(), referenceGrammarId: '' };
  }

  /** An activity as the bot receives it from this channel. */
  private inbound(conversationId: string, activity: Partial<Activity>): Partial<Activity> {
    return {
      ...activity,
      channelId: DIRECT_LINE_CHANNEL_ID,
      serviceUrl: EMBEDDED_SERVICE_URL,
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
      recipient: { ...BOT_ACCOUNT },
    };
  }

  /** The conversation the Bearer token is for; with `conversationId`, it must be that one. */
  private authorise(req: Request, conversationId?: string): string {
    const header = req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const claims = this.signer.verify(token, 'conversation');
    if (!claims) throw forbidden();
    if (conversationId !== undefined && (!CONVERSATION_ID_PATTERN.test(conversationId) || conversationId !== claims.conversationId)) throw forbidden();
    return claims.conversationId;
  }

  private async mustExist(conversationId: string): Promise<void> {
    if (!(await this.log.exists(conversationId))) throw notFound();
  }

  private handle(work: (req: Request, res: Response) => Promise<void>) {
    return async (req: Request, res: Response): Promise<void> => {
      try {
        await work(req, res);
      } catch (err) {
        if (res.headersSent) return;
        if (err instanceof RateLimited) res.header('Retry-After', String(err.retryAfterSeconds));
        if (err instanceof TooLarge) {
          res.status(413);
          res.json({ error: { code: 'too-large', message: err.message } });
          return;
        }
        sendError(res, err, this.app.logger);
      }
    };
  }
}

/** The same body shape restify gives its own 413 (see server.ts). */
class TooLarge extends Error {
  constructor() {
    super('The request is too large.');
    this.name = 'TooLarge';
  }
}

class RateLimited extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate-limited', 'Too many requests. Please wait a moment and try again.');
  }
}

function forbidden(): AppError {
  return new AppError('forbidden', 'The token is missing, has expired, or is not for this conversation.');
}

function notFound(): AppError {
  return new AppError('not-found', 'There is no such conversation.');
}

function invalid(message: string): AppError {
  return new AppError('invalid-input', message);
}

function queryString(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

function bodyBytes(req: Request): number {
  const declared = Number(req.header('content-length'));
  return Number.isFinite(declared) && declared > 0 ? declared : Buffer.byteLength(JSON.stringify(req.body ?? null));
}

/**
 * Where the browser opens the stream: PUBLIC_URL when configured (behind TLS termination the server cannot know its
 * public scheme), otherwise the Host the request came to, on plain ws.
 */
function webSocketBase(req: Request, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/^http/, 'ws');
  const host = req.header('host') ?? '';
  return /^[A-Za-z0-9.[\]:-]{1,255}$/.test(host) ? `ws://${host}` : 'ws://localhost';
}
