/**
 * Claims under contention, through the real server and the embedded store: two workers never hold one referral.
 */
import assert from 'node:assert/strict';
import type { Referral } from '../services/referrals/model';
import { clientWithSession, createStaffFast, type HubClient } from './support/hubClient';
import { makeReferral, numbered } from './support/referralFactory';
import { startTestApp, type TestApp } from './support/testApp';

describe('hub claims under contention', function () {
  this.timeout(60_000);
  let t: TestApp;
  let workers: HubClient[];

  beforeEach(async () => {
    t = await startTestApp();
    workers = [];
    for (let i = 0; i < 50; i += 1) workers.push(await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'hub-worker', i)));
  });
  afterEach(async () => {
    await t.stop();
  });

  it('when 50 workers claim the same referral at once, then exactly one gets it and 49 are told it is taken', async () => {
    await t.app.store.referrals.insertIfAbsent(makeReferral(numbered(1)));

    const results = await Promise.all(workers.map((w) => w.post<{ referral: Referral }>('/api/hub/referrals/referral-1/claim')));

    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1);
    assert.equal(statuses.filter((s) => s === 409).length, 49);
    const winner = results.find((r) => r.status === 200)?.body.referral.assignee;
    const stored = await t.app.store.referrals.get('referral-1');
    assert.equal(stored?.assignee, winner);
    assert.equal(stored?.history.filter((h) => h.to === 'claimed').length, 1);
    assert.equal((await t.app.store.audit.list({ subject: 'referral-1', action: 'hub.referral.claimed' })).length, 1);
  });

  it('when 50 workers keep pulling the next referral from 1,000, then every referral is handed out exactly once', async () => {
    const base = Date.parse('2026-11-16T09:00:00.000Z');
    const referrals = Array.from({ length: 1000 }, (_, i) =>
      makeReferral({ ...numbered(i + 1), createdAt: new Date(base - i * 1000).toISOString(), urgent: i % 10 === 0, urgencyReasons: i % 10 === 0 ? ['danger'] : [] }),
    );
    for (const referral of referrals) await t.app.store.referrals.insertIfAbsent(referral);

    const pulled = await Promise.all(
      workers.map(async (worker) => {
        const mine: { id: string; assignee: string | null; urgent: boolean }[] = [];
        for (;;) {
          const res = await worker.post<{ referral: Referral }>('/api/hub/referrals/next');
          if (res.status === 404) return mine;
          assert.equal(res.status, 200);
          mine.push({ id: res.body.referral.id, assignee: res.body.referral.assignee, urgent: res.body.referral.urgent });
        }
      }),
    );

    const all = pulled.flat();
    assert.equal(all.length, 1000);
    assert.equal(new Set(all.map((r) => r.id)).size, 1000);
    assert.equal(await t.app.store.referrals.count({ status: ['new'] }), 0);
    // Each worker's own pulls follow the queue order: every urgent one before any other.
    for (const mine of pulled) {
      const firstStandard = mine.findIndex((r) => !r.urgent);
      assert.ok(firstStandard === -1 || mine.slice(firstStandard).every((r) => !r.urgent));
    }
    // And each referral's assignee is the worker who was handed it.
    const stored = new Map((await t.app.store.referrals.list({ status: ['claimed'] })).map((r) => [r.id, r.assignee]));
    for (const r of all) assert.equal(stored.get(r.id), r.assignee);
  });
});
