/**
 * The staff API against the real server and the embedded store: who may call what (the authorisation matrix),
 * CSRF, validation, sign-in and lockout, the referral's life through the API, audit, and live events.
 */
import assert from 'node:assert/strict';
import { HUB_API_ROUTES } from '../bot/routes/hubApi';
import type { Handoff } from '../services/handoff/model';
import type { Referral } from '../services/referrals/model';
import type { StaffRole, StaffUser } from '../services/store/types';
import { TEST_PASSWORD, clientWithSession, createStaff, createStaffFast, HubClient } from './support/hubClient';
import { periodFromDays } from '../services/digests/period';
import { UNKNOWN_WARD } from '../services/digests/service';
import { makeReferral, numbered } from './support/referralFactory';
import { startTestApp, type TestApp } from './support/testApp';

type Who = StaffRole | 'anonymous';
const ROLES: StaffRole[] = ['hub-worker', 'hub-lead', 'councillor', 'admin'];
const WORKERS: StaffRole[] = ['hub-worker', 'hub-lead'];

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

interface Cell {
  path: string;
  body?: unknown;
}

/**
 * The authorisation matrix: every endpoint, who may call it, and what a permitted call answers. Everyone else gets
 * 403 when signed in and 401 when not. `prepare` makes the state one permitted call needs (a fresh referral each
 * time, so cells do not depend on each other).
 */
interface MatrixRow {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The route as registered, to check the table covers every route. */
  route: string;
  allowed: StaffRole[] | 'everyone';
  ok: number;
  /** For rows that cannot be a plain request (sign-in needs its pre-session token first). */
  call?(ctx: { t: TestApp; who: Who; n: number }): Promise<number>;
  prepare(ctx: { t: TestApp; user: StaffUser; n: number; users: Record<StaffRole, StaffUser> }): Promise<Cell>;
}

const BOSTON_CASTLE: Referral['ward'] = { code: 'E05012996', name: 'Boston Castle', source: 'postcode-table' };
const UNKNOWN: Referral['ward'] = { code: null, name: null, source: 'unknown' };
/** In the week before TEST_NOW (Monday 16 November 2026): the last week a councillor may see. */
const LAST_WEEK = '2026-11-10T10:00:00.000Z';

async function freshReferral(t: TestApp, n: number, overrides: Partial<Referral> = {}): Promise<Referral> {
  const referral = makeReferral({ ...numbered(n), ...overrides });
  await t.app.store.referrals.insertIfAbsent(referral);
  return referral;
}

const mine = (user: StaffUser): Partial<Referral> => ({
  status: 'claimed',
  assignee: user.id,
  version: 1,
  contact: { anonymous: false, name: 'Test Resident', method: 'sms', phone: '07700 900123', bestTime: 'any' },
});

const MATRIX: MatrixRow[] = [
  { method: 'GET', route: '/api/hub/session', allowed: 'everyone', ok: 200, prepare: async () => ({ path: '/api/hub/session' }) },
  {
    // Public: whoever signs in, with any role, gets a session.
    method: 'POST', route: '/api/hub/session', allowed: 'everyone', ok: 200,
    prepare: async () => ({ path: '/api/hub/session' }),
    call: async ({ t, who, n }) => {
      const email = `signin-${n}@example.org`;
      await createStaff(t.app, who === 'anonymous' ? 'hub-worker' : who, email);
      return (await new HubClient(t.url).signIn(email, TEST_PASSWORD)).status;
    },
  },
  { method: 'DELETE', route: '/api/hub/session', allowed: ROLES, ok: 200, prepare: async () => ({ path: '/api/hub/session' }) },
  { method: 'GET', route: '/api/hub/referrals', allowed: WORKERS, ok: 200, prepare: async () => ({ path: '/api/hub/referrals?kind=asb&overdue=true' }) },
  {
    method: 'POST', route: '/api/hub/referrals/next', allowed: WORKERS, ok: 200,
    prepare: async ({ t, n }) => {
      await freshReferral(t, n, { kind: 'cost-of-living', answers: { kind: 'cost-of-living', needs: ['food'], postcode: 'S60 1AE', signposted: [], notes: null } });
      return { path: '/api/hub/referrals/next', body: { kind: ['cost-of-living'] } };
    },
  },
  { method: 'GET', route: '/api/hub/referrals/{id}', allowed: WORKERS, ok: 200, prepare: async ({ t, n }) => ({ path: `/api/hub/referrals/${(await freshReferral(t, n)).id}` }) },
  { method: 'POST', route: '/api/hub/referrals/{id}/claim', allowed: WORKERS, ok: 200, prepare: async ({ t, n }) => ({ path: `/api/hub/referrals/${(await freshReferral(t, n)).id}/claim` }) },
  {
    method: 'POST', route: '/api/hub/referrals/{id}/status', allowed: WORKERS, ok: 200,
    prepare: async ({ t, n, user }) => ({ path: `/api/hub/referrals/${(await freshReferral(t, n, mine(user))).id}/status`, body: { to: 'in-progress', version: 1 } }),
  },
  {
    method: 'POST', route: '/api/hub/referrals/{id}/notes', allowed: WORKERS, ok: 201,
    prepare: async ({ t, n, user }) => ({ path: `/api/hub/referrals/${(await freshReferral(t, n, mine(user))).id}/notes`, body: { text: 'Rang, no answer.' } }),
  },
  {
    method: 'POST', route: '/api/hub/referrals/{id}/assign', allowed: ['hub-lead'], ok: 200,
    prepare: async ({ t, n, users }) => ({ path: `/api/hub/referrals/${(await freshReferral(t, n)).id}/assign`, body: { staffId: users['hub-worker'].id, version: 0 } }),
  },
  {
    // Leads may set any referral's ward; a worker only on one they hold (which `mine` makes it).
    method: 'POST', route: '/api/hub/referrals/{id}/ward', allowed: WORKERS, ok: 200,
    prepare: async ({ t, n, user }) => ({
      path: `/api/hub/referrals/${(await freshReferral(t, n, { ...mine(user), ward: UNKNOWN })).id}/ward`,
      body: { ward: BOSTON_CASTLE.code, version: 1, why: 'Resident gave their address on the phone.' },
    }),
  },
  {
    // Permitted, and then refused as it must be until the SMS channel is connected.
    method: 'POST', route: '/api/hub/referrals/{id}/messages', allowed: WORKERS, ok: 503,
    prepare: async ({ t, n, user }) => ({ path: `/api/hub/referrals/${(await freshReferral(t, n, mine(user))).id}/messages`, body: { text: 'We will ring you at 2pm.' } }),
  },
  { method: 'GET', route: '/api/hub/workload', allowed: ['hub-lead'], ok: 200, prepare: async () => ({ path: '/api/hub/workload' }) },
  { method: 'GET', route: '/api/hub/staff', allowed: ['hub-lead', 'admin'], ok: 200, prepare: async () => ({ path: '/api/hub/staff' }) },
  {
    method: 'POST', route: '/api/hub/staff', allowed: ['admin'], ok: 201,
    prepare: async ({ n }) => ({ path: '/api/hub/staff', body: { email: `new-${n}@example.org`, role: 'hub-worker', password: TEST_PASSWORD } }),
  },
  {
    method: 'PATCH', route: '/api/hub/staff/{id}', allowed: ['admin'], ok: 200,
    prepare: async ({ t, n }) => ({ path: `/api/hub/staff/${(await createStaffFast(t.app, 'hub-worker', 1000 + n)).id}`, body: { disabled: true } }),
  },
  { method: 'GET', route: '/api/hub/wards/{ward}/stats', allowed: ['councillor', 'hub-lead', 'admin'], ok: 200, prepare: async () => ({ path: '/api/hub/wards/E05012996/stats' }) },
  { method: 'GET', route: '/api/hub/audit', allowed: ['admin'], ok: 200, prepare: async () => ({ path: '/api/hub/audit?limit=5' }) },
  { method: 'POST', route: '/api/hub/subject-access/export', allowed: ['admin'], ok: 200, prepare: async () => ({ path: '/api/hub/subject-access/export', body: { email: 'nobody@example.org' } }) },
  {
    method: 'POST', route: '/api/hub/subject-access/erase', allowed: ['admin'], ok: 200,
    prepare: async () => ({ path: '/api/hub/subject-access/erase', body: { email: 'nobody@example.org', confirm: true } }),
  },
  { method: 'GET', route: '/api/hub/events', allowed: WORKERS, ok: 200, prepare: async () => ({ path: '/api/hub/events' }) },
  // ---- live handoffs (issue 9): workers and leads; councillors and admins never see a resident's words ----
  { method: 'GET', route: '/api/hub/handoffs', allowed: WORKERS, ok: 200, prepare: async () => ({ path: '/api/hub/handoffs' }) },
  { method: 'GET', route: '/api/hub/handoffs/{id}', allowed: WORKERS, ok: 200, prepare: async ({ t, n }) => ({ path: `/api/hub/handoffs/${(await freshHandoff(t, n)).id}` }) },
  { method: 'POST', route: '/api/hub/handoffs/{id}/accept', allowed: WORKERS, ok: 200, prepare: async ({ t, n }) => ({ path: `/api/hub/handoffs/${(await freshHandoff(t, n)).id}/accept` }) },
  {
    method: 'POST', route: '/api/hub/handoffs/{id}/messages', allowed: WORKERS, ok: 201,
    prepare: async ({ t, n, user }) => ({ path: `/api/hub/handoffs/${(await freshHandoff(t, n, user)).id}/messages`, body: { text: 'Hello, this is the hub.' } }),
  },
  { method: 'POST', route: '/api/hub/handoffs/{id}/end', allowed: WORKERS, ok: 200, prepare: async ({ t, n, user }) => ({ path: `/api/hub/handoffs/${(await freshHandoff(t, n, user)).id}/end` }) },
  {
    method: 'POST', route: '/api/hub/handoffs/{id}/referral', allowed: WORKERS, ok: 201,
    prepare: async ({ t, n, user }) => ({
      path: `/api/hub/handoffs/${(await freshHandoff(t, n, user)).id}/referral`,
      body: { kind: 'befriending', name: 'Test Resident', phone: '07700 900123', consent: true },
    }),
  },
  {
    method: 'POST', route: '/api/hub/handoffs/{id}/attach', allowed: WORKERS, ok: 200,
    prepare: async ({ t, n, user }) => ({ path: `/api/hub/handoffs/${(await freshHandoff(t, n, user)).id}/attach`, body: { reference: (await freshReferral(t, n)).reference } }),
  },
  { method: 'GET', route: '/api/hub/handoffs/{id}/events', allowed: WORKERS, ok: 200, prepare: async ({ t, n, user }) => ({ path: `/api/hub/handoffs/${(await freshHandoff(t, n, user)).id}/events` }) },
];

/**
 * A handoff straight into the store: waiting, or (with `holder`) accepted by them. Its resident is reached through the
 * embedded Direct Line, whose log is made here too, so a worker's message has somewhere to go.
 */
async function freshHandoff(t: TestApp, n: number, holder?: StaffUser): Promise<Handoff> {
  const conversationId = `matrix-${n}-${'x'.repeat(20)}`;
  await t.app.store.botState.write(`directline/log/${conversationId}`, { createdAt: t.app.clock.now().toISOString(), userId: 'dl_resident', activities: [] });
  const at = t.app.clock.now().toISOString();
  const reference = { channelId: 'webchat', serviceUrl: 'urn:community-hub-bot:directline', conversation: { id: conversationId }, bot: { id: 'community-hub-bot', role: 'bot' }, user: { id: 'dl_resident', role: 'user' } };
  const { handoff } = await t.app.store.handoffs.openIfNone({
    id: `handoff-${n}`, conversationId, channel: 'webchat', address: { kind: 'embedded-directline', reference }, mode: 'console', status: 'waiting', urgent: false,
    requestedAt: at, acceptedAt: null, acceptedBy: null, endedAt: null, endReason: null, lastActivityAt: at, journey: {}, referralId: null, transcript: [],
  });
  return holder ? ((await t.app.store.handoffs.accept(handoff.id, holder.id, at)) ?? handoff) : handoff;
}

/** The event stream never ends by itself: read the status, then hang up. */
async function statusOfStream(client: HubClient, path: string): Promise<number> {
  const controller = new AbortController();
  const cookie = client.cookie('hub_session');
  const res = await fetch(`${client.baseUrl}${path}`, { headers: cookie ? { cookie: `hub_session=${cookie}` } : {}, signal: controller.signal });
  controller.abort();
  return res.status;
}

describe('hub API', () => {
  let t: TestApp;
  let users: Record<StaffRole, StaffUser>;
  let n = 0;

  beforeEach(async () => {
    t = await startTestApp();
    users = {
      'hub-worker': await createStaffFast(t.app, 'hub-worker', 1),
      'hub-lead': await createStaffFast(t.app, 'hub-lead', 1),
      councillor: await createStaffFast(t.app, 'councillor', 1),
      admin: await createStaffFast(t.app, 'admin', 1),
    };
  });
  afterEach(async () => {
    await t.stop();
  });

  const signedIn = (role: StaffRole): Promise<HubClient> => clientWithSession(t.app, t.url, users[role]);

  describe('the authorisation matrix', () => {
    it('covers every registered endpoint exactly once', () => {
      const registered = HUB_API_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
      const inTable = MATRIX.map((row) => `${row.method} ${row.route}`).sort();
      assert.deepEqual(inTable, registered);
    });

    for (const row of MATRIX) {
      for (const who of [...ROLES, 'anonymous'] as Who[]) {
        const permitted = row.allowed === 'everyone' || (who !== 'anonymous' && row.allowed.includes(who));
        const expected = permitted ? row.ok : who === 'anonymous' ? 401 : 403;
        it(`${row.method} ${row.route} as ${who} answers ${expected}`, async () => {
          n += 1;
          const user = who === 'anonymous' ? users['hub-worker'] : users[who];
          const cell = await row.prepare({ t, user, n, users });
          const client = who === 'anonymous' ? new HubClient(t.url) : await signedIn(who);
          const status = row.call
            ? await row.call({ t, who, n })
            : row.route === '/api/hub/events' || row.route === '/api/hub/handoffs/{id}/events'
              ? await statusOfStream(client, cell.path)
              : (await client.request(row.method, cell.path, cell.body === undefined ? {} : { json: cell.body })).status;
          assert.equal(status, expected);
        });
      }
    }

    it('when a permitted call is made, then nothing a refused one would have changed has changed', async () => {
      const referral = await freshReferral(t, 9001);
      const councillor = await signedIn('councillor');

      assert.equal((await councillor.post(`/api/hub/referrals/${referral.id}/claim`)).status, 403);
      assert.equal((await t.app.store.referrals.get(referral.id))?.status, 'new');
      assert.equal((await t.app.store.audit.list({ subject: referral.id, action: 'hub.referral.viewed' })).length, 0);
    });

    it("when a councillor asks for another ward's figures, then 403; for their own, counts and no resident's details", async () => {
      await freshReferral(t, 1, { ward: BOSTON_CASTLE, createdAt: LAST_WEEK });
      const councillor = await signedIn('councillor');

      const other = await councillor.get<ErrorBody>('/api/hub/wards/E05013006/stats');
      const own = await councillor.get<{ precision: string; counts: { total: unknown } }>('/api/hub/wards/E05012996/stats');

      assert.equal(other.status, 403);
      assert.equal(own.status, 200);
      assert.equal(own.body.precision, 'suppressed');
      assert.deepEqual(own.body.counts.total, { kind: 'fewer-than-5' });
      assert.doesNotMatch(JSON.stringify(own.body), /Test Resident|07700|S60/);
    });

    it('when a councillor asks for ward figures, then they get one ended week with small numbers suppressed; a hub lead gets exact counts', async () => {
      // Last week (9 to 15 November): 2 befriending (one urgent), 12 cost of living, 13 ASB; this week, 1 urgent ASB.
      const kinds: [Referral['kind'], number][] = [['befriending', 2], ['cost-of-living', 12], ['asb', 13]];
      let made = 0;
      for (const [kind, count] of kinds) {
        for (let i = 0; i < count; i += 1) {
          made += 1;
          const urgent = made === 1 ? { urgent: true, urgencyReasons: ['safeguarding' as const] } : {};
          await freshReferral(t, made, { kind, ward: BOSTON_CASTLE, createdAt: LAST_WEEK, ...urgent });
        }
      }
      await freshReferral(t, 100, { kind: 'asb', ward: BOSTON_CASTLE, urgent: true, urgencyReasons: ['danger'] });
      const councillor = await signedIn('councillor');
      const lead = await signedIn('hub-lead');
      type Suppressed = { precision: string; from: string; to: string; counts: { total: unknown; urgent: unknown; byKind: Record<string, unknown> } };

      const week = await councillor.get<Suppressed>('/api/hub/wards/E05012996/stats');
      assert.equal(week.status, 200);
      assert.equal(week.body.from, '2026-11-09T00:00:00.000Z');
      assert.equal(week.body.to, '2026-11-16T00:00:00.000Z');
      assert.deepEqual(week.body.counts.total, { kind: 'count', value: 27 });
      assert.deepEqual(week.body.counts.urgent, { kind: 'fewer-than-5' });
      assert.deepEqual(week.body.counts.byKind['befriending'], { kind: 'fewer-than-5' });
      assert.deepEqual(week.body.counts.byKind['cost-of-living'], { kind: 'withheld' }, 'else 27 - 12 - 13 gives befriending away');
      assert.deepEqual(week.body.counts.byKind['asb'], { kind: 'count', value: 13 });

      const midWeek = await councillor.get<Suppressed>('/api/hub/wards/E05012996/stats?from=2026-11-12T15:00:00.000Z');
      assert.equal(midWeek.body.from, '2026-11-09T00:00:00.000Z', 'any time in a week means the whole week');
      const oneDay = await councillor.get<ErrorBody>('/api/hub/wards/E05012996/stats?from=2026-11-16T00:00:00.000Z&to=2026-11-17T00:00:00.000Z');
      const thisWeek = await councillor.get<ErrorBody>('/api/hub/wards/E05012996/stats?from=2026-11-16T00:00:00.000Z');
      assert.equal(oneDay.status, 400);
      assert.equal(thisWeek.status, 400, 'a week under way is not shown');

      const exact = await lead.get<{ precision: string; counts: { urgent: number; total: number } }>('/api/hub/wards/E05012996/stats?from=2026-11-16T00:00:00.000Z&to=2026-11-17T00:00:00.000Z');
      assert.equal(exact.status, 200);
      assert.equal(exact.body.precision, 'exact');
      assert.equal(exact.body.counts.total, 1);
      assert.equal(exact.body.counts.urgent, 1);
    });
  });

  describe('CSRF', () => {
    const stateChanging = HUB_API_ROUTES.filter((r) => r.method !== 'get' && r.access !== 'public');

    for (const route of stateChanging) {
      it(`${route.method.toUpperCase()} ${route.path} without the CSRF token is refused with 403 and changes nothing`, async () => {
        const referral = await freshReferral(t, 1);
        const admin = route.access === 'sar.manage' || route.access === 'staff.manage';
        const client = await signedIn(admin ? 'admin' : 'hub-lead');
        const path = route.path.replace('{id}', route.path.includes('/staff/') ? users['hub-worker'].id : referral.id);

        const missing = await client.request<ErrorBody>(route.method.toUpperCase(), path, { json: {}, csrf: null });
        const wrong = await client.request<ErrorBody>(route.method.toUpperCase(), path, { json: {}, csrf: 'not-the-token' });

        for (const res of [missing, wrong]) {
          assert.equal(res.status, 403);
          assert.deepEqual(res.body.error.details, { reason: 'csrf' });
        }
        assert.deepEqual(await t.app.store.referrals.get(referral.id), referral);
      });
    }

    it('when sign-in is posted without the pre-session token, then it is refused and no session is made', async () => {
      await createStaff(t.app, 'hub-worker', 'csrf-login@example.org');
      const client = new HubClient(t.url);
      await client.get('/api/hub/session');

      const res = await client.request<ErrorBody>('POST', '/api/hub/session', { json: { email: 'csrf-login@example.org', password: TEST_PASSWORD }, csrf: null });

      assert.equal(res.status, 403);
      assert.equal(client.cookie('hub_session'), undefined);
    });

    it('when a console form is posted without the token, then it is refused', async () => {
      const referral = await freshReferral(t, 1);
      const client = await signedIn('hub-worker');

      const res = await client.request('POST', `/hub/referrals/${referral.id}/claim`, { form: {}, csrf: null });

      assert.equal(res.status, 403);
      assert.equal((await t.app.store.referrals.get(referral.id))?.status, 'new');
    });
  });

  describe('validation', () => {
    const invalid: [what: string, method: string, path: (id: string) => string, body: unknown, field: string][] = [
      ['an unknown status', 'POST', (id) => `/api/hub/referrals/${id}/status`, { to: 'flying', version: 1 }, 'to'],
      ['a status change with no version', 'POST', (id) => `/api/hub/referrals/${id}/status`, { to: 'in-progress' }, 'version'],
      ['an unknown outcome', 'POST', (id) => `/api/hub/referrals/${id}/status`, { to: 'closed', version: 1, outcome: 'sorted' }, 'outcome'],
      ['an empty note', 'POST', (id) => `/api/hub/referrals/${id}/notes`, { text: '   ' }, 'text'],
      ['a note over 5,000 characters', 'POST', (id) => `/api/hub/referrals/${id}/notes`, { text: 'x'.repeat(5001) }, 'text'],
      ['an unexpected field', 'POST', (id) => `/api/hub/referrals/${id}/notes`, { text: 'ok', extra: 1 }, ''],
      ['a negative version', 'POST', (id) => `/api/hub/referrals/${id}/assign`, { staffId: null, version: -1 }, 'version'],
      ['an unknown kind for next', 'POST', () => '/api/hub/referrals/next', { kind: ['gardening'] }, 'kind.0'],
      ['a text over 612 characters', 'POST', (id) => `/api/hub/referrals/${id}/messages`, { text: 'x'.repeat(613) }, 'text'],
      ['a page size over 100', 'GET', () => '/api/hub/referrals?pageSize=1000', undefined, 'pageSize'],
      ['an unknown status filter', 'GET', () => '/api/hub/referrals?status=lost', undefined, 'status'],
      ['a ward that is not a GSS code', 'GET', () => '/api/hub/referrals?ward=Rotherham', undefined, 'ward'],
      ['a ward change to something that is not a GSS code', 'POST', (id) => `/api/hub/referrals/${id}/ward`, { ward: 'Boston Castle', version: 1, why: 'moved' }, 'ward'],
      ['a ward change with no reason', 'POST', (id) => `/api/hub/referrals/${id}/ward`, { ward: 'E05012996', version: 1, why: '  ' }, 'why'],
    ];
    for (const [what, method, path, body, field] of invalid) {
      it(`when a lead sends ${what}, then 400 names the field and nothing changes`, async () => {
        const lead = await signedIn('hub-lead');
        const referral = await freshReferral(t, 1, mine(users['hub-lead']));

        const res = await lead.request<ErrorBody>(method, path(referral.id), body === undefined ? {} : { json: body });

        assert.equal(res.status, 400);
        assert.equal(res.body.error.code, 'invalid-input');
        const details = res.body.error.details as { path: string }[];
        assert.ok(details.some((d) => d.path === field), JSON.stringify(details));
        assert.deepEqual(await t.app.store.referrals.get(referral.id), referral);
      });
    }

    const adminInvalid: [what: string, path: string, body: unknown][] = [
      ['a role that does not exist', '/api/hub/staff', { email: 'a@example.org', role: 'boss', password: TEST_PASSWORD }],
      ['a password under 12 characters', '/api/hub/staff', { email: 'a@example.org', role: 'hub-worker', password: 'short' }],
      ['an erasure without confirm', '/api/hub/subject-access/erase', { email: 'a@example.org' }],
      ['an export by both phone and email', '/api/hub/subject-access/export', { email: 'a@example.org', phone: '07700 900123' }],
      ['an export by neither', '/api/hub/subject-access/export', {}],
    ];
    for (const [what, path, body] of adminInvalid) {
      it(`when an admin sends ${what}, then 400`, async () => {
        const admin = await signedIn('admin');
        const res = await admin.post<ErrorBody>(path, body);
        assert.equal(res.status, 400);
        assert.equal(res.body.error.code, 'invalid-input');
      });
    }

    it('when the body is not JSON, then 400 in the same error shape', async () => {
      const lead = await signedIn('hub-lead');
      const res = await lead.request<ErrorBody>('POST', '/api/hub/referrals/next', { headers: { 'content-type': 'application/json' }, json: undefined });
      const raw = await fetch(`${t.url}/api/hub/referrals/next`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': lead.csrfToken, cookie: `hub_session=${lead.cookie('hub_session') ?? ''}` },
        body: '{"kind": [',
      });
      assert.notEqual(res.status, 500);
      assert.equal(raw.status, 400);
      assert.equal(((await raw.json()) as ErrorBody).error.code, 'invalid-input');
    });
  });

  describe('signing in', () => {
    it('when the password is right, then a session cookie is set HTTP-only and SameSite=Strict, and the API answers', async () => {
      const user = await createStaff(t.app, 'hub-worker', 'right@example.org');
      const client = new HubClient(t.url);
      await client.get('/api/hub/session');
      const session = (await client.get<{ csrfToken: string }>('/api/hub/session')).body;

      const res = await client.request('POST', '/api/hub/session', { json: { email: 'Right@Example.org', password: TEST_PASSWORD }, csrf: session.csrfToken });

      assert.equal(res.status, 200);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('hub_session='));
      assert.match(cookie ?? '', /HttpOnly/);
      assert.match(cookie ?? '', /SameSite=Strict/);
      client.csrfToken = (res.body as { csrfToken: string }).csrfToken;
      assert.equal((await client.get('/api/hub/referrals')).status, 200);
      const [signedInEntry] = await t.app.store.audit.list({ action: 'hub.session.signed-in' });
      assert.equal(signedInEntry?.actor, user.id);
      assert.ok(signedInEntry?.detail['ip']);
    });

    it('when the email is unknown or the password wrong, then the same 401 message comes back', async () => {
      await createStaff(t.app, 'hub-worker', 'known@example.org');

      const unknown = await new HubClient(t.url).signIn('nobody@example.org', TEST_PASSWORD);
      const wrong = await new HubClient(t.url).signIn('known@example.org', 'not the password at all');

      assert.equal(unknown.status, 401);
      assert.equal(wrong.status, 401);
      assert.deepEqual(unknown.body, wrong.body);
    });

    it('when five wrong passwords are tried, then the account is locked even for the right one, until 15 minutes pass', async () => {
      await createStaff(t.app, 'hub-worker', 'locked@example.org');
      const client = new HubClient(t.url);
      for (let i = 0; i < 5; i += 1) assert.equal((await client.signIn('locked@example.org', `wrong password ${i}`)).status, 401);

      const refused = await client.signIn('locked@example.org', TEST_PASSWORD);
      assert.equal(refused.status, 429);

      t.clock.advance(14 * 60_000);
      assert.equal((await client.signIn('locked@example.org', TEST_PASSWORD)).status, 429);
      t.clock.advance(61_000);
      assert.equal((await client.signIn('locked@example.org', TEST_PASSWORD)).status, 200);

      const failures = await t.app.store.audit.list({ action: 'hub.session.sign-in-failed' });
      assert.deepEqual(failures.map((f) => f.detail['reason']), ['wrong-password', 'wrong-password', 'wrong-password', 'wrong-password', 'wrong-password-now-locked', 'locked', 'locked']);
      assert.doesNotMatch(JSON.stringify(failures), /wrong password|correct horse|locked@example/);
    });

    it('when one address tries more than 30 sign-ins in 15 minutes, then it is refused whatever the account', async () => {
      const client = new HubClient(t.url);
      const statuses: number[] = [];
      for (let i = 0; i < 31; i += 1) statuses.push((await client.signIn(`guess-${i}@example.org`, 'guess')).status);

      assert.deepEqual(statuses.slice(0, 30), Array(30).fill(401));
      assert.equal(statuses[30], 429);
    });

    it('when a disabled account signs in, then it is refused', async () => {
      const user = await createStaff(t.app, 'hub-worker', 'disabled@example.org');
      await t.app.store.staff.update(user.id, { disabled: true });

      assert.equal((await new HubClient(t.url).signIn('disabled@example.org', TEST_PASSWORD)).status, 401);
    });

    it('when signed out, or idle for over two hours, then the session no longer works', async () => {
      const a = await signedIn('hub-worker');
      const b = await signedIn('hub-worker');

      assert.equal((await a.request('DELETE', '/api/hub/session')).status, 200);
      assert.equal((await a.get('/api/hub/referrals')).status, 401);

      t.clock.advance(2 * 3_600_000 + 1000);
      assert.equal((await b.get('/api/hub/referrals')).status, 401);
    });
  });

  describe("a referral's life through the API", () => {
    it('when a worker claims, notes, starts and closes a referral, then each step is saved, in history and audited', async () => {
      const referral = await freshReferral(t, 1);
      const worker = await signedIn('hub-worker');
      const id = referral.id;

      const claimed = await worker.post<{ referral: Referral }>(`/api/hub/referrals/${id}/claim`);
      assert.equal(claimed.status, 200);
      assert.equal(claimed.body.referral.assignee, users['hub-worker'].id);

      assert.equal((await worker.post(`/api/hub/referrals/${id}/notes`, { text: 'Rang at 10, left a message.' })).status, 201);
      const started = await worker.post<{ referral: Referral }>(`/api/hub/referrals/${id}/status`, { to: 'in-progress', version: 1 });
      assert.equal(started.status, 200);

      const noOutcome = await worker.post<ErrorBody>(`/api/hub/referrals/${id}/status`, { to: 'closed', version: 2 });
      assert.equal(noOutcome.status, 400);

      const closed = await worker.post<{ referral: Referral }>(`/api/hub/referrals/${id}/status`, { to: 'closed', version: 2, outcome: 'befriender-matched' });
      assert.equal(closed.status, 200);
      assert.equal(closed.body.referral.outcome, 'befriender-matched');
      assert.deepEqual(closed.body.referral.history.map((h) => h.to), ['new', 'claimed', 'in-progress', 'closed']);
      assert.equal(closed.body.referral.notes[0]?.text, 'Rang at 10, left a message.');

      const audit = await t.app.store.audit.list({ subject: id });
      assert.deepEqual(audit.map((a) => a.action), ['hub.referral.claimed', 'hub.referral.note-added', 'hub.referral.status-changed', 'hub.referral.status-changed']);
      assert.ok(audit.every((a) => a.actor === users['hub-worker'].id && typeof a.detail['ip'] === 'string'));
      assert.doesNotMatch(JSON.stringify(audit), /left a message|Test Resident|07700/);
    });

    it('when a referral is opened, then the view is audited with who, when and from where', async () => {
      const referral = await freshReferral(t, 1);
      const worker = await signedIn('hub-worker');

      await worker.get(`/api/hub/referrals/${referral.id}`);

      const [entry] = await t.app.store.audit.list({ subject: referral.id, action: 'hub.referral.viewed' });
      assert.equal(entry?.actor, users['hub-worker'].id);
      assert.equal(entry?.at, t.clock.now().toISOString());
      assert.match(String(entry?.detail['ip']), /127\.0\.0\.1|::1/);
      assert.equal(entry?.detail['role'], 'hub-worker');
    });

    it('when a second worker claims a referral already claimed, then 409', async () => {
      const referral = await freshReferral(t, 1);
      const first = await signedIn('hub-worker');
      const second = await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'hub-worker', 2));

      assert.equal((await first.post(`/api/hub/referrals/${referral.id}/claim`)).status, 200);
      assert.equal((await second.post(`/api/hub/referrals/${referral.id}/claim`)).status, 409);
    });

    it("when a worker changes someone else's referral or puts one back in the queue, then 403; a lead may", async () => {
      const other = await createStaffFast(t.app, 'hub-worker', 2);
      const theirs = await freshReferral(t, 1, mine(other));
      const own = await freshReferral(t, 2, mine(users['hub-worker']));
      const worker = await signedIn('hub-worker');
      const lead = await signedIn('hub-lead');

      assert.equal((await worker.post(`/api/hub/referrals/${theirs.id}/status`, { to: 'in-progress', version: 1 })).status, 403);
      assert.equal((await worker.post(`/api/hub/referrals/${theirs.id}/notes`, { text: 'x' })).status, 403);
      assert.equal((await worker.post(`/api/hub/referrals/${own.id}/status`, { to: 'new', version: 1 })).status, 403);

      const released = await lead.post<{ referral: Referral }>(`/api/hub/referrals/${own.id}/status`, { to: 'new', version: 1 });
      assert.equal(released.status, 200);
      assert.equal(released.body.referral.assignee, null);
      assert.equal(released.body.referral.status, 'new');
    });

    it('when a change carries an old version, then 409 and the newer change stands', async () => {
      const referral = await freshReferral(t, 1, mine(users['hub-worker']));
      const worker = await signedIn('hub-worker');
      await worker.post(`/api/hub/referrals/${referral.id}/status`, { to: 'in-progress', version: 1 });

      const stale = await worker.post<ErrorBody>(`/api/hub/referrals/${referral.id}/status`, { to: 'closed', version: 1, outcome: 'duplicate' });

      assert.equal(stale.status, 409);
      assert.equal((await t.app.store.referrals.get(referral.id))?.status, 'in-progress');
    });

    it('when a move is not on the allowed path, then 409', async () => {
      const referral = await freshReferral(t, 1, { ...mine(users['hub-worker']), status: 'closed', outcome: 'duplicate' });
      const lead = await signedIn('hub-lead');

      const res = await lead.post<ErrorBody>(`/api/hub/referrals/${referral.id}/status`, { to: 'in-progress', version: 1 });

      assert.equal(res.status, 409);
      assert.match(res.body.error.message, /closed cannot be moved to in-progress/);
    });

    it('when a lead assigns a new referral to a worker, then it is claimed for them; to a councillor, 400', async () => {
      const referral = await freshReferral(t, 1);
      const lead = await signedIn('hub-lead');

      const toCouncillor = await lead.post(`/api/hub/referrals/${referral.id}/assign`, { staffId: users.councillor.id, version: 0 });
      const toWorker = await lead.post<{ referral: Referral }>(`/api/hub/referrals/${referral.id}/assign`, { staffId: users['hub-worker'].id, version: 0 });

      assert.equal(toCouncillor.status, 400);
      assert.equal(toWorker.status, 200);
      assert.equal(toWorker.body.referral.status, 'claimed');
      assert.equal(toWorker.body.referral.assignee, users['hub-worker'].id);
    });

    describe("setting a referral's ward", () => {
      const why = 'Postcode not in the table; resident confirmed their street.';

      it("when the holder sets an unknown referral's ward, then it is saved as set by staff, in its history with the reason, and audited with the codes", async () => {
        const referral = await freshReferral(t, 1, { ...mine(users['hub-worker']), ward: UNKNOWN });
        const worker = await signedIn('hub-worker');

        const res = await worker.post<{ referral: Referral }>(`/api/hub/referrals/${referral.id}/ward`, { ward: 'E05012996', version: 1, why });

        assert.equal(res.status, 200);
        assert.deepEqual(res.body.referral.ward, { code: 'E05012996', name: 'Boston Castle', source: 'staff' });
        const stored = await t.app.store.referrals.get(referral.id);
        assert.deepEqual(stored?.ward, res.body.referral.ward);
        assert.equal(stored?.version, 2);
        assert.equal(stored?.status, 'claimed', 'the status does not move');
        assert.deepEqual(stored?.history.at(-1), {
          at: t.clock.now().toISOString(), actor: users['hub-worker'].id, from: 'claimed', to: 'claimed', why, ward: { from: null, to: 'E05012996' },
        });
        const [entry] = await t.app.store.audit.list({ subject: referral.id, action: 'hub.referral.ward-changed' });
        assert.equal(entry?.actor, users['hub-worker'].id);
        assert.equal(entry?.at, t.clock.now().toISOString());
        assert.equal(entry?.detail['from'], null);
        assert.equal(entry?.detail['to'], 'E05012996');
        assert.equal(entry?.detail['role'], 'hub-worker');
        assert.equal(typeof entry?.detail['ip'], 'string');
        assert.doesNotMatch(JSON.stringify(entry), /confirmed their street/, 'the free-text reason stays with the referral');
      });

      it("when a ward code is not one of the council's wards, then 400 and the ward is unchanged", async () => {
        const referral = await freshReferral(t, 1, { ...mine(users['hub-worker']), ward: BOSTON_CASTLE });
        const lead = await signedIn('hub-lead');

        // Well formed, but Middlesbrough's Acklam (and then a code no council has).
        for (const ward of ['E05009853', 'E05099999']) {
          const res = await lead.post<ErrorBody>(`/api/hub/referrals/${referral.id}/ward`, { ward, version: 1, why });
          assert.equal(res.status, 400);
          assert.equal(res.body.error.code, 'invalid-input');
          assert.match(res.body.error.message, new RegExp(`no ward ${ward}`));
        }
        assert.deepEqual(await t.app.store.referrals.get(referral.id), referral);
        assert.equal((await t.app.store.audit.list({ subject: referral.id, action: 'hub.referral.ward-changed' })).length, 0);
      });

      it('when a worker does not hold the referral, then 403; a lead may correct it, and a stale version is 409', async () => {
        const other = await createStaffFast(t.app, 'hub-worker', 2);
        const theirs = await freshReferral(t, 1, { ...mine(other), ward: UNKNOWN });
        const unclaimed = await freshReferral(t, 2, { ward: UNKNOWN });
        const worker = await signedIn('hub-worker');
        const lead = await signedIn('hub-lead');

        assert.equal((await worker.post(`/api/hub/referrals/${theirs.id}/ward`, { ward: 'E05012996', version: 1, why })).status, 403);
        assert.equal((await worker.post(`/api/hub/referrals/${unclaimed.id}/ward`, { ward: 'E05012996', version: 0, why })).status, 403);
        assert.deepEqual((await t.app.store.referrals.get(theirs.id))?.ward, UNKNOWN);

        const corrected = await lead.post<{ referral: Referral }>(`/api/hub/referrals/${theirs.id}/ward`, { ward: 'E05013006', version: 1, why });
        assert.equal(corrected.status, 200);
        assert.equal(corrected.body.referral.ward.name, 'Maltby East');
        const stale = await lead.post(`/api/hub/referrals/${theirs.id}/ward`, { ward: 'E05012996', version: 1, why });
        assert.equal(stale.status, 409);
        assert.equal((await t.app.store.referrals.get(theirs.id))?.ward.code, 'E05013006');
      });

      it('when a referral with no ward is given one, then the queue filter and the ward digest count it in that ward', async () => {
        // Five befriending referrals already in Boston Castle this week, and one the bot could not place.
        for (let i = 1; i <= 5; i += 1) await freshReferral(t, i, { ward: BOSTON_CASTLE });
        const unplaced = await freshReferral(t, 6, { ...mine(users['hub-lead']), ward: UNKNOWN });
        const lead = await signedIn('hub-lead');
        const week = periodFromDays('2026-11-16', '2026-11-22');
        const inWard = async () => (await lead.get<{ total: number }>('/api/hub/referrals?ward=E05012996')).body.total;
        const digestTotal = async () => (await t.app.digests.service.build('E05012996', week)).raised.total.current;
        const unknownTotal = async () => (await t.app.digests.service.build(UNKNOWN_WARD, week)).raised.total.current;

        assert.equal(await inWard(), 5);
        assert.deepEqual(await digestTotal(), { kind: 'count', value: 5 });
        assert.deepEqual(await unknownTotal(), { kind: 'fewer-than-5' });

        assert.equal((await lead.post(`/api/hub/referrals/${unplaced.id}/ward`, { ward: 'E05012996', version: 1, why })).status, 200);

        assert.equal(await inWard(), 6);
        assert.deepEqual(await digestTotal(), { kind: 'count', value: 6 });
        assert.deepEqual(await unknownTotal(), { kind: 'count', value: 0 });
      });
    });

    it('when texting a resident who did not agree to texts, then 409; with consent, 503 until SMS is connected', async () => {
      const byPhone = await freshReferral(t, 1, { ...mine(users['hub-worker']), contact: { anonymous: false, name: 'A', method: 'phone', phone: '07700 900123', bestTime: 'any' } });
      const bySms = await freshReferral(t, 2, mine(users['hub-worker']));
      const worker = await signedIn('hub-worker');

      const refused = await worker.post<ErrorBody>(`/api/hub/referrals/${byPhone.id}/messages`, { text: 'Hello' });
      const unavailable = await worker.post<ErrorBody>(`/api/hub/referrals/${bySms.id}/messages`, { text: 'Hello' });

      assert.equal(refused.status, 409);
      assert.equal(unavailable.status, 503);
      assert.match(unavailable.body.error.message, /SMS channel is not set up/);
      const [failed] = await t.app.store.audit.list({ subject: bySms.id, action: 'hub.referral.message-failed' });
      assert.equal(failed?.detail['reason'], 'unavailable');
    });

    it('when the queue is empty, then pick up next answers 404', async () => {
      const worker = await signedIn('hub-worker');
      assert.equal((await worker.post('/api/hub/referrals/next')).status, 404);
    });
  });

  describe('the queue', () => {
    it('when there are more referrals than a page, then pages come in queue order with the total and counts', async () => {
      for (let i = 1; i <= 30; i += 1) {
        await freshReferral(t, i, { createdAt: new Date(Date.parse('2026-11-16T09:00:00.000Z') - i * 60_000).toISOString(), urgent: i === 30, urgencyReasons: i === 30 ? ['danger'] : [] });
      }
      const worker = await signedIn('hub-worker');

      const first = await worker.get<{ items: { id: string }[]; total: number; counts: { urgent: number; byStatus: { new: number } } }>('/api/hub/referrals?pageSize=10');
      const third = await worker.get<{ items: { id: string }[] }>('/api/hub/referrals?pageSize=10&page=3');

      assert.equal(first.body.total, 30);
      assert.equal(first.body.items[0]?.id, 'referral-30');
      assert.equal(first.body.items[1]?.id, 'referral-29');
      assert.equal(third.body.items.at(-1)?.id, 'referral-1');
      assert.equal(first.body.counts.urgent, 1);
      assert.equal(first.body.counts.byStatus.new, 30);
    });

    it('when filtered by overdue, kind and ward, then only those are listed and marked overdue', async () => {
      await freshReferral(t, 1, { slaDueAt: '2026-11-16T09:00:00.000Z' });
      await freshReferral(t, 2, { slaDueAt: '2026-11-17T09:00:00.000Z' });
      await freshReferral(t, 3, { slaDueAt: '2026-11-16T09:00:00.000Z', kind: 'asb', answers: makeReferral({ kind: 'asb' }).answers });
      const worker = await signedIn('hub-worker');

      const overdue = await worker.get<{ items: { id: string; overdue: boolean }[]; counts: { overdue: number } }>('/api/hub/referrals?overdue=true');
      const asbOverdue = await worker.get<{ items: { id: string }[] }>('/api/hub/referrals?overdue=true&kind=asb&ward=E05012345');

      assert.deepEqual(overdue.body.items.map((i) => i.id), ['referral-1', 'referral-3']);
      assert.ok(overdue.body.items.every((i) => i.overdue));
      assert.equal(overdue.body.counts.overdue, 2);
      assert.deepEqual(asbOverdue.body.items.map((i) => i.id), ['referral-3']);
    });

    it('when a lead looks at the workload, then open referrals are counted per person with overdue ones', async () => {
      await freshReferral(t, 1, { ...mine(users['hub-worker']), slaDueAt: '2026-11-16T09:00:00.000Z' });
      await freshReferral(t, 2, mine(users['hub-worker']));
      const lead = await signedIn('hub-lead');

      const res = await lead.get<{ rows: { email: string; count: number; overdue: number }[] }>('/api/hub/workload');

      assert.deepEqual(res.body.rows, [{ assignee: users['hub-worker'].id, email: users['hub-worker'].email, status: 'claimed', count: 2, overdue: 1 }]);
    });
  });

  describe('live events', () => {
    it('when a resident submits a referral, then a signed-in worker receives referral.created with no personal details', async () => {
      const worker = await signedIn('hub-worker');
      const controller = new AbortController();
      const res = await fetch(`${t.url}/api/hub/events`, { headers: { cookie: `hub_session=${worker.cookie('hub_session') ?? ''}` }, signal: controller.signal });
      assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();

      const { referral } = await t.app.referrals.submitReferral(
        {
          kind: 'befriending',
          answers: { kind: 'befriending', forWhom: 'self', postcode: 'S60 1AE', interests: ['visit'], accessNeeds: null },
          contact: { anonymous: false, name: 'Edith Pond', method: 'phone', phone: '07700 900777', bestTime: 'any' },
          consent: { given: true, wordingVersion: 'privacy-v1', at: t.clock.now().toISOString() },
          channel: 'test',
          conversationId: 'conversation-live',
          urgencyReasons: ['safeguarding'],
        },
        'conversation-live:1',
      );

      let received = '';
      while (!received.includes('event: referral.created')) {
        const chunk = await reader.read();
        if (chunk.done) break;
        received += decoder.decode(chunk.value);
      }
      controller.abort();
      const data = JSON.parse(/data: (.*)\n/.exec(received.slice(received.indexOf('event: referral.created')))?.[1] ?? '{}') as Record<string, unknown>;
      assert.equal(data['reference'], referral.reference);
      assert.equal(data['urgent'], true);
      assert.doesNotMatch(received, /Edith|07700|S60/);
    });
  });

  describe('the OpenAPI document', () => {
    it('when fetched, then it is OpenAPI 3.1 and describes every endpoint with its body schema', async () => {
      const res = await new HubClient(t.url).get<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; description: string }>> }>('/api/hub/openapi.json');

      assert.equal(res.status, 200);
      assert.equal(res.body.openapi, '3.1.0');
      for (const route of HUB_API_ROUTES) {
        const operation = res.body.paths[route.path]?.[route.method];
        assert.ok(operation, `${route.method} ${route.path} missing`);
        assert.equal(Boolean(operation.requestBody), Boolean(route.body), `${route.method} ${route.path} body`);
      }
      const status = res.body.paths['/api/hub/referrals/{id}/status']?.['post'] as { requestBody: { content: { 'application/json': { schema: { required: string[]; properties: Record<string, { enum?: string[] }> } } } } };
      const schema = status.requestBody.content['application/json'].schema;
      assert.deepEqual(schema.required.sort(), ['to', 'version']);
      assert.ok(schema.properties['outcome']?.enum?.includes('no-contact-after-three-attempts'));
    });
  });
});
