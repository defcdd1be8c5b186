/**
 * Admin API for ward digests, under /api/hub/digests. Small and additive on purpose: until the hub console's staff
 * sessions exist it is protected by one bearer token (`ADMIN_API_TOKEN`); without a token configured it answers
 * 503, never open. Responses carry councillors' contact details only where the admin manages subscriptions; the
 * ledger and failure summary carry ids, wards, periods and reasons only.
 *
 * GET    /api/hub/digests/subscriptions[?ward=E05…]   list
 * POST   /api/hub/digests/subscriptions               subscribe {wardCodes, email?, mobile?, frequency?, staffId?}
 * GET    /api/hub/digests/subscriptions/:id
 * PATCH  /api/hub/digests/subscriptions/:id           change any of those, or {active: false}
 * DELETE /api/hub/digests/subscriptions/:id
 * GET    /api/hub/digests/preview?ward=E05…|unknown[&from=YYYY-MM-DD&to=YYYY-MM-DD][&format=html|text|sms|json]
 *        (or area=ID instead of ward: an area from the council profile, its wards added up)
 * POST   /api/hub/digests/run                         send what is due now (safe to repeat: the ledger)
 * GET    /api/hub/digests/ledger[?status=failed,abandoned&limit=N]
 * GET    /api/hub/digests/failures                    counts by status and recent failures with reasons
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { LEDGER_STATUSES, type DigestPeriod } from '../../services/digests/model';
import { periodFromDays, previousPeriod, weekContaining } from '../../services/digests/period';
import { createSubscription, deleteSubscription, updateSubscription, type SubscriptionDeps } from '../../services/digests/subscriptions';
import { AppError } from '../../services/errors';
import type { App } from '../composition';
import { sendError } from '../httpErrors';

const BASE = '/api/hub/digests';
const ACTOR = 'admin-token';

const previewQuery = z.object({
  ward: z.string().trim().min(1).optional(),
  area: z.string().trim().min(1).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  format: z.enum(['html', 'text', 'sms', 'json']).default('html'),
});

const ledgerQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()) : undefined))
    .pipe(z.array(z.enum(LEDGER_STATUSES)).optional()),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function registerDigestRoutes(server: Server, app: Pick<App, 'config' | 'digests' | 'store' | 'profile' | 'clock' | 'logger'>): void {
  const expected = app.config.ADMIN_API_TOKEN ? digest(app.config.ADMIN_API_TOKEN) : null;
  const deps: SubscriptionDeps = { store: app.store, profile: app.profile, clock: app.clock, actor: ACTOR };

  /** Checks the token, then runs the handler; every error goes through the one error mapper. */
  const guarded = (handler: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      if (expected === null) throw new AppError('unavailable', 'The digest admin API is off: set ADMIN_API_TOKEN to use it.');
      const header = req.header('authorization') ?? '';
      const token = /^Bearer (.+)$/.exec(header)?.[1];
      if (!token || !timingSafeEqual(digest(token), expected)) throw new AppError('unauthenticated', 'A valid admin token is needed.');
      await handler(req, res);
    } catch (err) {
      sendError(res, err, app.logger);
    }
  };

  server.get(`${BASE}/subscriptions`, guarded(async (req, res) => {
    const ward = typeof req.query?.ward === 'string' ? req.query.ward : undefined;
    res.json({ subscriptions: await app.store.digestSubscriptions.list(ward ? { wardCode: ward } : {}) });
  }));

  server.post(`${BASE}/subscriptions`, guarded(async (req, res) => {
    const created = await createSubscription(req.body ?? {}, deps);
    res.status(201);
    res.json(created);
  }));

  server.get(`${BASE}/subscriptions/:id`, guarded(async (req, res) => {
    const found = await app.store.digestSubscriptions.get(String(req.params.id));
    if (!found) throw new AppError('not-found', 'There is no such subscription.');
    res.json(found);
  }));

  server.patch(`${BASE}/subscriptions/:id`, guarded(async (req, res) => {
    res.json(await updateSubscription(String(req.params.id), req.body ?? {}, deps));
  }));

  server.del(`${BASE}/subscriptions/:id`, guarded(async (req, res) => {
    await deleteSubscription(String(req.params.id), deps);
    res.status(204);
    res.end();
  }));

  server.get(`${BASE}/preview`, guarded(async (req, res) => {
    const query = previewQuery.safeParse(req.query ?? {});
    const { ward, area } = query.success ? query.data : {};
    if (!query.success || (ward === undefined) === (area === undefined)) {
      throw new AppError('invalid-input', 'Give ward=GSS code (or unknown) or area=ID, and optionally from, to and format.');
    }
    const period = periodOf(query.data, app.clock.now());
    const digestData =
      area !== undefined
        ? await app.digests.service.buildArea(area, period)
        : await app.digests.service.build(ward?.toLowerCase() === 'unknown' ? 'unknown' : (ward ?? '').toUpperCase(), period);
    const rendered = app.digests.service.render(digestData);
    if (query.data.format === 'json') return void res.json(digestData);
    const [type, body] =
      query.data.format === 'html' ? ['text/html', rendered.html] : query.data.format === 'text' ? ['text/plain', rendered.text] : ['text/plain', rendered.sms];
    res.setHeader('content-type', `${type}; charset=utf-8`);
    res.status(200);
    res.end(body);
  }));

  server.post(`${BASE}/run`, guarded(async (_req, res) => {
    res.json(await app.digests.service.runDue());
  }));

  server.get(`${BASE}/ledger`, guarded(async (req, res) => {
    const query = ledgerQuery.safeParse(req.query ?? {});
    if (!query.success) throw new AppError('invalid-input', `status must be some of ${LEDGER_STATUSES.join(', ')}; limit 1 to 1000.`);
    res.json({ entries: await app.store.digestLedger.list({ limit: query.data.limit, ...(query.data.status ? { status: query.data.status } : {}) }) });
  }));

  server.get(`${BASE}/failures`, guarded(async (_req, res) => {
    res.json(await app.digests.service.failures());
  }));
}

/** Hashing both sides gives equal-length buffers, which timingSafeEqual needs, whatever was sent. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The period asked for; by default last complete week. */
function periodOf(query: { from?: string | undefined; to?: string | undefined }, now: Date): DigestPeriod {
  if (!query.from && !query.to) return previousPeriod(weekContaining(now));
  if (!query.from || !query.to) throw new AppError('invalid-input', 'Give both from and to, or neither.');
  try {
    return periodFromDays(query.from, query.to);
  } catch (err) {
    throw new AppError('invalid-input', err instanceof RangeError ? err.message : 'The dates are not valid.');
  }
}
