/**
 * The ward digest part of the store contract: subscriptions, the sent-ledger, locks and the counts, run against
 * every store by test/store.contract.test.ts.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { DigestPeriod, DigestSubscription, WardTally } from '../../services/digests/model';
import { PlaceList } from '../../services/digests/places';
import { tallyReferrals } from '../../services/digests/tally';
import type { Referral } from '../../services/referrals/model';
import type { LedgerClaim, Store } from '../../services/store/types';
import { arbitraryReferrals, EXAMPLE_PLACES, WEEK, WEEK_BEFORE } from './digestFixtures';
import { makeReferral, numbered } from './referralFactory';

const WARD = 'E05012996';
const OTHER_WARD = 'E05013010';

function subscription(n: number, overrides: Partial<DigestSubscription> = {}): DigestSubscription {
  return {
    id: `sub-${n}`,
    wardCodes: [WARD],
    email: `councillor${n}@example.gov.uk`,
    mobile: null,
    frequency: 'weekly',
    staffId: null,
    active: true,
    createdAt: `2026-11-0${n}T09:00:00.000Z`,
    updatedAt: `2026-11-0${n}T09:00:00.000Z`,
    ...overrides,
  };
}

function claimFor(overrides: Partial<LedgerClaim> = {}): LedgerClaim {
  return {
    subscriptionId: 'sub-1',
    wardCode: WARD,
    period: WEEK,
    channel: 'email',
    owner: 'instance-a',
    now: '2026-11-23T08:00:00.000Z',
    leaseMs: 600_000,
    ...overrides,
  };
}

/** Tallies in a canonical order, so two stores' answers compare with deepEqual. */
export function canonical(tallies: WardTally[]): WardTally[] {
  return [...tallies]
    .map((t) => ({
      ...t,
      asbPlaces: Object.fromEntries(Object.entries(t.asbPlaces).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      pickupMinutes: [...t.pickupMinutes].sort((a, b) => a[0] - b[0]),
    }))
    .sort((a, b) => (a.wardCode ?? '').localeCompare(b.wardCode ?? ''));
}

/** Places every unplaced ASB report in the period, as the digest service does before counting. */
async function placeAll(store: Store, places: PlaceList, period: Pick<DigestPeriod, 'start' | 'end'>): Promise<void> {
  const rows = await store.digestStats.unplacedAsb(period, places.version, 100_000);
  await store.digestStats.setPlaces(places.version, rows.map((r) => ({ referralId: r.referralId, ...places.match(r.location, r.wardCode, r.postcode) })));
}

export function digestContract(getStore: () => Store): void {
  describe('digest subscriptions', () => {
    it('when a subscription is created, then it reads back whole and lists oldest first', async () => {
      const store = getStore();
      await store.digestSubscriptions.create(subscription(2));
      await store.digestSubscriptions.create(subscription(1, { wardCodes: [WARD, OTHER_WARD], mobile: '+447700900123', staffId: 'staff-9' }));

      assert.deepEqual(await store.digestSubscriptions.get('sub-1'), subscription(1, { wardCodes: [WARD, OTHER_WARD], mobile: '+447700900123', staffId: 'staff-9' }));
      assert.deepEqual((await store.digestSubscriptions.list()).map((s) => s.id), ['sub-1', 'sub-2']);
      assert.equal(await store.digestSubscriptions.get('sub-unknown'), null);
    });

    it('when listed by ward or by active, then only matching subscriptions come back', async () => {
      const store = getStore();
      await store.digestSubscriptions.create(subscription(1));
      await store.digestSubscriptions.create(subscription(2, { wardCodes: [OTHER_WARD] }));
      await store.digestSubscriptions.create(subscription(3, { wardCodes: [WARD, OTHER_WARD], active: false }));

      assert.deepEqual((await store.digestSubscriptions.list({ wardCode: OTHER_WARD })).map((s) => s.id), ['sub-2', 'sub-3']);
      assert.deepEqual((await store.digestSubscriptions.list({ active: true })).map((s) => s.id), ['sub-1', 'sub-2']);
      assert.deepEqual((await store.digestSubscriptions.list({ active: true, wardCode: WARD })).map((s) => s.id), ['sub-1']);
    });

    it('when updated or deleted, then the change is kept, and unknown ids are reported as such', async () => {
      const store = getStore();
      await store.digestSubscriptions.create(subscription(1));

      assert.equal(await store.digestSubscriptions.update(subscription(1, { active: false, frequency: 'monthly' })), true);
      assert.equal(await store.digestSubscriptions.update(subscription(4)), false);
      assert.equal((await store.digestSubscriptions.get('sub-1'))?.frequency, 'monthly');
      assert.deepEqual(await store.digestSubscriptions.list({ active: true }), []);
      assert.equal(await store.digestSubscriptions.delete('sub-1'), true);
      assert.equal(await store.digestSubscriptions.delete('sub-1'), false);
      assert.equal(await store.digestSubscriptions.get('sub-1'), null);
    });

    it('when a subscription has a ward code that is not a GSS ward code, then it is refused', async () => {
      await assert.rejects(getStore().digestSubscriptions.create(subscription(1, { wardCodes: ['Boston Castle'] })));
    });
  });

  describe('digest ledger', () => {
    it('when a digest is claimed for the first time, then the claimant owns it and nobody else can claim it', async () => {
      const store = getStore();
      const entry = await store.digestLedger.claim(claimFor());

      assert.equal(entry?.status, 'sending');
      assert.equal(entry?.attempts, 1);
      assert.equal(entry?.claimedBy, 'instance-a');
      assert.equal(entry?.leaseUntil, '2026-11-23T08:10:00.000Z');
      assert.deepEqual(entry?.period, WEEK);
      assert.equal(await store.digestLedger.claim(claimFor({ owner: 'instance-b' })), null);
      assert.equal(await store.digestLedger.claim(claimFor()), null, 'not even twice by the same instance');
    });

    it('when another channel, ward or period is claimed, then it is a separate entry', async () => {
      const store = getStore();
      assert.ok(await store.digestLedger.claim(claimFor()));
      assert.ok(await store.digestLedger.claim(claimFor({ channel: 'sms' })));
      assert.ok(await store.digestLedger.claim(claimFor({ wardCode: OTHER_WARD })));
      assert.ok(await store.digestLedger.claim(claimFor({ period: WEEK_BEFORE })));
      assert.ok(await store.digestLedger.claim(claimFor({ subscriptionId: 'sub-2' })));
      assert.equal((await store.digestLedger.list()).length, 5);
    });

    it('when 20 instances claim the same digest at once, then exactly one gets it', async () => {
      const store = getStore();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.digestLedger.claim(claimFor({ owner: `instance-${i}` }))));
      assert.equal(results.filter((r) => r !== null).length, 1);
    });

    it('when the owner marks it sent, then it is sent for good; someone else cannot settle it', async () => {
      const store = getStore();
      const entry = await store.digestLedger.claim(claimFor());
      const key = entry?.key ?? assert.fail('not claimed');

      assert.equal(await store.digestLedger.markSent(key, 'instance-b', { at: '2026-11-23T08:00:01.000Z', providerId: 'x' }), false);
      assert.equal(await store.digestLedger.markSent(key, 'instance-a', { at: '2026-11-23T08:00:02.000Z', providerId: 'msg-1' }), true);
      const sent = await store.digestLedger.get(key);
      assert.equal(sent?.status, 'sent');
      assert.equal(sent?.sentAt, '2026-11-23T08:00:02.000Z');
      assert.equal(sent?.providerId, 'msg-1');
      assert.equal(await store.digestLedger.claim(claimFor({ now: '2026-12-01T00:00:00.000Z' })), null, 'a sent digest is never claimed again');
    });

    it('when a send fails, then it can be claimed again only once its retry is due, and is given up when told to', async () => {
      const store = getStore();
      const key = (await store.digestLedger.claim(claimFor()))?.key ?? assert.fail('not claimed');
      assert.equal(await store.digestLedger.markFailed(key, 'instance-a', { at: '2026-11-23T08:00:01.000Z', error: 'smtp 451', nextAttemptAt: '2026-11-23T08:05:01.000Z' }), true);

      assert.equal((await store.digestLedger.get(key))?.status, 'failed');
      assert.equal(await store.digestLedger.claim(claimFor({ owner: 'instance-b', now: '2026-11-23T08:05:00.000Z' })), null, 'not yet due');
      assert.deepEqual((await store.digestLedger.dueRetries('2026-11-23T08:05:00.000Z')).map((e) => e.key), []);
      assert.deepEqual((await store.digestLedger.dueRetries('2026-11-23T08:05:01.000Z')).map((e) => e.key), [key]);
      const retry = await store.digestLedger.claim(claimFor({ owner: 'instance-b', now: '2026-11-23T08:05:01.000Z' }));
      assert.equal(retry?.attempts, 2);
      assert.equal(retry?.claimedBy, 'instance-b');
      assert.equal(retry?.lastError, 'smtp 451', 'the last failure stays visible while retrying');

      await store.digestLedger.markFailed(key, 'instance-b', { at: '2026-11-23T08:05:02.000Z', error: 'smtp 550', nextAttemptAt: null });
      const abandoned = await store.digestLedger.get(key);
      assert.equal(abandoned?.status, 'abandoned');
      assert.equal(abandoned?.lastError, 'smtp 550');
      assert.equal(await store.digestLedger.claim(claimFor({ now: '2027-01-01T00:00:00.000Z' })), null);
      assert.deepEqual(await store.digestLedger.dueRetries('2027-01-01T00:00:00.000Z'), []);
    });

    it('when a claimant dies mid-send, then after its lease another instance takes over and the first can no longer settle it', async () => {
      const store = getStore();
      const key = (await store.digestLedger.claim(claimFor()))?.key ?? assert.fail('not claimed');

      assert.equal(await store.digestLedger.claim(claimFor({ owner: 'instance-b', now: '2026-11-23T08:09:59.999Z' })), null);
      const taken = await store.digestLedger.claim(claimFor({ owner: 'instance-b', now: '2026-11-23T08:10:00.000Z' }));
      assert.equal(taken?.claimedBy, 'instance-b');
      assert.equal(taken?.attempts, 2);
      assert.equal(await store.digestLedger.markSent(key, 'instance-a', { at: '2026-11-23T08:10:01.000Z', providerId: null }), false);
      assert.equal(await store.digestLedger.markSent(key, 'instance-b', { at: '2026-11-23T08:10:02.000Z', providerId: null }), true);
    });

    it('when listed and counted, then filters apply, newest comes first and every status is counted', async () => {
      const store = getStore();
      const a = await store.digestLedger.claim(claimFor({ now: '2026-11-23T08:00:00.000Z' }));
      const b = await store.digestLedger.claim(claimFor({ subscriptionId: 'sub-2', now: '2026-11-23T08:01:00.000Z' }));
      await store.digestLedger.claim(claimFor({ subscriptionId: 'sub-3', now: '2026-11-23T08:02:00.000Z' }));
      await store.digestLedger.markSent(a?.key ?? '', 'instance-a', { at: '2026-11-23T08:03:00.000Z', providerId: null });
      await store.digestLedger.markFailed(b?.key ?? '', 'instance-a', { at: '2026-11-23T08:04:00.000Z', error: 'network', nextAttemptAt: '2026-11-23T09:00:00.000Z' });

      assert.deepEqual((await store.digestLedger.list()).map((e) => e.subscriptionId), ['sub-2', 'sub-1', 'sub-3']);
      assert.deepEqual((await store.digestLedger.list({ status: ['failed', 'sending'] })).map((e) => e.subscriptionId), ['sub-2', 'sub-3']);
      assert.deepEqual((await store.digestLedger.list({ subscriptionId: 'sub-1' })).map((e) => e.status), ['sent']);
      assert.equal((await store.digestLedger.list({ limit: 1 })).length, 1);
      assert.deepEqual(await store.digestLedger.countByStatus(), { sending: 1, sent: 1, failed: 1, abandoned: 0 });
    });
  });

  describe('locks', () => {
    const at = (minute: number) => `2026-11-23T08:${String(minute).padStart(2, '0')}:00.000Z`;

    it('when one owner holds the lock, then others are refused until it expires or is released', async () => {
      const { locks } = getStore();
      assert.equal(await locks.acquire('digests', 'a', at(0), 5 * 60_000), true);
      assert.equal(await locks.acquire('digests', 'b', at(1), 5 * 60_000), false);
      assert.equal(await locks.acquire('digests', 'a', at(2), 5 * 60_000), true, 'the holder renews');
      assert.equal(await locks.acquire('digests', 'b', at(6), 5 * 60_000), false, 'renewed until 08:07');
      assert.equal(await locks.acquire('other-job', 'b', at(6), 5 * 60_000), true, 'locks are per name');
      assert.equal(await locks.acquire('digests', 'b', at(7), 5 * 60_000), true, 'expired');
      await locks.release('digests', 'a');
      assert.equal(await locks.acquire('digests', 'c', at(8), 5 * 60_000), false, 'a can no longer release what b holds');
      await locks.release('digests', 'b');
      assert.equal(await locks.acquire('digests', 'c', at(8), 5 * 60_000), true);
    });

    it('when 10 instances take the lock at once, then exactly one gets it', async () => {
      const { locks } = getStore();
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => locks.acquire('digests', `owner-${i}`, at(0), 60_000)));
      assert.equal(results.filter(Boolean).length, 1);
    });
  });

  describe('digest counts', () => {
    const places = new PlaceList(EXAMPLE_PLACES);

    it('when referrals are counted for a period, then the store agrees with the pure definition in tally.ts', async () => {
      const store = getStore();
      const referrals: Referral[] = [
        makeReferral({ ...numbered(1), ward: { code: WARD, name: 'Boston Castle', source: 'postcode-table' }, createdAt: '2026-11-16T09:00:00.000Z' }),
        makeReferral({
          ...numbered(2),
          kind: 'cost-of-living',
          ward: { code: WARD, name: 'Boston Castle', source: 'postcode-table' },
          createdAt: '2026-11-17T09:00:00.000Z',
          answers: { kind: 'cost-of-living', needs: ['food', 'energy', 'food'], postcode: 'S60 9ZZ', signposted: [], notes: 'Jo at 12 High St' },
          urgent: true,
          urgencyReasons: ['safeguarding'],
          history: [
            { at: '2026-11-17T09:00:00.000Z', actor: 'resident', from: null, to: 'new', why: 'submitted' },
            { at: '2026-11-17T10:30:59.000Z', actor: 'staff-1', from: 'new', to: 'claimed', why: 'claimed' },
            { at: '2026-11-18T10:00:00.000Z', actor: 'staff-1', from: 'claimed', to: 'closed', why: 'done' },
          ],
          status: 'closed',
        }),
        makeReferral({
          ...numbered(3),
          kind: 'asb',
          ward: { code: null, name: null, source: 'unknown' },
          createdAt: '2026-11-18T09:00:00.000Z',
          answers: { kind: 'asb', asbType: 'drugs', location: 'by the gates of Clifton Park', postcode: null, when: 'ongoing', frequency: 'daily', dangerNow: false, description: null },
        }),
        makeReferral({
          ...numbered(4),
          kind: 'asb',
          ward: { code: null, name: null, source: 'unknown' },
          createdAt: '2026-11-19T09:00:00.000Z',
          answers: { kind: 'asb', asbType: 'noise', location: 'my street', postcode: null, when: 'now', frequency: null, dangerNow: false, description: null },
        }),
        makeReferral({
          ...numbered(5),
          createdAt: '2026-11-09T09:00:00.000Z',
          ward: { code: OTHER_WARD, name: 'Rotherham East', source: 'postcode-table' },
          history: [
            { at: '2026-11-09T09:00:00.000Z', actor: 'resident', from: null, to: 'new', why: 'submitted' },
            { at: '2026-11-20T09:00:00.000Z', actor: 'resident', from: 'new', to: 'withdrawn', why: 'withdrawn' },
          ],
          status: 'withdrawn',
        }),
      ];
      for (const r of referrals) await store.referrals.insertIfAbsent(r);
      await placeAll(store, places, WEEK);

      const tallies = canonical(await store.digestStats.tally(WEEK));

      assert.deepEqual(tallies, canonical(tallyReferrals(referrals, places, WEEK)));
      const ward = tallies.find((t) => t.wardCode === WARD) ?? assert.fail('no tally for the ward');
      assert.deepEqual(ward.raised, { befriending: 1, 'cost-of-living': 1, asb: 1 }, 'the ASB report naming Clifton Park counts in its ward');
      assert.deepEqual(ward.needs, { food: 1, energy: 1, 'money-advice': 0, 'warm-spaces': 0, 'housing-costs': 0 });
      assert.deepEqual(ward.asbPlaces, { 'place:Clifton Park': 1 });
      assert.deepEqual(ward.pickupMinutes, [[90, 1]]);
      assert.equal(ward.safeguarding, 1);
      assert.deepEqual(ward.finished, { 'referred-on': 0, closed: 1, withdrawn: 0 });
      assert.deepEqual(tallies.find((t) => t.wardCode === null)?.asbPlaces, { '': 1 });
      assert.deepEqual(tallies.find((t) => t.wardCode === OTHER_WARD)?.finished, { 'referred-on': 0, closed: 0, withdrawn: 1 }, 'finished this week though raised before');
    });

    it('when random referrals are counted, then the store always agrees with tally.ts', async function () {
      this.timeout(60_000);
      const store = getStore();
      let batch = 0;
      await fc.assert(
        fc.asyncProperty(arbitraryReferrals(12), async (referrals) => {
          batch += 1;
          const mine = referrals.map((r, i) => ({ ...r, ...numbered(batch * 100 + i), conversationId: `batch-${batch}` }));
          for (const r of mine) await store.referrals.insertIfAbsent(r);
          for (const period of [WEEK, WEEK_BEFORE]) {
            await placeAll(store, places, period);
            const all = await store.referrals.list();
            assert.deepEqual(canonical(await store.digestStats.tally(period)), canonical(tallyReferrals(all, places, period)));
          }
        }),
        { numRuns: 15, seed: 20261123 },
      );
    });

    it('when ASB reports are placed, then they are no longer unplaced for that list, but are again for a new list', async () => {
      const store = getStore();
      const asb = (n: number, createdAt: string, history?: Referral['history']) =>
        makeReferral({
          ...numbered(n),
          kind: 'asb',
          createdAt,
          answers: { kind: 'asb', asbType: 'noise', location: 'High Street', postcode: 'S60 2AB', when: 'now', frequency: null, dangerNow: false, description: null },
          ...(history ? { history, status: 'withdrawn' as const } : {}),
        });
      await store.referrals.insertIfAbsent(asb(1, '2026-11-17T10:00:00.000Z'));
      await store.referrals.insertIfAbsent(asb(2, '2026-11-10T10:00:00.000Z'));
      await store.referrals.insertIfAbsent(makeReferral({ ...numbered(3), createdAt: '2026-11-17T10:00:00.000Z' }));
      // Raised long before, finished this week: the week's outcomes count it, so it needs its place too.
      await store.referrals.insertIfAbsent(
        asb(4, '2026-10-01T10:00:00.000Z', [
          { at: '2026-10-01T10:00:00.000Z', actor: 'resident', from: null, to: 'new', why: 'submitted' },
          { at: '2026-11-18T10:00:00.000Z', actor: 'resident', from: 'new', to: 'withdrawn', why: 'withdrawn' },
        ]),
      );

      const unplaced = await store.digestStats.unplacedAsb(WEEK, places.version, 10);
      assert.deepEqual(
        unplaced.sort((a, b) => a.referralId.localeCompare(b.referralId)),
        ['referral-1', 'referral-4'].map((referralId) => ({ referralId, wardCode: 'E05012345', location: 'High Street', postcode: 'S60 2AB' })),
      );
      await store.digestStats.setPlaces(places.version, [
        { referralId: 'referral-1', place: 'sector:S60 2', placeWard: null },
        { referralId: 'referral-4', place: 'sector:S60 2', placeWard: null },
      ]);
      assert.deepEqual(await store.digestStats.unplacedAsb(WEEK, places.version, 10), []);
      assert.equal((await store.digestStats.unplacedAsb(WEEK, 'a-newer-list', 10)).length, 2);
      assert.equal((await store.digestStats.unplacedAsb(WEEK, 'a-newer-list', 1)).length, 1, 'at most the limit');
      assert.deepEqual((await store.digestStats.tally(WEEK)).find((t) => t.wardCode === 'E05012345')?.asbPlaces, { 'sector:S60 2': 1 });
    });
  });
}
