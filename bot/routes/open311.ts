/**
 * Open311 GeoReport v2 for ASB reports, under /open311/v2 (issue 10). The use cases are in
 * services/open311/georeport.ts; this is the edge: formats, API keys, rate limits, errors and audit.
 *
 * GET  /open311/v2/services.{json,xml}
 * GET  /open311/v2/services/{service_code}.{json,xml}
 * GET  /open311/v2/requests.{json,xml}[?service_request_id=…|service_code=…&status=open,closed&start_date=…&end_date=…]
 * POST /open311/v2/requests.{json,xml}         (application/x-www-form-urlencoded; Idempotency-Key header optional)
 * GET  /open311/v2/requests/{service_request_id}.{json,xml}
 * GET  /open311/v2/tokens/{token}.{json,xml}
 *
 * Every endpoint needs a key, GETs included, because ASB reports are not public: `api_key` in the query or the form,
 * or an `X-API-Key` header. Missing, unknown or revoked: 403. Errors are the spec's `errors` document in the format
 * asked for, with the HTTP status as the code: 400 bad parameters, 403 key, 404 unknown service, request or token,
 * 429 over the per-key rate limit (with Retry-After). Each access is audited as `open311.access` with the consumer's
 * id, the endpoint and the outcome: never the key, the client's address or anything a resident said.
 */
import type { Request, Response, Server } from 'restify';
import { AppError } from '../../services/errors';
import type { Open311Consumer } from '../../services/store/types';
import { CONTENT_TYPES, render, renderErrors, type Format } from '../../services/open311/format';
import type { App } from '../composition';
import { errorSummary } from '../turnError';
import { RateLimiter } from '../directline/rateLimit';

const BASE = '/open311/v2';
const HTTP_STATUS: Partial<Record<AppError['code'], number>> = { 'invalid-input': 400, forbidden: 403, 'not-found': 404, 'rate-limited': 429 };

type Endpoint = 'services' | 'service-definition' | 'requests' | 'request' | 'create-request' | 'token';

interface Outcome {
  body: string;
  /** What the access touched, for the audit: a referral id, or how many requests were returned. */
  subject?: string | null;
  count?: number;
  created?: boolean;
}

/** `asb-noise.json` → `{ name: 'asb-noise', format: 'json' }`; null when the format is not one we write. */
function splitFile(file: string): { name: string; format: Format } | null {
  const match = /^(.+)\.(json|xml)$/.exec(file);
  return match ? { name: match[1] as string, format: match[2] as Format } : null;
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

export function registerOpen311(server: Server, app: Pick<App, 'open311' | 'store' | 'clock' | 'logger' | 'config'>): void {
  const limiter = new RateLimiter({
    limit: app.config.OPEN311_RATE_LIMIT,
    windowMs: app.config.OPEN311_RATE_WINDOW_SECONDS * 1000,
    now: () => app.clock.now().getTime(),
  });

  const send = (res: Response, status: number, format: Format, body: string): void => {
    res.sendRaw(status, body, { 'Content-Type': CONTENT_TYPES[format], 'Cache-Control': 'no-store' });
  };

  const keyOf = (req: Request): string | undefined =>
    firstString(req.query?.api_key) ?? firstString((req.body as Record<string, unknown> | undefined)?.api_key) ?? req.header('x-api-key') ?? undefined;

  /**
   * Key, then rate limit, then the handler; every failure becomes the spec's error document. The key is checked
   * before anything else, so a caller without one learns nothing (not even whether a service code exists).
   */
  const handle =
    (endpoint: Endpoint, run: (req: Request, consumer: Open311Consumer, name: string) => Promise<Outcome>, fixedFormat?: Format) =>
    async (req: Request, res: Response): Promise<void> => {
      const file = fixedFormat ? { name: '', format: fixedFormat } : splitFile(String(req.params?.file ?? ''));
      const format: Format = file?.format ?? 'xml';
      let consumer: Open311Consumer | null = null;
      let status = 200;
      let outcome: Outcome | null = null;
      try {
        const key = keyOf(req);
        consumer = key ? await app.open311.keys.authenticate(key) : null;
        if (!consumer) throw new AppError('forbidden', key ? 'Invalid or revoked api_key' : 'api_key is required: send it as the api_key parameter or an X-API-Key header');
        const wait = limiter.take(consumer.id);
        if (wait > 0) {
          res.header('Retry-After', String(wait));
          throw new AppError('rate-limited', `Too many requests for this api_key: please wait ${wait} seconds and try again`);
        }
        if (!file) throw new AppError('invalid-input', 'The URL must end in .json or .xml');
        outcome = await run(req, consumer, file.name);
        send(res, 200, format, outcome.body);
      } catch (err) {
        status = err instanceof AppError ? (HTTP_STATUS[err.code] ?? 400) : 500;
        if (status === 500) app.logger.error({ err: errorSummary(err), endpoint }, 'open311 request failed');
        const description = err instanceof AppError ? err.publicMessage : 'Something went wrong on our side; please try again later';
        send(res, status, format, renderErrors(format, [{ code: status, description }]));
      }
      if (!consumer) {
        app.logger.info({ endpoint, status }, 'open311 request refused: no valid api_key');
        return;
      }
      try {
        await app.store.audit.append({
          at: app.clock.now().toISOString(),
          actor: `open311:${consumer.id}`,
          action: 'open311.access',
          subject: outcome?.subject ?? null,
          detail: {
            endpoint,
            format,
            status,
            ...(outcome?.count !== undefined ? { count: outcome.count } : {}),
            ...(outcome?.created !== undefined ? { created: outcome.created } : {}),
          },
        });
      } catch (err) {
        app.logger.error({ err: errorSummary(err), endpoint }, 'could not audit an open311 access');
      }
    };

  const { georeport } = app.open311;
  for (const format of ['json', 'xml'] as const) {
    server.get(`${BASE}/services.${format}`, handle('services', async () => ({ body: render(format, georeport.services(), 'services', 'service') }), format));
    server.get(
      `${BASE}/requests.${format}`,
      handle('requests', async (req, consumer) => {
        const records = await georeport.requests(req.query, consumer);
        return { body: render(format, records, 'service_requests', 'request'), count: records.length };
      }, format),
    );
    server.post(
      `${BASE}/requests.${format}`,
      handle('create-request', async (req, consumer) => {
        const { record, referral, created } = await georeport.create(req.body, consumer, req.header('idempotency-key') || undefined);
        return { body: render(format, [record], 'service_requests', 'request'), subject: referral.id, created };
      }, format),
    );
  }
  server.get(`${BASE}/services/:file`, handle('service-definition', async (_req, _consumer, code) => {
    const definition = georeport.definition(code);
    return { body: render(formatOf(_req), definition, 'service_definition') };
  }));
  server.get(`${BASE}/requests/:file`, handle('request', async (req, consumer, id) => {
    const record = await georeport.request(id, consumer);
    return { body: render(formatOf(req), [record], 'service_requests', 'request'), count: 1 };
  }));
  server.get(`${BASE}/tokens/:file`, handle('token', async (req, consumer, token) => {
    const record = await georeport.token(token, consumer);
    return { body: render(formatOf(req), [record], 'service_requests', 'request') };
  }));

  // Anything else under /open311/v2 is a 404 in the spec's format rather than the hub API's.
  const notFound = async (req: Request, res: Response): Promise<void> => {
    const format: Format = /\.json(\?|$)/.test(req.url ?? '') ? 'json' : 'xml';
    send(res, 404, format, renderErrors(format, [{ code: 404, description: 'There is no such Open311 resource' }]));
  };
  server.get(`${BASE}/*`, notFound);
  server.post(`${BASE}/*`, notFound);
}

function formatOf(req: Request): Format {
  return splitFile(String(req.params?.file ?? ''))?.format ?? 'xml';
}
