/**
 * GET /metrics: Prometheus text format from the app's own registry. With METRICS_TOKEN set, the scraper must send
 * `Authorization: Bearer <token>`; without it the endpoint is open (keep it on a private network).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { AppError } from '../../services/errors';
import type { App } from '../composition';
import { sendError } from '../httpErrors';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison of the bearer token (hashing first makes the lengths equal). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1].trim()), digest(token));
}

export function registerMetrics(server: Server, app: App): void {
  server.get('/metrics', async (req: Request, res: Response) => {
    const token = app.config.METRICS_TOKEN;
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.header('WWW-Authenticate', 'Bearer');
      sendError(res, new AppError('unauthenticated', 'A metrics token is required.'), app.logger);
      return;
    }
    try {
      const body = await app.metrics.render();
      res.setHeader('Content-Type', app.metrics.contentType());
      res.setHeader('Cache-Control', 'no-store');
      res.writeHead(200);
      res.end(body);
    } catch (err) {
      sendError(res, err, app.logger);
    }
  });
}
