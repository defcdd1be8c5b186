/**
 * The staff console's pages under /hub: server-rendered HTML forms over the same use cases as the API, so the
 * console works without JavaScript. Every form carries the session's CSRF token; every page is sent with a strict
 * Content-Security-Policy (scripts only from this site, plus one inline line with a per-response nonce).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { AppError } from '../../services/errors';
import { isOverdue, mayText } from '../../services/hub/queueService';
import { can } from '../../services/hub/roles';
import { councillorWeek } from '../../services/hub/wardFigures';
import { referralKind, referralStatus } from '../../services/referrals/model';
import type { App } from '../composition';
import {
  checkPreSessionToken,
  checkSessionToken,
  clearCookie,
  clientIp,
  cookieName,
  givenCsrf,
  preSessionToken,
  setSessionCookie,
  signedIn,
  type HubHttpContext,
  type SignedInRequest,
} from './hubHttp';
import { areaId, wardCode } from './hubSchemas';
import * as views from './hubViews';
import * as handoffViews from './handoffViews';
import type { SafeHtml } from './hubViews';
import { isOidcEnabled } from './hubOidc';
import { fromRoot } from '../../services/paths';

const GOVUK_DIST = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist', 'govuk');
const WEB_DIR = fromRoot('web', 'hub');

interface StaticFile {
  body: Buffer;
  type: string;
}

/** Loaded once: the stylesheet's asset URLs point at /assets/, which this server leaves to others, so they move. */
function loadStatic(): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const css = readFileSync(path.join(GOVUK_DIST, 'govuk-frontend.min.css'), 'utf8').replace(/url\(\/assets\//g, 'url(/hub/assets/');
  files.set('/hub/static/govuk-frontend.min.css', { body: Buffer.from(css), type: 'text/css; charset=utf-8' });
  files.set('/hub/static/govuk-frontend.min.js', { body: readFileSync(path.join(GOVUK_DIST, 'govuk-frontend.min.js')), type: 'text/javascript; charset=utf-8' });
  files.set('/hub/static/hub.js', { body: readFileSync(path.join(WEB_DIR, 'hub.js')), type: 'text/javascript; charset=utf-8' });
  files.set('/hub/static/hub.css', { body: readFileSync(path.join(WEB_DIR, 'hub.css')), type: 'text/css; charset=utf-8' });
  const types: Record<string, string> = { '.woff': 'font/woff', '.woff2': 'font/woff2', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };
  for (const folder of ['fonts', 'images']) {
    for (const name of readdirSync(path.join(GOVUK_DIST, 'assets', folder))) {
      const type = types[path.extname(name)];
      if (type) files.set(`/hub/assets/${folder}/${name}`, { body: readFileSync(path.join(GOVUK_DIST, 'assets', folder, name)), type });
    }
  }
  return files;
}

function securityHeaders(res: Response, nonce: string): void {
  res.header(
    'Content-Security-Policy',
    `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; ` +
      `frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'`,
  );
  res.header('X-Content-Type-Options', 'nosniff');
  res.header('Referrer-Policy', 'no-referrer');
  res.header('X-Frame-Options', 'DENY');
  res.header('Cache-Control', 'no-store');
}

function sendHtml(res: Response, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function redirect(res: Response, location: string): void {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

const STATUS_OF: Record<AppError['code'], number> = {
  'invalid-input': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'rate-limited': 429,
  unavailable: 503,
};

/** Console filters from the query string; blanks from the filter form mean "any". */
const consoleQuery = z.object({
  kind: referralKind.optional(),
  status: referralStatus.optional(),
  ward: wardCode.optional(),
  area: areaId.optional(),
  overdue: z.literal('true').optional(),
  assigned: z.enum(['me', 'nobody']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

function withoutBlanks(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (query && typeof query === 'object') {
    for (const [k, v] of Object.entries(query)) if (typeof v === 'string' && v !== '') out[k] = v;
  }
  return out;
}

function formField(req: Request, name: string): string | undefined {
  const body: unknown = req.body;
  if (!body || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

type PageHandler = (req: Request, res: Response, auth: SignedInRequest, render: Renderer) => Promise<void>;
type Renderer = (status: number, title: string, main: SafeHtml, extra?: { current?: 'queue' | 'handoffs' | 'team' | 'wards' | 'admin'; banner?: SafeHtml }) => void;

export function registerHubConsole(server: Server, app: App, ctx: HubHttpContext): void {
  const files = loadStatic();
  const serveStatic = async (req: Request, res: Response) => {
    const file = files.get(req.path());
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length, 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' });
    res.end(file.body);
  };
  server.get('/hub/static/*', serveStatic);
  server.get('/hub/assets/*', serveStatic);

  const council = app.profile.shortName;

  const renderer = (res: Response, nonce: string, auth: SignedInRequest | null): Renderer => (status, title, main, extra = {}) => {
    securityHeaders(res, nonce);
    sendHtml(
      res,
      status,
      views.layout(
        {
          title,
          nonce,
          actor: auth?.actor ?? null,
          ...(auth ? { csrf: auth.session.csrfToken } : {}),
          ...(extra.current ? { current: extra.current } : {}),
          ...(extra.banner ? { banner: extra.banner } : {}),
          councilName: council,
        },
        main,
      ),
    );
  };

  /** Signed-in pages: redirect to sign-in when not, check CSRF on POST, render AppErrors as a page. */
  const page = (method: 'get' | 'post', pathPattern: string, handler: PageHandler) => {
    server[method](pathPattern, async (req: Request, res: Response) => {
      const nonce = randomBytes(16).toString('base64');
      let auth: SignedInRequest | null = null;
      try {
        auth = await signedIn(req, ctx);
        if (!auth) {
          if (method === 'get') redirect(res, '/hub/login');
          else renderer(res, nonce, null)(401, 'Signed out', views.messagePage('You have been signed out', 'Sign in again to carry on.'));
          return;
        }
        if (method === 'post') checkSessionToken(auth.session, givenCsrf(req));
        await handler(req, res, auth, renderer(res, nonce, auth));
      } catch (err) {
        if (res.headersSent) return;
        if (err instanceof AppError) {
          renderer(res, nonce, auth)(STATUS_OF[err.code], 'There is a problem', views.messagePage('There is a problem', err.publicMessage));
          return;
        }
        app.logger.error({ errType: (err as Error).name }, 'hub console page failed');
        renderer(res, nonce, auth)(500, 'Sorry, there is a problem', views.messagePage('Sorry, there is a problem with the service', 'Try again later.'));
      }
    });
  };

  server.get('/hub', async (req: Request, res: Response) => {
    const auth = await signedIn(req, ctx);
    if (!auth) return redirect(res, '/hub/login');
    const role = auth.actor.role;
    redirect(res, can(role, 'queue.read') ? '/hub/queue' : role === 'councillor' ? '/hub/wards' : '/hub/admin');
  });

  server.get('/hub/login', async (req: Request, res: Response) => {
    const nonce = randomBytes(16).toString('base64');
    if (await signedIn(req, ctx)) return redirect(res, '/hub');
    const csrf = preSessionToken(req, res, ctx);
    renderer(res, nonce, null)(200, 'Sign in', views.loginPage({ csrf, oidc: isOidcEnabled(ctx) }));
  });

  server.post('/hub/login', async (req: Request, res: Response) => {
    const nonce = randomBytes(16).toString('base64');
    const email = formField(req, 'email') ?? '';
    const password = formField(req, 'password') ?? '';
    try {
      checkPreSessionToken(req, ctx, givenCsrf(req));
      if (!email || !password) throw new AppError('invalid-input', 'Enter your email address and password.');
      const result = await ctx.hub.staff.signInWithPassword(email.slice(0, 254), password.slice(0, 1024), clientIp(req, ctx));
      setSessionCookie(res, ctx, result.token);
      redirect(res, '/hub');
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const csrf = preSessionToken(req, res, ctx);
      renderer(res, nonce, null)(
        STATUS_OF[err.code],
        'Sign in',
        views.loginPage({ csrf, error: err.publicMessage, email: email.slice(0, 254), oidc: isOidcEnabled(ctx) }),
      );
    }
  });

  page('post', '/hub/logout', async (_req, res, auth) => {
    await ctx.hub.staff.signOut(auth.session, auth.actor);
    clearCookie(res, ctx, cookieName(ctx, 'session'));
    redirect(res, '/hub/login');
  });

  const staffEmails = async (): Promise<Map<string, string>> => new Map((await app.store.staff.list()).map((s) => [s.id, s.email]));

  const queueFor = async (req: Request, auth: SignedInRequest) => {
    const parsed = consoleQuery.safeParse(withoutBlanks(req.query));
    if (!parsed.success) throw new AppError('invalid-input', 'Those filters are not valid.');
    const f = parsed.data;
    const queue = await ctx.hub.queue.listQueue(auth.actor, {
      ...(f.kind ? { kind: [f.kind] } : {}),
      ...(f.status ? { status: [f.status] } : {}),
      ...(f.ward ? { wardCode: f.ward } : {}),
      ...(f.area ? { areaId: f.area } : {}),
      ...(f.overdue ? { overdue: true } : {}),
      ...(f.assigned ? { mine: f.assigned === 'me' } : {}),
      page: f.page,
      pageSize: 25,
    });
    const params = new URLSearchParams();
    for (const key of ['kind', 'status', 'ward', 'area', 'overdue', 'assigned'] as const) {
      const value = f[key];
      if (value) params.set(key, value);
    }
    return { queue, filters: f, query: params.toString() };
  };

  page('get', '/hub/queue', async (req, _res, auth, render) => {
    const { queue, filters, query } = await queueFor(req, auth);
    const notice = formNotice(req);
    render(
      200,
      'Referral queue',
      views.queuePage({
        csrf: auth.session.csrfToken,
        page: queue,
        filters: {
          ...(filters.kind ? { kind: filters.kind } : {}),
          ...(filters.status ? { status: filters.status } : {}),
          ...(filters.ward ? { ward: filters.ward } : {}),
          ...(filters.area ? { area: filters.area } : {}),
          ...(filters.overdue ? { overdue: true } : {}),
          ...(filters.assigned ? { assigned: filters.assigned } : {}),
        },
        wards: app.profile.wards,
        areas: { label: app.profile.areaLabel, list: app.profile.areas },
        staffEmails: await staffEmails(),
        query,
        ...(notice ? { error: notice } : {}),
      }),
      { current: 'queue' },
    );
  });

  /** The counts and table alone, for the live refresh. */
  page('get', '/hub/queue/results', async (req, res, auth) => {
    const { queue, query } = await queueFor(req, auth);
    securityHeaders(res, randomBytes(16).toString('base64'));
    sendHtml(res, 200, views.queueResults(queue, await staffEmails(), auth.session.csrfToken, query).value);
  });

  page('post', '/hub/queue/next', async (req, res, auth) => {
    const kind = referralKind.safeParse(formField(req, 'kind'));
    const ward = wardCode.safeParse(formField(req, 'ward'));
    try {
      const referral = await ctx.hub.queue.claimNext(auth.actor, {
        ...(kind.success ? { kind: [kind.data] } : {}),
        ...(ward.success ? { wardCode: ward.data } : {}),
      });
      redirect(res, `/hub/referrals/${referral.id}?done=claimed`);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not-found') return redirect(res, '/hub/queue?notice=empty');
      throw err;
    }
  });

  const referralView = async (auth: SignedInRequest, id: string, render: Renderer, status: number, extra: { errors?: { text: string; href?: string }[]; banner?: SafeHtml } = {}) => {
    const referral = await ctx.hub.queue.viewReferral(auth.actor, id);
    const assignable = auth.actor.role === 'hub-lead' ? await ctx.hub.queue.assignableStaff() : [];
    render(
      status,
      `Referral ${referral.reference}`,
      views.referralPage({
        actor: auth.actor,
        csrf: auth.session.csrfToken,
        referral,
        overdue: isOverdue(referral, app.clock.now().toISOString()),
        mayText: mayText(referral),
        staffEmails: await staffEmails(),
        assignable,
        wards: app.profile.wards,
        ...(extra.errors ? { errors: extra.errors } : {}),
      }),
      { current: 'queue', ...(extra.banner ? { banner: extra.banner } : {}) },
    );
  };

  const DONE_KEY = { claim: 'claimed', status: 'status', notes: 'note', assign: 'assigned', text: 'text', ward: 'ward' } as const;
  const DONE: Record<string, string> = {
    claimed: 'You have claimed this referral.',
    status: 'Status updated.',
    note: 'Note added.',
    assigned: 'Assignment updated.',
    text: 'Text sent.',
    ward: 'Ward updated.',
  };

  page('get', '/hub/referrals/:id', async (req, _res, auth, render) => {
    const done = typeof req.query?.['done'] === 'string' ? DONE[req.query['done'] as string] : undefined;
    await referralView(auth, String(req.params['id']), render, 200, done ? { banner: views.successBanner(done) } : {});
  });

  /** A form post on a referral: run the change, then back to the referral with a success banner or the error. */
  const referralAction = (action: keyof typeof DONE_KEY, field: string, run: (req: Request, auth: SignedInRequest, id: string) => Promise<unknown>) => {
    page('post', `/hub/referrals/:id/${action}`, async (req, res, auth, render) => {
      const id = String(req.params['id']);
      try {
        await run(req, auth, id);
        redirect(res, `/hub/referrals/${id}?done=${DONE_KEY[action]}`);
      } catch (err) {
        if (!(err instanceof AppError) || err.code === 'not-found' || err.code === 'forbidden') throw err;
        await referralView(auth, id, render, STATUS_OF[err.code], { errors: [{ text: err.publicMessage, href: `#${field}` }] });
      }
    });
  };

  referralAction('claim', 'main-content', (_req, auth, id) => ctx.hub.queue.claim(auth.actor, id));
  referralAction('status', 'status-to', async (req, auth, id) => {
    const to = referralStatus.safeParse(formField(req, 'to'));
    if (!to.success) throw new AppError('invalid-input', 'Choose the new status.');
    const outcome = formField(req, 'outcome');
    const why = formField(req, 'why');
    return ctx.hub.queue.changeStatus(auth.actor, id, {
      to: to.data,
      version: versionField(req),
      ...(outcome ? { outcome } : {}),
      ...(why ? { why: why.slice(0, 500) } : {}),
    });
  });
  referralAction('notes', 'note-text', (req, auth, id) => ctx.hub.queue.addNote(auth.actor, id, formField(req, 'text') ?? ''));
  referralAction('assign', 'assignee', (req, auth, id) => ctx.hub.queue.assign(auth.actor, id, formField(req, 'staffId') || null, versionField(req)));
  referralAction('text', 'text-message', (req, auth, id) => ctx.hub.queue.messageResident(auth.actor, id, formField(req, 'text') ?? ''));
  referralAction('ward', 'ward-code', async (req, auth, id) => {
    const ward = formField(req, 'ward') ?? '';
    if (!ward) throw new AppError('invalid-input', 'Choose a ward.');
    return ctx.hub.queue.setWard(auth.actor, id, { wardCode: ward.slice(0, 20), version: versionField(req), why: (formField(req, 'why') ?? '').slice(0, 501) });
  });

  // ---- live chats (issue 9) ----
  const handoffService = () => {
    if (!app.handoffs) throw new AppError('unavailable', 'Live chat with residents is turned off.');
    return app.handoffs;
  };
  const HANDOFF_DONE: Record<string, string> = {
    accepted: 'You have accepted this chat. The resident has been told a person has joined.',
    sent: 'Message sent.',
    ended: 'Chat ended. The resident has been told the automated assistant is back.',
    attached: 'The chat has been attached to the referral.',
  };

  page('get', '/hub/handoffs', async (_req, _res, auth, render) => {
    const items = await handoffService().list(auth.actor);
    render(200, 'Live chats', handoffViews.handoffListPage({ items, actor: auth.actor, csrf: auth.session.csrfToken, staffEmails: await staffEmails() }), { current: 'handoffs' });
  });

  const handoffView = async (auth: SignedInRequest, id: string, render: Renderer, status: number, extra: { errors?: { text: string; href?: string }[]; banner?: SafeHtml } = {}) => {
    const { handoff, prefill } = await handoffService().view(auth.actor, id);
    render(
      status,
      'Live chat',
      handoffViews.handoffPage({ handoff, prefill, actor: auth.actor, csrf: auth.session.csrfToken, staffEmails: await staffEmails(), ...(extra.errors ? { errors: extra.errors } : {}) }),
      { current: 'handoffs', ...(extra.banner ? { banner: extra.banner } : {}) },
    );
  };

  page('get', '/hub/handoffs/:id', async (req, _res, auth, render) => {
    const done = typeof req.query?.['done'] === 'string' ? HANDOFF_DONE[req.query['done'] as string] : undefined;
    await handoffView(auth, String(req.params['id']), render, 200, done ? { banner: views.successBanner(done) } : {});
  });

  const handoffAction = (action: string, field: string, run: (req: Request, auth: SignedInRequest, id: string) => Promise<string>) => {
    page('post', `/hub/handoffs/:id/${action}`, async (req, res, auth, render) => {
      const id = String(req.params['id']);
      try {
        redirect(res, await run(req, auth, id));
      } catch (err) {
        if (!(err instanceof AppError) || err.code === 'not-found' || err.code === 'forbidden') throw err;
        await handoffView(auth, id, render, STATUS_OF[err.code], { errors: [{ text: err.publicMessage, href: `#${field}` }] });
      }
    });
  };
  handoffAction('accept', 'main-content', async (_req, auth, id) => {
    await handoffService().accept(auth.actor, id);
    return `/hub/handoffs/${id}?done=accepted`;
  });
  handoffAction('messages', 'handoff-message', async (req, auth, id) => {
    await handoffService().send(auth.actor, id, formField(req, 'text') ?? '');
    return `/hub/handoffs/${id}?done=sent`;
  });
  handoffAction('end', 'main-content', async (_req, auth, id) => {
    await handoffService().end(auth.actor, id);
    return `/hub/handoffs/${id}?done=ended`;
  });
  handoffAction('referral', 'ref-name', async (req, auth, id) => {
    const kind = formField(req, 'kind') === 'cost-of-living' ? 'cost-of-living' : 'befriending';
    const name = (formField(req, 'name') ?? '').trim();
    if (!name || name.length > 100) throw new AppError('invalid-input', "Enter the resident's name.");
    if (formField(req, 'consent') !== 'true') throw new AppError('invalid-input', 'Confirm the resident agreed to the hub keeping their details.');
    const notes = (formField(req, 'notes') ?? '').trim().slice(0, 1000);
    const referral = await handoffService().toReferral(auth.actor, id, { kind, name, phone: formField(req, 'phone') ?? '', consent: true, ...(notes ? { notes } : {}) });
    return `/hub/referrals/${referral.id}?done=claimed`;
  });
  handoffAction('attach', 'attach-reference', async (req, auth, id) => {
    const reference = (formField(req, 'reference') ?? '').trim();
    if (!/^HUB-[0-9A-Za-z]{6}$/.test(reference)) throw new AppError('invalid-input', 'Enter a reference like HUB-7K3Q9X.');
    await handoffService().attach(auth.actor, id, reference);
    return `/hub/handoffs/${id}?done=attached`;
  });

  page('get', '/hub/team', async (_req, _res, auth, render) => {
    const { rows, overdueUnassigned } = await ctx.hub.queue.workload(auth.actor);
    render(200, 'Team workload', views.teamPage(rows, overdueUnassigned), { current: 'team' });
  });

  page('get', '/hub/wards', async (_req, _res, auth, render) => {
    if (auth.actor.role !== 'councillor') throw new AppError('forbidden', 'This page is for councillors.');
    const stats = [];
    for (const ward of auth.actor.wards) {
      if (!app.profile.wardByCode(ward)) continue;
      const figures = await ctx.hub.queue.wardStats(auth.actor, ward, {});
      if (figures.precision === 'suppressed') stats.push(figures);
    }
    render(200, 'Ward figures', views.wardsPage(councillorWeek({}, app.clock.now()).label, stats), { current: 'wards' });
  });

  page('get', '/hub/admin', async (_req, _res, auth, render) => {
    if (!can(auth.actor.role, 'sar.manage')) throw new AppError('forbidden', 'This page is for administrators.');
    render(200, 'Administration', views.adminPage({ csrf: auth.session.csrfToken }), { current: 'admin' });
  });

  page('post', '/hub/admin/subject-access', async (req, res, auth, render) => {
    const phone = formField(req, 'phone')?.trim() || undefined;
    const email = formField(req, 'email')?.trim() || undefined;
    const query = { ...(phone ? { phone } : {}), ...(email ? { email } : {}) };
    try {
      if (formField(req, 'action') === 'erase') {
        if (formField(req, 'confirm') !== 'true') throw new AppError('invalid-input', 'Tick the box to confirm the erasure.');
        const erased = await ctx.hub.subjectAccess.eraseFor(auth.actor, query);
        render(200, 'Administration', views.adminPage({ csrf: auth.session.csrfToken, erased }), { current: 'admin' });
        return;
      }
      const data = await ctx.hub.subjectAccess.exportFor(auth.actor, query);
      const body = JSON.stringify(data, null, 2);
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Disposition': 'attachment; filename="subject-access-export.json"',
        'Cache-Control': 'no-store',
      });
      res.end(body);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'forbidden') throw err;
      render(STATUS_OF[err.code], 'Administration', views.adminPage({ csrf: auth.session.csrfToken, errors: [{ text: err.publicMessage, href: '#sar-phone' }] }), { current: 'admin' });
    }
  });
}

function versionField(req: Request): number {
  const version = Number(formField(req, 'version'));
  if (!Number.isInteger(version) || version < 0) throw new AppError('invalid-input', 'Reload the referral and try again.');
  return version;
}

function formNotice(req: Request): string | undefined {
  return req.query?.['notice'] === 'empty' ? 'There are no new referrals waiting that match.' : undefined;
}
