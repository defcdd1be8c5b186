/**
 * The digest admin API on the real server: a bearer token guards it, subscriptions are managed and audited
 * without contact details in the audit log, digests can be previewed in every format, and a run's failures are
 * summarised.
 */
import assert from 'node:assert/strict';
import { SmtpStandIn } from './support/mailStandIns';
import { BOSTON_CASTLE, seededReferrals, SECRETS } from './support/digestRig';
import { startTestApp, type TestApp } from './support/testApp';

const TOKEN = 'test-admin-token-0123456789abcdef0123456789';

describe('digest admin API', () => {
  let t: TestApp;
  let smtp: SmtpStandIn;

  const api = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const { token = TOKEN, ...rest } = init;
    return fetch(`${t.url}/api/hub/digests${path}`, {
      ...rest,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(rest.headers as Record<string, string> | undefined) },
    });
  };

  beforeEach(async () => {
    smtp = await new SmtpStandIn().start();
    t = await startTestApp({ env: { ADMIN_API_TOKEN: TOKEN, SMTP_URL: smtp.url, DIGEST_FROM: 'hub@example.gov.uk' } });
    for (const r of seededReferrals()) await t.app.store.referrals.insertIfAbsent(r);
  });
  afterEach(async () => {
    await t.stop();
    await smtp.stop();
  });

  it('when the token is missing or wrong, then nothing is answered but 401', async () => {
    for (const token of [null, 'wrong-token', `${TOKEN}x`]) {
      const res = await api('/subscriptions', { token });
      assert.equal(res.status, 401, String(token));
      assert.deepEqual(await res.json(), { error: { code: 'unauthenticated', message: 'A valid admin token is needed.' } });
    }
  });

  it('when no admin token is configured, then the API is off (503), not open', async () => {
    const off = await startTestApp();
    try {
      const res = await fetch(`${off.url}/api/hub/digests/subscriptions`, { headers: { authorization: 'Bearer anything' } });
      assert.equal(res.status, 503);
    } finally {
      await off.stop();
    }
  });

  it('when an admin subscribes a councillor, then it is weekly by default, the mobile is stored in E.164, and the audit has no contact details', async () => {
    const res = await api('/subscriptions', { method: 'POST', body: JSON.stringify({ wardCodes: ['e05012996', 'E05013010'], email: 'Cllr.Jones@Example.gov.uk', mobile: '07700 900456' }) });
    assert.equal(res.status, 201);
    const created = (await res.json()) as { id: string; frequency: string; mobile: string; email: string; wardCodes: string[]; staffId: null; active: boolean };
    assert.deepEqual(
      { ...created, id: 'x' },
      { id: 'x', wardCodes: ['E05012996', 'E05013010'], email: 'cllr.jones@example.gov.uk', mobile: '+447700900456', frequency: 'weekly', staffId: null, active: true, createdAt: '2026-11-16T10:00:00.000Z', updatedAt: '2026-11-16T10:00:00.000Z' },
    );

    const listed = (await (await api('/subscriptions?ward=E05013010')).json()) as { subscriptions: { id: string }[] };
    assert.deepEqual(listed.subscriptions.map((s) => s.id), [created.id]);
    const audit = await t.app.store.audit.list({ action: 'digest.subscription.created' });
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.subject, created.id);
    assert.doesNotMatch(JSON.stringify(audit), /jones|900456/i);
  });

  it('when a subscription is not valid, then it is refused with what to fix', async () => {
    const cases: [unknown, RegExp][] = [
      [{ wardCodes: ['E05099999'], email: 'a@example.gov.uk' }, /E05099999 is not a ward here/],
      [{ wardCodes: [BOSTON_CASTLE] }, /email or mobile is required/],
      [{ wardCodes: [BOSTON_CASTLE], mobile: '0114 496 0000' }, /not a UK mobile number/],
      [{ wardCodes: [BOSTON_CASTLE], email: 'not-an-email' }, /not an email address/],
      [{ wardCodes: [BOSTON_CASTLE], email: 'a@example.gov.uk', frequency: 'daily' }, /frequency/],
      [{ wardCodes: [BOSTON_CASTLE], email: 'a@example.gov.uk', extra: true }, /extra|Unrecognized/i],
    ];
    for (const [body, problem] of cases) {
      const res = await api('/subscriptions', { method: 'POST', body: JSON.stringify(body) });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(JSON.stringify(await res.json()), problem);
    }
  });

  it('when a subscription is changed, paused and deleted, then each change is kept and audited', async () => {
    const { id } = (await (await api('/subscriptions', { method: 'POST', body: JSON.stringify({ wardCodes: [BOSTON_CASTLE], email: 'a@example.gov.uk' }) })).json()) as { id: string };

    const patched = await api(`/subscriptions/${id}`, { method: 'PATCH', body: JSON.stringify({ frequency: 'monthly', staffId: 'staff-42', active: false }) });
    assert.equal(patched.status, 200);
    assert.deepEqual(
      (({ frequency, staffId, active }) => ({ frequency, staffId, active }))((await patched.json()) as { frequency: string; staffId: string; active: boolean }),
      { frequency: 'monthly', staffId: 'staff-42', active: false },
    );
    assert.equal((await api(`/subscriptions/${id}`, { method: 'PATCH', body: JSON.stringify({ email: null }) })).status, 400, 'cannot remove the only contact');
    assert.equal((await api(`/subscriptions/${id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await api(`/subscriptions/${id}`)).status, 404);
    assert.equal((await api(`/subscriptions/${id}`, { method: 'DELETE' })).status, 404);
    assert.deepEqual((await t.app.store.audit.list({ subject: id })).map((e) => e.action), ['digest.subscription.created', 'digest.subscription.updated', 'digest.subscription.deleted']);
  });

  it('when a digest is previewed, then it comes back in each format without anything being sent or recorded', async () => {
    const query = `/preview?ward=${BOSTON_CASTLE}&from=2026-11-16&to=2026-11-22`;
    const html = await api(`${query}&format=html`);
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    const body = await html.text();
    assert.match(body, /<h1>Boston Castle ward/);
    const text = await (await api(`${query}&format=text`)).text();
    assert.match(text, /^Befriending \(loneliness\) +8 +#+$/m);
    const sms = await (await api(`${query}&format=sms`)).text();
    assert.ok(sms.length <= 320);
    const json = (await (await api(`${query}&format=json`)).json()) as { area: { code: string }; period: { label: string } };
    assert.deepEqual([json.area.code, json.period.label], [BOSTON_CASTLE, '16 to 22 November 2026']);
    const unknown = await api('/preview?ward=unknown&from=2026-11-16&to=2026-11-22&format=text');
    assert.match(await unknown.text(), /^Rotherham: referrals with no ward/);
    for (const form of [body, text, sms, JSON.stringify(json)]) for (const secret of SECRETS) assert.ok(!form.includes(secret));

    assert.equal((await api('/preview?ward=E05099999')).status, 404);
    assert.equal((await api(`/preview?ward=${BOSTON_CASTLE}&from=2026-11-16`)).status, 400);
    assert.equal((await api(`/preview?ward=${BOSTON_CASTLE}&from=2026-11-22&to=2026-11-16`)).status, 400);
    assert.equal(smtp.received.length, 0);
    assert.deepEqual(await t.app.store.digestLedger.list(), []);
  });

  it('when DIGEST_SCHEDULE is on, then the server has a schedule that sends what is due; when off, it has none', async () => {
    assert.equal(t.app.digests.scheduler, null);
    const on = await startTestApp({ env: { DIGEST_SCHEDULE: 'on', SMTP_URL: smtp.url, DIGEST_FROM: 'hub@example.gov.uk' } });
    try {
      // Stop its timer (and wait for the tick it ran at start-up), then tick by hand with the clock where we want it.
      await on.app.digests.scheduler?.close();
      on.clock.set('2026-11-01T09:00:00Z');
      await on.app.store.digestSubscriptions.create({
        id: 'cllr-a', wardCodes: [BOSTON_CASTLE], email: 'a@example.gov.uk', mobile: null, frequency: 'weekly', staffId: null, active: true,
        createdAt: '2026-11-01T09:00:00.000Z', updatedAt: '2026-11-01T09:00:00.000Z',
      });
      on.clock.set('2026-11-23T08:00:00Z');
      const summary = await on.app.digests.scheduler?.tick();
      assert.equal(summary?.sent, 1);
      assert.equal(smtp.received.length, 1);
    } finally {
      await on.stop();
    }
  });

  it('when an admin runs the job and a send fails, then the failure summary shows it with its reason', async () => {
    t.clock.set('2026-11-01T09:00:00Z');
    await api('/subscriptions', { method: 'POST', body: JSON.stringify({ wardCodes: [BOSTON_CASTLE], email: 'a@example.gov.uk' }) });
    await api('/subscriptions', { method: 'POST', body: JSON.stringify({ wardCodes: [BOSTON_CASTLE], email: 'b@example.gov.uk' }) });
    t.clock.set('2026-11-23T08:00:00Z');
    smtp.refuseNext = [550];

    const run = (await (await api('/run', { method: 'POST' })).json()) as { sent: number; failed: number };
    const again = (await (await api('/run', { method: 'POST' })).json()) as { sent: number; skipped: number };
    const failures = (await (await api('/failures')).json()) as { counts: Record<string, number>; byReason: { reason: string }[] };
    const ledger = (await (await api('/ledger?status=failed')).json()) as { entries: { status: string }[] };

    assert.deepEqual([run.sent, run.failed], [1, 1]);
    assert.deepEqual([again.sent, again.skipped], [0, 2]);
    assert.deepEqual(failures.counts, { sending: 0, sent: 1, failed: 1, abandoned: 0 });
    assert.deepEqual(failures.byReason.map((r) => r.reason), ['smtp 550']);
    assert.deepEqual(ledger.entries.map((e) => e.status), ['failed']);
    assert.equal((await api('/ledger?status=lost')).status, 400);
    assert.equal(smtp.received.length, 1);
  });
});
