/**
 * The staff REST API under /api/hub/. Each endpoint is one entry in {@link HUB_API_ROUTES}: method, path, who may
 * call it, the zod schemas of its query and body, and a handler that calls one use case. One wrapper does the rest
 * for every endpoint, in this order: sign-in → role → CSRF (state-changing methods) → validation → handler, and
 * errors go through bot/httpErrors.ts. The OpenAPI document is generated from the same table.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { AppError } from '../../services/errors';
import { isOverdue, mayText } from '../../services/hub/queueService';
import { can, type Capability } from '../../services/hub/roles';
import type { StaffUser } from '../../services/store/types';
import type { App } from '../composition';
import { sendError } from '../httpErrors';
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
import * as schemas from './hubSchemas';

export type Access = Capability | 'public' | 'signed-in';

export interface ApiCall<Q, B> {
  req: Request;
  res: Response;
  auth: SignedInRequest | null;
  query: Q;
  body: B;
  params: Record<string, string>;
}

/** Returned by a handler that wrote its own response (the event stream). */
export const STREAMED = Symbol('streamed');

export interface ApiRoute<Q = unknown, B = unknown> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI style: `/api/hub/referrals/{id}`. */
  path: string;
  summary: string;
  access: Access;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response?: z.ZodType;
  status?: number;
  handle(call: ApiCall<Q, B>, ctx: HubHttpContext, app: App): Promise<unknown>;
}

function route<QS extends z.ZodType | undefined = undefined, BS extends z.ZodType | undefined = undefined>(definition: {
  method: ApiRoute['method'];
  path: string;
  summary: string;
  access: Access;
  query?: QS;
  body?: BS;
  response?: z.ZodType;
  status?: number;
  handle(
    call: ApiCall<QS extends z.ZodType ? z.output<QS> : undefined, BS extends z.ZodType ? z.output<BS> : undefined>,
    ctx: HubHttpContext,
    app: App,
  ): Promise<unknown>;
}): ApiRoute {
  return definition as unknown as ApiRoute;
}

function actorOf(call: { auth: SignedInRequest | null }): SignedInRequest['actor'] {
  if (!call.auth) throw new AppError('unauthenticated', 'Sign in first.');
  return call.auth.actor;
}

export function staffView(user: StaffUser): z.infer<typeof schemas.staffView> {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    wards: user.wards,
    disabled: user.disabled,
    lockedUntil: user.lockedUntil,
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt,
  };
}

const idParam = (call: { params: Record<string, string> }): string => {
  const id = call.params['id'] ?? '';
  if (!/^[A-Za-z0-9-]{1,100}$/.test(id)) throw new AppError('not-found', 'There is no such referral.');
  return id;
};

export const HUB_API_ROUTES: readonly ApiRoute[] = [
  route({
    method: 'get',
    path: '/api/hub/session',
    summary: 'Who is signed in, and the CSRF token to send with state-changing requests (X-CSRF-Token).',
    access: 'public',
    response: schemas.sessionView,
    async handle({ req, res }, ctx) {
      const auth = await signedIn(req, ctx);
      if (auth) return { signedIn: true, csrfToken: auth.session.csrfToken, staff: staffView(auth.user) };
      return { signedIn: false, csrfToken: preSessionToken(req, res, ctx) };
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/session',
    summary: 'Sign in with email and password (local accounts). Send the token from GET /api/hub/session as X-CSRF-Token.',
    access: 'public',
    body: schemas.loginBody,
    response: schemas.sessionView,
    async handle({ req, res, body }, ctx) {
      checkPreSessionToken(req, ctx, givenCsrf(req));
      const result = await ctx.hub.staff.signInWithPassword(body.email, body.password, clientIp(req, ctx));
      setSessionCookie(res, ctx, result.token);
      return { signedIn: true, csrfToken: result.session.csrfToken, staff: staffView(result.user) };
    },
  }),
  route({
    method: 'delete',
    path: '/api/hub/session',
    summary: 'Sign out.',
    access: 'signed-in',
    async handle(call, ctx) {
      const auth = call.auth;
      if (auth) await ctx.hub.staff.signOut(auth.session, auth.actor);
      clearCookie(call.res, ctx, cookieName(ctx, 'session'));
      return { signedIn: false };
    },
  }),
  route({
    method: 'get',
    path: '/api/hub/referrals',
    summary: 'The queue: urgent first, then oldest; open referrals unless a status is given; with counts.',
    access: 'queue.read',
    query: schemas.queueQuery,
    response: schemas.queuePageView,
    async handle(call, ctx) {
      const q = call.query;
      return ctx.hub.queue.listQueue(actorOf(call), {
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.ward ? { wardCode: q.ward } : {}),
        ...(q.area ? { areaId: q.area } : {}),
        ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
        ...(q.urgent !== undefined ? { urgent: q.urgent } : {}),
        ...(q.assigned ? { mine: q.assigned === 'me' } : {}),
        page: q.page,
        pageSize: q.pageSize,
      });
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/referrals/next',
    summary: 'Pick up the next new referral (urgent first, then oldest), optionally of some kinds or a ward.',
    access: 'referral.claim',
    body: schemas.claimNextBody,
    response: schemas.referralView,
    async handle(call, ctx, app) {
      const referral = await ctx.hub.queue.claimNext(actorOf(call), {
        ...(call.body.kind ? { kind: call.body.kind } : {}),
        ...(call.body.ward ? { wardCode: call.body.ward } : {}),
      });
      return referralResponse(referral, app);
    },
  }),
  route({
    method: 'get',
    path: '/api/hub/referrals/{id}',
    summary: "One referral with the resident's answers, contact, consent, notes and history. Audited.",
    access: 'referral.read',
    response: schemas.referralView,
    async handle(call, ctx, app) {
      return referralResponse(await ctx.hub.queue.viewReferral(actorOf(call), idParam(call)), app);
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/referrals/{id}/claim',
    summary: 'Claim this referral. 409 if someone else already has.',
    access: 'referral.claim',
    response: schemas.referralView,
    async handle(call, ctx, app) {
      return referralResponse(await ctx.hub.queue.claim(actorOf(call), idParam(call)), app);
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/referrals/{id}/status',
    summary: 'Move the referral along new → claimed → in-progress → referred-on | closed (outcome required); back to new by a lead.',
    access: 'referral.work',
    body: schemas.statusBody,
    response: schemas.referralView,
    async handle(call, ctx, app) {
      const { to, version, outcome, why } = call.body;
      const referral = await ctx.hub.queue.changeStatus(actorOf(call), idParam(call), {
        to,
        version,
        ...(outcome ? { outcome } : {}),
        ...(why ? { why } : {}),
      });
      return referralResponse(referral, app);
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/referrals/{id}/notes',
    summary: 'Add a note.',
    access: 'referral.work',
    body: schemas.noteBody,
    status: 201,
    response: schemas.referralView,
    async handle(call, ctx, app) {
      return referralResponse(await ctx.hub.queue.addNote(actorOf(call), idParam(call), call.body.text), app);
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/referrals/{id}/assign',
    summary: 'Assign to a hub worker or lead, or put back in the queue (staffId null). Leads only.',
    access: 'referral.assign',
    body: schemas.assignBody,
    response: schemas.referralView,
    async handle(call, ctx, app) {
      return referralResponse(await ctx.hub.queue.assign(actorOf(call), idParam(call), call.body.staffId, call.body.version), app);
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/referrals/{id}/ward',
    summary: "Set or correct the referral's ward, from the council's ward list (400 for any other code). The holder or a lead; the reason is kept in its history.",
    access: 'referral.work',
    body: schemas.wardBody,
    response: schemas.referralView,
    async handle(call, ctx, app) {
      const { ward, version, why } = call.body;
      return referralResponse(await ctx.hub.queue.setWard(actorOf(call), idParam(call), { wardCode: ward, version, why }), app);
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/referrals/{id}/messages',
    summary: 'Send the resident a text, if they agreed to texts. 503 until the SMS channel is connected.',
    access: 'referral.work',
    body: schemas.messageBody,
    status: 202,
    async handle(call, ctx) {
      return ctx.hub.queue.messageResident(actorOf(call), idParam(call), call.body.text);
    },
  }),
  route({
    method: 'get',
    path: '/api/hub/workload',
    summary: "The team's open referrals per person and status, with overdue counts. Leads only.",
    access: 'team.workload',
    response: schemas.workloadView,
    async handle(call, ctx) {
      return ctx.hub.queue.workload(actorOf(call));
    },
  }),
  route({
    method: 'get',
    path: '/api/hub/staff',
    summary: 'Staff accounts (leads: to assign work; admins: to manage accounts).',
    access: 'staff.list',
    response: z.object({ items: z.array(schemas.staffView) }),
    async handle(call, ctx) {
      const actor = actorOf(call);
      const staff = await ctx.hub.staff.listStaff();
      await ctx.hub.auditor.record(actor, 'hub.staff.listed', null, { count: staff.length });
      return { items: staff.map(staffView) };
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/staff',
    summary: 'Create a staff account. Admins only.',
    access: 'staff.manage',
    body: schemas.createStaffBody,
    status: 201,
    response: schemas.staffView,
    async handle(call, ctx) {
      const { email, role, wards, password } = call.body;
      const user = await ctx.hub.staff.createStaff(
        { email, role, ...(wards ? { wards } : {}), ...(password ? { password } : {}) },
        actorOf(call),
      );
      return staffView(user);
    },
  }),
  route({
    method: 'patch',
    path: '/api/hub/staff/{id}',
    summary: 'Change a staff account: role, wards, disabled, password. Admins only.',
    access: 'staff.manage',
    body: schemas.updateStaffBody,
    response: schemas.staffView,
    async handle(call, ctx) {
      const id = call.params['id'] ?? '';
      const { role, wards, disabled, password } = call.body;
      const user = await ctx.hub.staff.updateStaff(
        id,
        {
          ...(role ? { role } : {}),
          ...(wards ? { wards } : {}),
          ...(disabled !== undefined ? { disabled } : {}),
          ...(password ? { password } : {}),
        },
        actorOf(call),
      );
      return staffView(user);
    },
  }),
  route({
    method: 'get',
    path: '/api/hub/wards/{ward}/stats',
    summary:
      "Counts for one ward (no resident's details). Councillors: their own wards only, one ended week (the one containing `from`, default last week), 1 to 4 shown as fewer than 5; `to` is refused.",
    access: 'wards.stats',
    query: schemas.wardStatsQuery,
    response: schemas.wardStatsView,
    async handle(call, ctx) {
      const ward = schemas.wardCode.safeParse(call.params['ward']);
      if (!ward.success) throw new AppError('not-found', 'There is no such ward in this council.');
      return ctx.hub.queue.wardStats(actorOf(call), ward.data, {
        ...(call.query.from ? { from: call.query.from } : {}),
        ...(call.query.to ? { to: call.query.to } : {}),
      });
    },
  }),
  route({
    method: 'get',
    path: '/api/hub/audit',
    summary: 'The audit log, newest last. Admins only.',
    access: 'audit.read',
    query: schemas.auditQuery,
    async handle(call, ctx, app) {
      const actor = actorOf(call);
      const items = await app.store.audit.list({
        ...(call.query.subject ? { subject: call.query.subject } : {}),
        ...(call.query.action ? { action: call.query.action } : {}),
        limit: call.query.limit,
      });
      await ctx.hub.auditor.record(actor, 'hub.audit.viewed', null, { shown: items.length });
      return { items };
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/subject-access/export',
    summary: 'Everything held about a resident, found by phone number or email. Admins only. POST keeps the identifier out of URLs and logs.',
    access: 'sar.manage',
    body: schemas.subjectBody,
    async handle(call, ctx) {
      return ctx.hub.subjectAccess.exportFor(actorOf(call), call.body);
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/subject-access/erase',
    summary: "Erase a resident's referrals and conversation state (confirm: true). Leaves an audit entry with counts only.",
    access: 'sar.manage',
    body: schemas.eraseBody,
    async handle(call, ctx) {
      const { phone, email } = call.body;
      return ctx.hub.subjectAccess.eraseFor(actorOf(call), { ...(phone ? { phone } : {}), ...(email ? { email } : {}) });
    },
  }),
  // ---- live handoffs (issue 9) ----
  route({
    method: 'get',
    path: '/api/hub/handoffs',
    summary: 'Residents waiting to talk to a person (urgent first, then oldest), and the live chats you hold (leads: all).',
    access: 'handoff.work',
    response: schemas.handoffListView,
    async handle(call, _ctx, app) {
      return { items: await handoffsOf(app).list(actorOf(call)) };
    },
  }),
  route({
    method: 'get',
    path: '/api/hub/handoffs/{id}',
    summary: "One live chat: the conversation so far, the journey's answers, and what a referral would be prefilled with. Audited.",
    access: 'handoff.work',
    response: schemas.handoffView,
    async handle(call, _ctx, app) {
      return handoffsOf(app).view(actorOf(call), handoffId(call));
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/handoffs/{id}/accept',
    summary: 'Take the conversation: the bot goes quiet and the resident is told a person has joined. 409 if someone else already has.',
    access: 'handoff.work',
    response: schemas.handoffView.shape.handoff,
    async handle(call, _ctx, app) {
      return handoffsOf(app).accept(actorOf(call), handoffId(call));
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/handoffs/{id}/messages',
    summary: "Send the resident a message on their own channel (SMS through the outbox, with the opt-out check; web chat through Direct Line). Holder only.",
    access: 'handoff.work',
    body: schemas.handoffMessageBody,
    status: 201,
    response: schemas.transcriptLineView,
    async handle(call, _ctx, app) {
      return handoffsOf(app).send(actorOf(call), handoffId(call), call.body.text);
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/handoffs/{id}/end',
    summary: 'End the live chat: the bot tells the resident and is back. Holder, or a lead.',
    access: 'handoff.work',
    response: schemas.handoffView.shape.handoff,
    async handle(call, _ctx, app) {
      return handoffsOf(app).end(actorOf(call), handoffId(call));
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/handoffs/{id}/referral',
    summary: 'Make a referral from the conversation (claimed for you), with the consent the resident gave you in the chat. One per chat.',
    access: 'handoff.work',
    body: schemas.handoffReferralBody,
    status: 201,
    response: schemas.referralView,
    async handle(call, _ctx, app) {
      const { kind, name, phone, notes } = call.body;
      const referral = await handoffsOf(app).toReferral(actorOf(call), handoffId(call), { kind, name, phone, consent: true, ...(notes ? { notes } : {}) });
      return referralResponse(referral, app);
    },
  }),
  route({
    method: 'post',
    path: '/api/hub/handoffs/{id}/attach',
    summary: 'Attach the conversation to an existing referral: its transcript becomes a note on it.',
    access: 'handoff.work',
    body: schemas.handoffAttachBody,
    response: schemas.referralView,
    async handle(call, _ctx, app) {
      return referralResponse(await handoffsOf(app).attach(actorOf(call), handoffId(call), call.body.reference), app);
    },
  }),
  route({
    method: 'get',
    path: '/api/hub/handoffs/{id}/events',
    summary: "Server-sent events for the worker holding a live chat (or a lead): message (the resident's words as they arrive), safeguarding, ended.",
    access: 'handoff.work',
    async handle(call, ctx, app) {
      const handoff = await handoffsOf(app).authoriseStream(actorOf(call), handoffId(call));
      streamHandoff(call.req, call.res, app, handoff.id);
      return STREAMED;
    },
  }),
  route({
    method: 'get',
    path: '/api/hub/events',
    summary:
      'Server-sent events: referral.created, referral.updated (ids and queue facts only), safeguarding.alert (conversation id and risk category only), and handoff.waiting, handoff.accepted, handoff.ended, handoff.alert (ids only).',
    access: 'events.subscribe',
    async handle(call, ctx) {
      await ctx.hub.auditor.record(actorOf(call), 'hub.events.subscribed', null);
      streamEvents(call.req, call.res, ctx);
      return STREAMED;
    },
  }),
];

function handoffsOf(app: App): NonNullable<App['handoffs']> {
  if (!app.handoffs) throw new AppError('unavailable', 'Live chat with residents is turned off (HANDOFF_MODE=off).');
  return app.handoffs;
}

const handoffId = (call: { params: Record<string, string> }): string => {
  const id = call.params['id'] ?? '';
  if (!/^[A-Za-z0-9-]{1,100}$/.test(id)) throw new AppError('not-found', 'There is no such conversation.');
  return id;
};

function streamHandoff(req: Request, res: Response, app: App, id: string): void {
  openStream(res);
  const unsubscribe = app.handoffStream.subscribe(id, (event) => {
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  req.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}

function openStream(res: Response): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 5000\n\n');
}

function referralResponse(referral: Parameters<typeof mayText>[0], app: App): z.infer<typeof schemas.referralView> {
  return { referral, overdue: isOverdue(referral, app.clock.now().toISOString()), mayText: mayText(referral) };
}

const HEARTBEAT_MS = 25_000;

function streamEvents(req: Request, res: Response, ctx: HubHttpContext): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 5000\n\n');
  const unsubscribe = ctx.hub.events.subscribe((event) => {
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  req.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: 'query' | 'body'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError('invalid-input', where === 'body' ? 'The request body is not valid.' : 'The query is not valid.', {
    details: result.error.issues.map((issue) => ({ path: issue.path.join('.'), problem: issue.message })),
  });
}

export function restifyPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ':$1');
}

export function registerHubApi(server: Server, app: App, ctx: HubHttpContext): void {
  // Registered in order, so `/referrals/next` is matched before `/referrals/:id`.
  for (const r of HUB_API_ROUTES) {
    server[r.method === 'delete' ? 'del' : r.method](restifyPath(r.path), async (req: Request, res: Response) => {
      res.header('Cache-Control', 'no-store');
      try {
        let auth: SignedInRequest | null = null;
        if (r.access !== 'public') {
          auth = await signedIn(req, ctx);
          if (!auth) throw new AppError('unauthenticated', 'Sign in first.');
          if (r.access !== 'signed-in' && !can(auth.actor.role, r.access)) throw new AppError('forbidden', 'Your role cannot do that.');
          if (r.method !== 'get') checkSessionToken(auth.session, givenCsrf(req));
        }
        const query = r.query ? parseOrThrow(r.query, req.query ?? {}, 'query') : undefined;
        const body = r.body ? parseOrThrow(r.body, req.body ?? {}, 'body') : undefined;
        const result = await r.handle({ req, res, auth, query, body, params: (req.params ?? {}) as Record<string, string> }, ctx, app);
        if (result === STREAMED) return;
        res.status(r.status ?? 200);
        res.json(result);
      } catch (err) {
        if (!res.headersSent) sendError(res, err, app.logger);
      }
    });
  }
}
