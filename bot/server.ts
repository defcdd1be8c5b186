/**
 * The HTTP server. `startServer` and its `close` are what `npm start` and the component tests both use (tests on
 * port 0), so tests exercise the real routes, adapter, bot and store.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import restify, { type Request, type Response, type Server } from 'restify';
import type { App } from './composition';
import { withCorrelationId } from '../services/correlation';
import { AppError } from '../services/errors';
import { incomingActivity } from './activitySchema';
import { registerSmsRoutes } from './channels/twilio/routes';
import { registerDigestRoutes } from './routes/digests';
import { sendError } from './httpErrors';
import type { EmbeddedDirectLineOptions } from './directline/embeddedDirectLine';
import { registerWebChat } from './webchat/routes';
import { registerHub } from './routes/hub';
import { registerMetrics } from './routes/metrics';
import { registerOpen311 } from './routes/open311';
import { registerDirectoryRoutes } from './routes/directory';

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 256 * 1024;

export function buildServer(app: App, options: { webChat?: EmbeddedDirectLineOptions } = {}): Server {
  const server = restify.createServer({ name: 'community-hub-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: MAX_BODY_BYTES }));
  server.pre((req: Request, res: Response, next) => {
    const id = randomUUID();
    (req as Request & { correlationId?: string }).correlationId = id;
    res.header('X-Correlation-Id', id);
    return next();
  });
  // After the body parser (whose stream callbacks run outside the request's async context): from here on, every
  // log line for this request, the bot's turn included, carries the request's correlation id.
  server.use((req: Request, _res: Response, next) => {
    const id = (req as Request & { correlationId?: string }).correlationId;
    return id === undefined ? next() : withCorrelationId(id, () => next());
  });

  // Restify's own errors (bad JSON, body too large, unknown route) get the same body shape as ours, without
  // echoing parser messages that can quote the request.
  server.on('restifyError', (req: Request, _res: Response, err: Error & { statusCode?: number; body?: unknown }, callback: () => void) => {
    const status = err.statusCode ?? 500;
    const code = status === 404 ? 'not-found' : status === 405 ? 'method-not-allowed' : status === 413 ? 'too-large' : status < 500 ? 'invalid-input' : 'internal';
    const message = status === 404 ? 'Not found.' : status === 413 ? 'The request is too large.' : status < 500 ? 'The request could not be read.' : 'Something went wrong on our side.';
    (err as Error & { toJSON?: () => unknown }).toJSON = () => ({ error: { code, message } });
    if (status >= 500) app.logger.error({ status, name: err.name, correlationId: (req as Request & { correlationId?: string }).correlationId }, 'request failed');
    return callback();
  });
  server.on('after', (req: Request, res: Response) => {
    app.logger.debug({ method: req.method, route: req.getRoute()?.path, status: res.statusCode, correlationId: (req as Request & { correlationId?: string }).correlationId }, 'request');
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    const checked = incomingActivity.safeParse(req.body);
    if (!checked.success) {
      sendError(res, new AppError('invalid-input', 'The body is not a Bot Framework activity.', { details: checked.error.issues.map((i) => ({ path: i.path.join('.'), problem: i.code })) }), app.logger);
      return;
    }
    try {
      await app.adapter.process(req, res, (context) => app.bot.run(context));
    } catch (err) {
      if (!res.headersSent) sendError(res, err, app.logger);
    }
  });

  if (app.sms) registerSmsRoutes(server, { sms: app.sms.channel, config: app.sms.routes, store: app.store, clock: app.clock, logger: app.logger });
  registerDigestRoutes(server, app);

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });
  server.get('/readyz', async (_req: Request, res: Response) => {
    try {
      await app.store.ping();
      res.json({ status: 'ready', store: app.store.kind });
    } catch {
      res.status(503);
      res.json({ status: 'not-ready', store: app.store.kind });
    }
  });

  registerMetrics(server, app);
  registerDirectoryRoutes(server, app);
  registerWebChat(server, app, options.webChat);
  registerHub(server, app);
  registerOpen311(server, app);

  return server;
}

export async function startServer(
  app: App,
  options: { port: number; host?: string; drainTimeoutMs?: number; /** The embedded Direct Line's rate limits (benchmarks raise them). */ webChat?: EmbeddedDirectLineOptions },
): Promise<RunningServer> {
  const server = buildServer(app, options.webChat ? { webChat: options.webChat } : {});
  // Requests in flight, so shutdown can let them finish instead of cutting a resident's turn in half.
  let inFlight = 0;
  let drained: (() => void) | null = null;
  server.server.on('request', (_req, res: import('node:http').ServerResponse) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
  });
  // Keep-alive longer than whatever is in front (ingress, load balancer, a client's pool), and headers a little longer
  // still, as Node requires: then the server is never the side that closes a connection just as it is reused.
  server.server.keepAliveTimeout = app.config.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000;
  server.server.headersTimeout = server.server.keepAliveTimeout + 1000;
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  app.sms?.onListening(port);
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : 'localhost';
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    /** Stops accepting, lets requests in flight finish (up to drainTimeoutMs), then closes every connection. */
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, options.drainTimeoutMs ?? 10_000).unref()),
        ]);
      }
      server.server.closeAllConnections();
      await closed;
    },
  };
}
