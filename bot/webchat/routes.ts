/**
 * The resident web chat: `GET /` (the page), its files, `POST /api/webchat/token`, and, on the embedded default,
 * the Direct Line service under `/v3/directline`. With DIRECT_LINE_SECRET set the token comes from Azure Bot Service
 * instead and the embedded Direct Line is not served at all.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Request, Response, Server } from 'restify';
import type { App } from '../composition';
import { EmbeddedDirectLine, DIRECT_LINE_BASE, type EmbeddedDirectLineOptions } from '../directline/embeddedDirectLine';
import { RateLimiter } from '../directline/rateLimit';
import { sendError } from '../httpErrors';
import { AppError } from '../../services/errors';
import { generateAzureToken } from './azureDirectLine';
import { contentSecurityPolicy, gzipped, loadPageAssets, newNonce, renderPage, WebChatBundle, type Asset, type FileAsset } from './page';

export interface WebChat {
  /** Present on the embedded default; null when Azure's Direct Line is used. */
  directLine: EmbeddedDirectLine | null;
}

export interface TokenAnswer {
  mode: 'embedded' | 'azure';
  /** Where Web Chat finds Direct Line: a path on this server, or Azure's URL. */
  domain: string;
  conversationId: string;
  token: string;
  expiresIn: number;
}

const YEAR = 'public, max-age=31536000, immutable';

/** Headers every web chat response carries. */
function secure(res: Response): void {
  res.header('X-Content-Type-Options', 'nosniff');
  res.header('Referrer-Policy', 'no-referrer');
  res.header('X-Frame-Options', 'SAMEORIGIN');
  res.header('Cross-Origin-Opener-Policy', 'same-origin');
  res.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
}

export function registerWebChat(server: Server, app: App, options: EmbeddedDirectLineOptions = {}): WebChat {
  const secret = app.config.DIRECT_LINE_SECRET;
  const directLine = secret ? null : new EmbeddedDirectLine(app, options);
  const azureLimiter = new RateLimiter({ limit: options.conversationsPerMinute ?? 600, windowMs: 60_000 });
  const page = loadPageAssets();
  const bundle = new WebChatBundle();
  const scriptPath = `/chat/chat.js?v=${page.script.hash}`;
  const stylesPath = `/chat/chat.css?v=${page.styles.hash}`;
  const directLineOrigin = secret ? new URL(app.config.DIRECT_LINE_ENDPOINT).origin : null;

  server.get('/', async (_req: Request, res: Response) => {
    const nonce = newNonce();
    let html: string;
    try {
      html = renderPage(page.template, { profile: app.profile, nonce, webChatScript: bundle.path, chatScript: scriptPath, chatStyles: stylesPath });
    } catch (err) {
      sendError(res, err, app.logger);
      return;
    }
    secure(res);
    res.header('Content-Security-Policy', contentSecurityPolicy({ nonce, directLineOrigin }));
    res.header('Cache-Control', 'no-store');
    res.header('Content-Type', 'text/html; charset=utf-8');
    res.sendRaw(200, html);
  });

  server.get('/chat/chat.js', async (req: Request, res: Response) => serveAsset(req, res, page.script));
  server.get('/chat/chat.css', async (req: Request, res: Response) => serveAsset(req, res, page.styles));
  server.get(bundle.path, async (req: Request, res: Response) => {
    let file: FileAsset;
    try {
      file = await bundle.get();
    } catch (err) {
      sendError(res, err, app.logger);
      return;
    }
    await serveAsset(req, res, file);
  });

  server.post('/api/webchat/token', async (_req: Request, res: Response) => {
    secure(res);
    res.header('Cache-Control', 'no-store');
    try {
      let answer: TokenAnswer;
      if (directLine) {
        answer = { mode: 'embedded', domain: DIRECT_LINE_BASE, ...directLine.mintConversation() };
      } else {
        const wait = azureLimiter.take('all');
        if (wait > 0) {
          res.header('Retry-After', String(wait));
          throw new AppError('rate-limited', 'Too many requests. Please wait a moment and try again.');
        }
        const token = await generateAzureToken({ endpoint: app.config.DIRECT_LINE_ENDPOINT, secret: secret ?? '', logger: app.logger });
        answer = { mode: 'azure', domain: `${app.config.DIRECT_LINE_ENDPOINT}/v3/directline`, ...token };
      }
      res.json(answer);
    } catch (err) {
      sendError(res, err, app.logger);
    }
  });

  if (directLine) {
    directLine.register(server);
    // Open WebSockets would keep the http server from closing; end them when the server is asked to close.
    const close = server.close.bind(server);
    server.close = ((callback?: () => void) => {
      directLine.close();
      return close(callback);
    }) as Server['close'];
  }
  return { directLine };
}

/** An asset held in memory (`body`), or a file streamed from disk with its gzip form held (`FileAsset`). */
async function serveAsset(req: Request, res: Response, file: Asset | FileAsset): Promise<void> {
  secure(res);
  const versioned = typeof (req.query as Record<string, unknown> | undefined)?.v === 'string' || req.path().startsWith('/webchat/');
  res.header('Cache-Control', versioned ? YEAR : 'no-cache');
  res.header('ETag', `"${file.hash}"`);
  res.header('Content-Type', file.contentType);
  res.header('Vary', 'Accept-Encoding');
  if (req.header('if-none-match') === `"${file.hash}"`) {
    res.sendRaw(304, '');
    return;
  }
  if (/\bgzip\b/.test(req.header('accept-encoding') ?? '')) {
    res.header('Content-Encoding', 'gzip');
    res.sendRaw(200, 'body' in file ? await gzipped(file) : file.gzipped);
    return;
  }
  if ('body' in file) {
    res.sendRaw(200, file.body);
    return;
  }
  res.header('Content-Length', String(file.size));
  res.writeHead(200);
  await pipeline(fs.createReadStream(file.file), res).catch(() => res.destroy()); // a client that went away mid-file
}
