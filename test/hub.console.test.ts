/**
 * The console's pages over HTTP, as a browser without JavaScript would use them: sign-in by form, who sees which
 * page, the admin's subject access forms, escaping and security headers.
 */
import assert from 'node:assert/strict';
import type { StaffRole, StaffUser } from '../services/store/types';
import { TEST_PASSWORD, clientWithSession, createStaff, createStaffFast, HubClient } from './support/hubClient';
import { makeReferral, numbered } from './support/referralFactory';
import { startTestApp, type TestApp } from './support/testApp';

function csrfIn(page: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  assert.ok(match, 'no CSRF field on the page');
  return match[1] ?? '';
}

describe('the staff console pages', () => {
  let t: TestApp;
  let users: Record<StaffRole, StaffUser>;

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

  const as = (role: StaffRole): Promise<HubClient> => clientWithSession(t.app, t.url, users[role]);

  it('when someone not signed in opens the queue, then they are sent to sign in', async () => {
    const res = await new HubClient(t.url).get('/hub/queue');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/hub/login');
  });

  it('when a worker signs in with the form, then they land on the queue; a wrong password shows an error summary', async () => {
    await createStaff(t.app, 'hub-worker', 'form@example.org');
    const client = new HubClient(t.url);
    const login = await client.get<string>('/hub/login');

    const wrong = await client.request<string>('POST', '/hub/login', { form: { csrf: csrfIn(login.body), email: 'form@example.org', password: 'not the password' }, csrf: null });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /govuk-error-summary/);
    assert.match(wrong.body, /The email address or password is not right/);

    const right = await client.request('POST', '/hub/login', { form: { csrf: csrfIn(wrong.body), email: 'form@example.org', password: TEST_PASSWORD }, csrf: null });
    assert.equal(right.status, 303);
    const home = await client.get('/hub');
    assert.equal(home.headers.get('location'), '/hub/queue');
    assert.equal((await client.get('/hub/queue')).status, 200);
  });

  it('when a page is served, then it carries a strict Content-Security-Policy and is not cached', async () => {
    const res = await (await as('hub-worker')).get('/hub/queue');
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self' 'nonce-[^']+'; style-src 'self'/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  });

  it("when a resident's answers contain markup, then the page shows it as text", async () => {
    await t.app.store.referrals.insertIfAbsent(
      makeReferral({ ...numbered(1), contact: { anonymous: false, name: '<img src=x onerror=alert(1)>', method: 'phone', phone: '07700 900123', bestTime: 'any' } }),
    );
    const page = await (await as('hub-worker')).get<string>('/hub/referrals/referral-1');

    assert.equal(page.status, 200);
    assert.doesNotMatch(page.body, /<img src=x/);
    assert.match(page.body, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it('when an ASB reporter answered the sharing question, then the referral page says whether their details may go to that body', async () => {
    const asb = makeReferral({ kind: 'asb' });
    await t.app.store.referrals.insertIfAbsent(
      makeReferral({ ...numbered(1), kind: 'asb', answers: asb.answers, sharing: { body: 'rotherham-asb-team', agreed: false, wordingVersion: 'asb-sharing-2026-11-v1', at: '2026-11-16T09:00:00.000Z' } }),
    );
    const page = await (await as('hub-worker')).get<string>('/hub/referrals/referral-1');
    assert.match(page.body, /Details may go to rotherham-asb-team \(Open311\)<\/dt><dd class="govuk-summary-list__value">No</);
  });

  it('when the holder sets the ward with the form, then the page shows it as set by staff with the change in its history; a ward not in the list shows an error', async () => {
    const unknown = { code: null, name: null, source: 'unknown' } as const;
    await t.app.store.referrals.insertIfAbsent(makeReferral({ ...numbered(1), status: 'claimed', assignee: users['hub-worker'].id, version: 1, ward: unknown }));
    const worker = await as('hub-worker');
    const before = await worker.get<string>('/hub/referrals/referral-1');
    assert.match(before.body, /Ward<\/dt><dd class="govuk-summary-list__value">Not known</);
    assert.match(before.body, /<h2 class="govuk-heading-m">Set the ward<\/h2>/);
    assert.match(before.body, /<option value="E05012996">Boston Castle<\/option>/);

    const wrong = await worker.request<string>('POST', '/hub/referrals/referral-1/ward', { form: { csrf: csrfIn(before.body), version: '1', ward: 'E05009853', why: 'Resident gave their street.' }, csrf: null });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /govuk-error-summary/);
    assert.match(wrong.body, /href="#ward-code">There is no ward E05009853 in Rotherham/);
    assert.equal((await t.app.store.referrals.get('referral-1'))?.ward.code, null);

    const set = await worker.request('POST', '/hub/referrals/referral-1/ward', { form: { csrf: csrfIn(before.body), version: '1', ward: 'E05012996', why: 'Resident gave their street.' }, csrf: null });
    assert.equal(set.status, 303);
    assert.equal(set.headers.get('location'), '/hub/referrals/referral-1?done=ward');
    const after = await worker.get<string>('/hub/referrals/referral-1?done=ward');
    assert.match(after.body, /Ward updated\./);
    assert.match(after.body, /Ward<\/dt><dd class="govuk-summary-list__value">Boston Castle \(set by staff\)</);
    assert.match(after.body, /<td class="govuk-table__cell">Ward not known to Boston Castle<\/td><td class="govuk-table__cell">Resident gave their street\.<\/td>/);
    assert.match(after.body, /<h2 class="govuk-heading-m">Correct the ward<\/h2>/);
    assert.match(after.body, /<option value="E05012996" selected>Boston Castle<\/option>/);
  });

  it('when a worker opens a referral someone else holds, then there is no ward form, and posting one anyway is refused', async () => {
    const other = await createStaffFast(t.app, 'hub-worker', 2);
    await t.app.store.referrals.insertIfAbsent(makeReferral({ ...numbered(1), status: 'claimed', assignee: other.id, version: 1 }));
    const worker = await as('hub-worker');
    const page = await worker.get<string>('/hub/referrals/referral-1');
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.body, /action="\/hub\/referrals\/referral-1\/ward"/);

    const refused = await worker.request('POST', '/hub/referrals/referral-1/ward', { form: { csrf: csrfIn(page.body), version: '1', ward: 'E05012996', why: 'moved' }, csrf: null });
    assert.equal(refused.status, 403);
    assert.equal((await t.app.store.referrals.get('referral-1'))?.ward.code, 'E05012345');
  });

  it('when a lead opens the team page, then it lists workload by person; a worker is refused', async () => {
    await t.app.store.referrals.insertIfAbsent(makeReferral({ ...numbered(1), status: 'claimed', assignee: users['hub-worker'].id }));

    const lead = await (await as('hub-lead')).get<string>('/hub/team');
    const worker = await (await as('hub-worker')).get<string>('/hub/team');

    assert.equal(lead.status, 200);
    assert.match(lead.body, /hub-worker-1@example.org/);
    assert.equal(worker.status, 403);
  });

  it("when a councillor signs in, then they see their wards' counts and can open no referral", async () => {
    const ward = { code: 'E05012996', name: 'Boston Castle', source: 'postcode-table' } as const;
    await t.app.store.referrals.insertIfAbsent(makeReferral({ ...numbered(1), ward, createdAt: '2026-11-10T10:00:00.000Z' }));
    const councillor = await as('councillor');

    assert.equal((await councillor.get('/hub')).headers.get('location'), '/hub/wards');
    const wards = await councillor.get<string>('/hub/wards');
    assert.equal(wards.status, 200);
    assert.match(wards.body, /Boston Castle/);
    assert.match(wards.body, /from 9 to 15 November 2026/);
    assert.match(wards.body, /fewer than 5/, 'one referral last week is not shown as 1');
    assert.doesNotMatch(wards.body, /Test Resident|07700|HUB-000001/);
    assert.equal((await councillor.get('/hub/queue')).status, 403);
    assert.equal((await councillor.get('/hub/referrals/referral-1')).status, 403);
  });

  it('when an admin exports from the console, then a JSON file comes back; erasing needs the confirmation box', async () => {
    await t.app.store.referrals.insertIfAbsent(makeReferral(numbered(1)));
    const admin = await as('admin');
    const page = await admin.get<string>('/hub/admin');
    const csrf = csrfIn(page.body);

    const exported = await admin.request<{ referrals: unknown[] }>('POST', '/hub/admin/subject-access', { form: { csrf, phone: '07700 900123', email: '', action: 'export' }, csrf: null });
    assert.equal(exported.status, 200);
    assert.match(exported.headers.get('content-disposition') ?? '', /attachment/);
    assert.equal(exported.body.referrals.length, 1);

    const unconfirmed = await admin.request<string>('POST', '/hub/admin/subject-access', { form: { csrf, phone: '07700 900123', action: 'erase' }, csrf: null });
    assert.equal(unconfirmed.status, 400);
    assert.match(unconfirmed.body, /Tick the box/);
    assert.equal(await t.app.store.referrals.count(), 1);

    const erased = await admin.request<string>('POST', '/hub/admin/subject-access', { form: { csrf, phone: '07700 900123', action: 'erase', confirm: 'true' }, csrf: null });
    assert.equal(erased.status, 200);
    assert.match(erased.body, /Erased 1 referral and 0 conversation records/);
    assert.equal(await t.app.store.referrals.count(), 0);
  });

  it('when the GOV.UK Frontend assets are asked for, then they are served, with the stylesheet pointing at them', async () => {
    const client = new HubClient(t.url);
    const css = await client.get<string>('/hub/static/govuk-frontend.min.css');
    assert.equal(css.status, 200);
    assert.match(css.body, /url\(\/hub\/assets\/fonts\//);
    assert.doesNotMatch(css.body, /url\(\/assets\//);
    assert.equal((await client.get('/hub/assets/fonts/bold-b542beb274-v2.woff2')).status, 200);
    assert.equal((await client.get('/hub/static/hub.js')).status, 200);
    assert.equal((await client.get('/hub/static/../../package.json')).status, 404);
  });
});
