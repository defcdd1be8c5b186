/**
 * Reliability under hostile input: fast-check posts random, oversized and malformed bodies to every public entry
 * point of the real server (loopback only, bounded runs). Whatever arrives, the server answers below 500, keeps
 * running, and writes nothing: the store's counts are the same after as before.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DIRECT_LINE_BASE } from '../../bot/directline/embeddedDirectLine';
import type { App } from '../../bot/composition';
import { clientWithSession, createStaffFast } from '../support/hubClient';
import { makeReferral, numbered } from '../support/referralFactory';
import { sign, startSmsHarness, type SmsHarness } from '../support/smsHarness';

const RUNS = 100;
const ADMIN_API_TOKEN = 'fuzz-admin-token-0123456789abcdef0123456789';
/** Larger than the server's 256 KiB body limit. */
const OVERSIZED = 'x'.repeat(300 * 1024);
const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream', 'multipart/form-data', ''];

interface RawBody {
  body: string;
  contentType: string;
}

/** JSON of any shape, text that is not JSON, broken JSON, deep nesting, and a body over the size limit. */
const rawBody: fc.Arbitrary<RawBody> = fc.record({
  body: fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
    fc.string({ maxLength: 2000 }),
    fc.string({ unit: 'binary', maxLength: 500 }),
    fc.jsonValue().map((v) => (JSON.stringify(v) ?? 'null').slice(0, -1)),
    fc.integer({ min: 1, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    fc.constant(OVERSIZED),
  ),
  contentType: fc.constantFrom(...CONTENT_TYPES),
});

/** A JSON body no endpoint accepts: not an object, or an object with none of the fields any schema asks for. */
const invalidJson: fc.Arbitrary<RawBody> = fc.oneof(
  rawBody.filter((r) => {
    try {
      const v: unknown = JSON.parse(r.body);
      return v === null || typeof v !== 'object' || Array.isArray(v);
    } catch {
      return true;
    }
  }),
  fc.dictionary(fc.string({ maxLength: 8 }).map((k) => `zz-${k}`), fc.jsonValue(), { maxKeys: 5 }).map((o) => ({ body: JSON.stringify(o), contentType: 'application/json' })),
);

async function post(url: string, raw: RawBody, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { ...(raw.contentType ? { 'content-type': raw.contentType } : {}), ...headers }, body: raw.body });
  await res.arrayBuffer();
  return res.status;
}

/** What "nothing was written" means here: every collection a bad request could touch. */
async function storeCounts(app: App): Promise<Record<string, number>> {
  const { store } = app;
  return {
    referrals: await store.referrals.count(),
    botState: (await store.botState.keys('')).length,
    smsPending: (await store.sms.pendingInbound()).length,
    smsOutbound: (await store.sms.pendingOutbound()).length,
  };
}

describe('reliability: malformed input never causes a 5xx, a crash or a write', function () {
  this.timeout(120_000);
  let h: SmsHarness;
  let baseline: Record<string, number>;

  before(async () => {
    h = await startSmsHarness({ env: { ADMIN_API_TOKEN } });
    await h.t.app.store.referrals.insertIfAbsent(makeReferral({ ...numbered(1) }));
  });
  after(async () => {
    await h.stop();
  });
  beforeEach(async () => {
    baseline = await storeCounts(h.t.app);
  });
  afterEach(async () => {
    await h.t.app.sms?.channel.idle();
    assert.deepEqual(await storeCounts(h.t.app), baseline, 'the store is unchanged');
    assert.equal(h.twilioApi.messages.length, 0, 'no text was sent');
    assert.equal((await fetch(`${h.t.url}/healthz`)).status, 200, 'the server is still up');
  });

  it('when /api/messages gets random bodies, then it answers 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, async (raw) => {
        const status = await post(`${h.t.url}/api/messages`, raw);
        assert.ok(status >= 400 && status < 500, `answered ${status}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('when /api/sms and /api/sms/status get unsigned or wrongly signed bodies, then they answer 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, fc.constantFrom('/api/sms', '/api/sms/status'), fc.option(fc.string({ maxLength: 60 })), async (raw, path, signature) => {
        const status = await post(`${h.t.url}${path}`, raw, signature === null ? {} : { 'x-twilio-signature': signature });
        assert.ok(status >= 400 && status < 500, `answered ${status}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('when /api/sms gets correctly signed but malformed forms, then it answers 4xx', async () => {
    const params = fc.record({
      fields: fc.dictionary(fc.constantFrom('AccountSid', 'From', 'To', 'Body', 'NumMedia', 'x', 'Body[0]', 'a.b'), fc.string({ maxLength: 200 }), { maxKeys: 6 }),
      // A MessageSid that cannot be Twilio's: anything but SM/MM and 32 hex digits.
      messageSid: fc.option(fc.string({ maxLength: 40 })),
    });
    await fc.assert(
      fc.asyncProperty(params, async ({ fields, messageSid }) => {
        const form: Record<string, string> = { ...fields, ...(messageSid === null ? {} : { MessageSid: messageSid }) };
        const res = await fetch(`${h.t.url}/api/sms`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(form) },
          body: new URLSearchParams(form).toString(),
        });
        await res.arrayBuffer();
        assert.ok(res.status >= 400 && res.status < 500, `answered ${res.status}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('when the Direct Line endpoints get random bodies and tokens, then they answer 4xx', async () => {
    const paths = [
      '/conversations',
      '/conversations/abc/activities',
      '/tokens/refresh',
    ];
    await fc.assert(
      fc.asyncProperty(rawBody, fc.constantFrom(...paths), fc.option(fc.string({ maxLength: 200 })), async (raw, path, token) => {
        const status = await post(`${h.t.url}${DIRECT_LINE_BASE}${path}`, raw, token === null ? {} : { authorization: `Bearer ${token.replace(/[\r\n]/g, '')}` });
        assert.ok(status >= 400 && status < 500, `answered ${status}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('when a Direct Line conversation gets malformed activities, then it answers 4xx and its log does not grow', async () => {
    const minted = (await (await fetch(`${h.t.url}/api/webchat/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const auth = { authorization: `Bearer ${minted.token}` };
    const started = await fetch(`${h.t.url}${DIRECT_LINE_BASE}/conversations`, { method: 'POST', headers: auth });
    assert.ok(started.status < 300, `conversation started: ${started.status}`);
    await started.arrayBuffer();
    const activities = async (): Promise<number> => {
      const res = await fetch(`${h.t.url}${DIRECT_LINE_BASE}/conversations/${minted.conversationId}/activities`, { headers: auth });
      return ((await res.json()) as { activities: unknown[] }).activities.length;
    };
    const logged = await activities();
    baseline = await storeCounts(h.t.app);
    await fc.assert(
      fc.asyncProperty(invalidJson, async (raw) => {
        const status = await post(`${h.t.url}${DIRECT_LINE_BASE}/conversations/${minted.conversationId}/activities`, raw, auth);
        assert.ok(status >= 400 && status < 500, `answered ${status}`);
      }),
      { numRuns: RUNS },
    );
    assert.equal(await activities(), logged);
  });

  it('when the hub API gets malformed bodies from a signed-in admin, then it answers 4xx and changes nothing', async () => {
    const admin = await clientWithSession(h.t.app, h.t.url, await createStaffFast(h.t.app, 'admin', 1));
    const cookie = `hub_session=${encodeURIComponent(admin.cookie('hub_session') ?? '')}`;
    const referral = await h.t.app.store.referrals.get('referral-1');
    const endpoints: [string, string][] = [
      ['POST', '/api/hub/referrals/referral-1/status'],
      ['POST', '/api/hub/referrals/referral-1/notes'],
      ['POST', '/api/hub/referrals/referral-1/assign'],
      ['POST', '/api/hub/referrals/referral-1/messages'],
      ['POST', '/api/hub/staff'],
      ['PATCH', '/api/hub/staff/staff-admin-1'],
      ['POST', '/api/hub/subject-access/export'],
      ['POST', '/api/hub/subject-access/erase'],
      ['POST', '/api/hub/session'],
    ];
    await fc.assert(
      fc.asyncProperty(invalidJson, fc.constantFrom(...endpoints), fc.boolean(), async (raw, [method, path], withCsrf) => {
        const res = await fetch(`${h.t.url}${path}`, {
          method,
          headers: { cookie, 'content-type': raw.contentType || 'application/json', ...(withCsrf ? { 'x-csrf-token': admin.csrfToken } : {}) },
          body: raw.body,
        });
        await res.arrayBuffer();
        assert.ok(res.status >= 400 && res.status < 500, `${method} ${path} answered ${res.status}`);
      }),
      { numRuns: RUNS },
    );
    assert.deepEqual(await h.t.app.store.referrals.get('referral-1'), referral, 'the referral is unchanged');
    assert.equal((await h.t.app.store.staff.list()).length, 1, 'no staff account was created');
  });

  it('when the Direct Line reads (reconnect, polling) get random conversation ids, watermarks and tokens, then they answer below 500', async () => {
    const minted = (await (await fetch(`${h.t.url}/api/webchat/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const auth = { authorization: `Bearer ${minted.token}` };
    await (await fetch(`${h.t.url}${DIRECT_LINE_BASE}/conversations`, { method: 'POST', headers: auth })).arrayBuffer();
    baseline = await storeCounts(h.t.app); // starting the conversation wrote; the reads after it must not
    const junk = fc.oneof(fc.string({ maxLength: 80 }), fc.integer().map(String), fc.constant('-1'), fc.constant('1e309'), fc.constant('9'.repeat(400)));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('', '/activities'),
        fc.oneof(fc.constant(minted.conversationId), fc.string({ minLength: 1, maxLength: 60 })),
        junk,
        fc.oneof(fc.constant(minted.token), fc.string({ maxLength: 200 })),
        async (suffix, id, watermark, token) => {
          const url = `${h.t.url}${DIRECT_LINE_BASE}/conversations/${encodeURIComponent(id)}${suffix}?watermark=${encodeURIComponent(watermark)}`;
          const res = await fetch(url, { headers: { authorization: `Bearer ${token.replace(/[\r\n]/g, '')}` } });
          await res.arrayBuffer();
          assert.ok(res.status < 500, `GET ${suffix || 'conversation'} answered ${res.status}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('when the digest admin API and the console login get malformed bodies and queries, then they answer 4xx and subscribe no one', async () => {
    const endpoints: [string, string, boolean][] = [
      ['POST', '/api/hub/digests/subscriptions', true],
      ['PATCH', '/api/hub/digests/subscriptions/no-such-subscription', true],
      ['POST', '/hub/login', false],
      ['POST', '/api/webchat/token', false],
    ];
    await fc.assert(
      fc.asyncProperty(invalidJson, fc.constantFrom(...endpoints), async (raw, [method, path, needsToken]) => {
        const res = await fetch(`${h.t.url}${path}`, {
          method,
          headers: { 'content-type': raw.contentType || 'application/json', ...(needsToken ? { authorization: `Bearer ${ADMIN_API_TOKEN}` } : {}) },
          body: raw.body,
        });
        await res.arrayBuffer();
        // The token endpoint takes no body and may mint a conversation (a token, nothing stored) or refuse it.
        const allowed = path === '/api/webchat/token' ? res.status === 200 || (res.status >= 400 && res.status < 500) : res.status >= 400 && res.status < 500;
        assert.ok(allowed, `${method} ${path} answered ${res.status}`);
      }),
      { numRuns: RUNS },
    );
    const queries = fc.record({ ward: fc.string({ maxLength: 40 }), from: fc.string({ maxLength: 40 }), to: fc.string({ maxLength: 40 }), status: fc.string({ maxLength: 20 }) });
    await fc.assert(
      fc.asyncProperty(queries, fc.constantFrom('/preview', '/ledger'), async (q, path) => {
        const res = await fetch(`${h.t.url}/api/hub/digests${path}?${new URLSearchParams(q).toString()}`, { headers: { authorization: `Bearer ${ADMIN_API_TOKEN}` } });
        await res.arrayBuffer();
        assert.ok(res.status < 500, `GET ${path} answered ${res.status}`);
      }),
      { numRuns: RUNS },
    );
    assert.deepEqual(await h.t.app.store.digestSubscriptions.list({}), [], 'no councillor was subscribed');
  });
});
