/**
 * The staff console's part of the store contract (issue 5), run by test/store.contract.test.ts against every store.
 */
import assert from 'node:assert/strict';
import type { Referral } from '../../services/referrals/model';
import {
  DuplicateStaffEmailError,
  StaleReferralError,
  type StaffSession,
  type StaffUser,
  type Store,
} from '../../services/store/types';
import { WEEK } from './digestFixtures';
import { FIXED_TIME, makeReferral, numbered } from './referralFactory';

const LATER = '2026-11-16T11:00:00.000Z';

export function staffUserFixture(overrides: Partial<StaffUser> = {}): StaffUser {
  return {
    id: 'staff-1',
    email: 'worker@example.org',
    role: 'hub-worker',
    wards: [],
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
    disabled: false,
    failedLogins: 0,
    lockedUntil: null,
    createdAt: FIXED_TIME,
    lastLoginAt: null,
    ...overrides,
  };
}

function session(overrides: Partial<StaffSession> = {}): StaffSession {
  return {
    id: 'session-hash-1',
    staffId: 'staff-1',
    csrfToken: 'csrf-1',
    createdAt: FIXED_TIME,
    expiresAt: '2026-11-16T10:30:00.000Z',
    absoluteExpiresAt: '2026-11-16T18:00:00.000Z',
    ...overrides,
  };
}

const ids = (referrals: { id: string }[]): string[] => referrals.map((r) => r.id);

export function hubStoreContract(currentStore: () => Store): void {
  describe('the staff console queue', () => {
    let store: Store;
    beforeEach(() => {
      store = currentStore();
    });

    async function insert(...referrals: Referral[]): Promise<void> {
      for (const referral of referrals) await store.referrals.insertIfAbsent(referral);
    }

    it('when a new referral is claimed, then it is claimed by that worker with a history entry and a new version', async () => {
      await insert(makeReferral(numbered(1)));

      const claimed = await store.referrals.claim('referral-1', 'staff-1', LATER);

      assert.equal(claimed?.status, 'claimed');
      assert.equal(claimed?.assignee, 'staff-1');
      assert.equal(claimed?.version, 1);
      assert.equal(claimed?.updatedAt, LATER);
      assert.deepEqual(claimed?.history.at(-1), { at: LATER, actor: 'staff-1', from: 'new', to: 'claimed', why: 'claimed from the queue' });
      assert.deepEqual(await store.referrals.get('referral-1'), claimed);
    });

    it('when a referral is already claimed or unknown, then claim returns null and changes nothing', async () => {
      await insert(makeReferral(numbered(1)));
      const first = await store.referrals.claim('referral-1', 'staff-1', LATER);

      assert.equal(await store.referrals.claim('referral-1', 'staff-2', LATER), null);
      assert.equal(await store.referrals.claim('referral-unknown', 'staff-2', LATER), null);
      assert.deepEqual(await store.referrals.get('referral-1'), first);
    });

    it('when 50 workers claim the same referral at once, then exactly one wins', async () => {
      await insert(makeReferral(numbered(1)));

      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.referrals.claim('referral-1', `staff-${i}`, LATER)),
      );

      const winners = results.filter((r) => r !== null);
      assert.equal(winners.length, 1);
      const stored = await store.referrals.get('referral-1');
      assert.equal(stored?.assignee, winners[0]?.assignee);
      assert.equal(stored?.history.length, 2);
    });

    it('when workers pick up the next referral, then they get urgent first, then the oldest, each one once', async () => {
      await insert(
        makeReferral({ ...numbered(1), createdAt: '2026-11-16T08:00:00.000Z' }),
        makeReferral({ ...numbered(2), createdAt: '2026-11-16T09:00:00.000Z', urgent: true, urgencyReasons: ['danger'] }),
        makeReferral({ ...numbered(3), createdAt: '2026-11-16T07:00:00.000Z', status: 'closed' }),
        makeReferral({ ...numbered(4), createdAt: '2026-11-16T09:30:00.000Z', kind: 'asb' }),
      );

      const picked = [];
      for (let i = 0; i < 4; i += 1) picked.push(await store.referrals.claimNext({}, 'staff-1', LATER));

      assert.deepEqual(picked.map((r) => r?.id ?? null), ['referral-2', 'referral-1', 'referral-4', null]);
      assert.equal(picked[0]?.history.at(-1)?.why, 'picked up as next in the queue');
    });

    it('when next is filtered by kind or ward, then only a matching referral is claimed', async () => {
      await insert(
        makeReferral({ ...numbered(1), createdAt: '2026-11-16T08:00:00.000Z' }),
        makeReferral({ ...numbered(2), kind: 'asb', ward: { code: 'E05000002', name: 'Two', source: 'staff' } }),
      );

      assert.equal((await store.referrals.claimNext({ kind: ['asb'] }, 'staff-1', LATER))?.id, 'referral-2');
      assert.equal(await store.referrals.claimNext({ wardCodes: ['E05000002'] }, 'staff-1', LATER), null);
    });

    it('when 20 workers pull next from 100 referrals at once, then no referral is handed out twice', async () => {
      for (let n = 1; n <= 100; n += 1) {
        await insert(makeReferral({ ...numbered(n), createdAt: new Date(Date.parse(FIXED_TIME) - n * 1000).toISOString() }));
      }

      const pulls = await Promise.all(
        Array.from({ length: 20 }, async (_, worker) => {
          const mine: string[] = [];
          for (let r = await store.referrals.claimNext({}, `staff-${worker}`, LATER); r; r = await store.referrals.claimNext({}, `staff-${worker}`, LATER)) {
            mine.push(r.id);
          }
          return mine;
        }),
      );

      const all = pulls.flat();
      assert.equal(all.length, 100);
      assert.equal(new Set(all).size, 100);
      assert.equal(await store.referrals.count({ status: ['new'] }), 0);
    });

    it('when a change carries the current version, then it is applied with history and note, and the version moves on', async () => {
      await insert(makeReferral(numbered(1)));
      const claimed = await store.referrals.claim('referral-1', 'staff-1', LATER);

      const closed = await store.referrals.transition('referral-1', {
        expectedVersion: claimed?.version ?? -1,
        changes: { status: 'closed', outcome: 'befriender-matched' },
        history: { at: LATER, actor: 'staff-1', from: 'claimed', to: 'closed', why: 'matched' },
        note: { at: LATER, actor: 'staff-1', text: 'Matched with a volunteer.' },
        at: LATER,
      });

      assert.equal(closed?.status, 'closed');
      assert.equal(closed?.outcome, 'befriender-matched');
      assert.equal(closed?.version, 2);
      assert.equal(closed?.notes.length, 1);
      assert.equal(closed?.history.length, 3);
      assert.deepEqual(await store.referrals.get('referral-1'), closed);
      assert.equal(await store.referrals.count({ status: ['closed'] }), 1);
    });

    it('when a change carries a stale version, then StaleReferralError is thrown and nothing changes', async () => {
      await insert(makeReferral(numbered(1)));
      await store.referrals.claim('referral-1', 'staff-1', LATER);
      const before = await store.referrals.get('referral-1');

      await assert.rejects(
        store.referrals.transition('referral-1', { expectedVersion: 0, changes: { status: 'in-progress' }, at: LATER }),
        StaleReferralError,
      );
      assert.deepEqual(await store.referrals.get('referral-1'), before);
      assert.equal(await store.referrals.transition('referral-none', { expectedVersion: 0, changes: {}, at: LATER }), null);
    });

    it('when a change sets the ward, then it reads back, and the ward filter, counts and digest tally follow it', async () => {
      const unplaced = makeReferral({ ...numbered(1), ward: { code: null, name: null, source: 'unknown' } });
      await insert(unplaced, makeReferral({ ...numbered(2), ward: { code: 'E05000002', name: 'Two', source: 'postcode-table' } }));
      const wardOf = async (code: string) => ids((await store.referrals.listPage({ wardCodes: [code] }, { offset: 0, limit: 10 })).items);
      const tallied = async () => new Map((await store.digestStats.tally(WEEK)).map((t) => [t.wardCode, t.raised.befriending]));
      assert.deepEqual(await tallied(), new Map([[null, 1], ['E05000002', 1]]));

      const moved = await store.referrals.transition('referral-1', {
        expectedVersion: 0,
        changes: { ward: { code: 'E05000002', name: 'Two', source: 'staff' } },
        history: { at: LATER, actor: 'staff-1', from: 'new', to: 'new', why: 'resident confirmed the street', ward: { from: null, to: 'E05000002' } },
        at: LATER,
      });

      assert.deepEqual(moved?.ward, { code: 'E05000002', name: 'Two', source: 'staff' });
      assert.deepEqual(moved?.history.at(-1)?.ward, { from: null, to: 'E05000002' });
      assert.equal(moved?.status, 'new');
      assert.equal(moved?.version, 1);
      assert.deepEqual(await store.referrals.get('referral-1'), moved);
      assert.deepEqual(await wardOf('E05000002'), ['referral-1', 'referral-2']);
      assert.equal((await store.referrals.counts({ wardCodes: ['E05000002'] }, LATER)).total, 2);
      assert.deepEqual(await tallied(), new Map([['E05000002', 2]]));
    });

    it('when two notes are added at once, then both are kept and the version does not move', async () => {
      await insert(makeReferral(numbered(1)));

      await Promise.all([
        store.referrals.addNote('referral-1', { at: LATER, actor: 'staff-1', text: 'first' }, LATER),
        store.referrals.addNote('referral-1', { at: LATER, actor: 'staff-2', text: 'second' }, LATER),
      ]);

      const stored = await store.referrals.get('referral-1');
      assert.deepEqual(stored?.notes.map((n) => n.text).sort(), ['first', 'second']);
      assert.equal(stored?.version, 0);
      assert.equal(await store.referrals.addNote('referral-none', { at: LATER, actor: 'x', text: 'y' }, LATER), null);
    });

    describe('pages, filters and counts', () => {
      beforeEach(async () => {
        await insert(
          makeReferral({ ...numbered(1), createdAt: '2026-11-16T08:00:00.000Z', slaDueAt: '2026-11-16T09:00:00.000Z' }),
          makeReferral({ ...numbered(2), createdAt: '2026-11-16T08:30:00.000Z', kind: 'asb', urgent: true, urgencyReasons: ['danger'] }),
          makeReferral({
            ...numbered(3),
            createdAt: '2026-11-16T07:00:00.000Z',
            status: 'in-progress',
            assignee: 'staff-1',
            slaDueAt: '2026-11-16T09:30:00.000Z',
            ward: { code: 'E05000003', name: 'Three', source: 'staff' },
          }),
          makeReferral({ ...numbered(4), createdAt: '2026-11-16T06:00:00.000Z', status: 'closed', slaDueAt: '2026-11-16T07:00:00.000Z' }),
          makeReferral({ ...numbered(5), createdAt: '2026-11-16T09:00:00.000Z', status: 'claimed', assignee: 'staff-2' }),
        );
      });

      it('when a page is asked for, then that slice of the queue order comes back with the total', async () => {
        const first = await store.referrals.listPage({}, { offset: 0, limit: 2 });
        const second = await store.referrals.listPage({}, { offset: 2, limit: 2 });

        assert.deepEqual(ids(first.items), ['referral-2', 'referral-4']);
        assert.deepEqual(ids(second.items), ['referral-3', 'referral-1']);
        assert.equal(first.total, 5);
        await assert.rejects(store.referrals.listPage({}, { offset: -1, limit: 2 }), RangeError);
      });

      it('when filtered by overdue, then only open referrals past their due time match', async () => {
        const page = await store.referrals.listPage({ overdueAt: FIXED_TIME }, { offset: 0, limit: 10 });

        assert.deepEqual(ids(page.items), ['referral-3', 'referral-1']);
      });

      it('when filtered by assignee, ward list or status, then only matching referrals are listed', async () => {
        const unassigned = await store.referrals.listPage({ assignee: null, status: ['new'] }, { offset: 0, limit: 10 });
        const mine = await store.referrals.listPage({ assignee: 'staff-1' }, { offset: 0, limit: 10 });
        const wards = await store.referrals.listPage({ wardCodes: ['E05000003', 'E05099999'] }, { offset: 0, limit: 10 });

        assert.deepEqual(ids(unassigned.items), ['referral-2', 'referral-1']);
        assert.deepEqual(ids(mine.items), ['referral-3']);
        assert.deepEqual(ids(wards.items), ['referral-3']);
        assert.equal((await store.referrals.listPage({ wardCodes: [] }, { offset: 0, limit: 10 })).total, 0);
        const created = await store.referrals.listPage(
          { createdFrom: '2026-11-16T08:00:00.000Z', createdBefore: '2026-11-16T09:00:00.000Z' },
          { offset: 0, limit: 10 },
        );
        assert.deepEqual(ids(created.items), ['referral-2', 'referral-1']);
      });

      it('when counts are asked for, then they are given by status, kind, urgency and overdue', async () => {
        const counts = await store.referrals.counts({}, FIXED_TIME);

        assert.equal(counts.total, 5);
        assert.deepEqual(counts.byStatus, { new: 2, claimed: 1, 'in-progress': 1, 'referred-on': 0, closed: 1, withdrawn: 0 });
        assert.deepEqual(counts.byKind, { befriending: 4, 'cost-of-living': 0, asb: 1 });
        assert.equal(counts.urgent, 1);
        assert.equal(counts.overdue, 2);
        assert.equal((await store.referrals.counts({ kind: ['asb'] }, FIXED_TIME)).total, 1);
      });

      it('when the workload is asked for, then open referrals are counted per assignee and status', async () => {
        assert.deepEqual(await store.referrals.workload(FIXED_TIME), [
          { assignee: 'staff-1', status: 'in-progress', count: 1, overdue: 1 },
          { assignee: 'staff-2', status: 'claimed', count: 1, overdue: 0 },
        ]);
      });
    });

    it('when looked up by contact, then referrals with that phone or email are found, and deleteMany removes them', async () => {
      await insert(
        makeReferral(numbered(1)),
        makeReferral({
          ...numbered(2),
          contact: { anonymous: false, name: 'B', method: 'email', email: 'b.resident@example.org', bestTime: 'any' },
        }),
        makeReferral({ ...numbered(3), contact: { anonymous: true } }),
        makeReferral({ ...numbered(4), contact: { anonymous: false, name: 'C', method: 'phone', phone: '07700 900999', bestTime: 'any' } }),
      );

      const byPhone = await store.referrals.findByContact({ phones: ['07700 900123', '+447700900123'] });
      const byEmail = await store.referrals.findByContact({ email: 'B.Resident@example.org' });
      const byBoth = await store.referrals.findByContact({ phones: ['07700 900123'], email: 'b.resident@example.org' });

      assert.deepEqual(ids(byPhone), ['referral-1']);
      assert.deepEqual(ids(byEmail), ['referral-2']);
      assert.deepEqual(ids(byBoth).sort(), ['referral-1', 'referral-2']);
      assert.deepEqual(await store.referrals.findByContact({}), []);

      assert.equal(await store.referrals.deleteMany(['referral-1', 'referral-2', 'referral-none']), 2);
      assert.deepEqual(ids(await store.referrals.list()).sort(), ['referral-3', 'referral-4']);
    });
  });

  describe('staff accounts and sessions', () => {
    let store: Store;
    beforeEach(() => {
      store = currentStore();
    });

    it('when an account is created, then it reads back by id and by email in any case', async () => {
      const user = staffUserFixture({ email: 'Worker@Example.org' });

      await store.staff.create(user);

      const expected = { ...user, email: 'worker@example.org' };
      assert.deepEqual(await store.staff.get('staff-1'), expected);
      assert.deepEqual(await store.staff.getByEmail('WORKER@example.org'), expected);
      assert.equal(await store.staff.getByEmail('nobody@example.org'), null);
    });

    it('when a second account uses the same email, then DuplicateStaffEmailError is thrown', async () => {
      await store.staff.create(staffUserFixture());

      await assert.rejects(store.staff.create(staffUserFixture({ id: 'staff-2', email: 'WORKER@example.org' })), DuplicateStaffEmailError);
      assert.equal((await store.staff.list()).length, 1);
    });

    it('when an account is updated, then only the changed fields change', async () => {
      await store.staff.create(staffUserFixture());

      const updated = await store.staff.update('staff-1', { role: 'councillor', wards: ['E05000001'], disabled: true });

      assert.deepEqual(updated, staffUserFixture({ role: 'councillor', wards: ['E05000001'], disabled: true }));
      assert.deepEqual(await store.staff.get('staff-1'), updated);
      assert.equal(await store.staff.update('staff-none', { disabled: true }), null);
    });

    it('when failed sign-ins reach the threshold, then the account is locked and the count starts again; a sign-in clears it', async () => {
      await store.staff.create(staffUserFixture());

      await Promise.all([1, 2].map(() => store.staff.recordFailedLogin('staff-1', 3, LATER)));
      assert.equal((await store.staff.get('staff-1'))?.failedLogins, 2);
      const locked = await store.staff.recordFailedLogin('staff-1', 3, LATER);
      assert.equal(locked?.lockedUntil, LATER);
      assert.equal(locked?.failedLogins, 0);

      await store.staff.recordLogin('staff-1', LATER);
      const cleared = await store.staff.get('staff-1');
      assert.equal(cleared?.lockedUntil, null);
      assert.equal(cleared?.lastLoginAt, LATER);
    });

    it('when sessions are created, touched and deleted, then they read back accordingly', async () => {
      await store.sessions.create(session());
      await store.sessions.create(session({ id: 'session-hash-2', expiresAt: '2026-11-16T12:00:00.000Z' }));
      await store.sessions.create(session({ id: 'session-hash-3', staffId: 'staff-9' }));

      await store.sessions.touch('session-hash-1', '2026-11-16T11:00:00.000Z');
      assert.equal((await store.sessions.get('session-hash-1'))?.expiresAt, '2026-11-16T11:00:00.000Z');

      assert.equal(await store.sessions.deleteExpired('2026-11-16T11:00:00.000Z'), 2);
      assert.equal(await store.sessions.get('session-hash-1'), null);
      assert.equal(await store.sessions.deleteForStaff('staff-1'), 1);
      assert.equal(await store.sessions.get('session-hash-2'), null);

      await store.sessions.create(session({ id: 'session-hash-4' }));
      await store.sessions.delete('session-hash-4');
      assert.equal(await store.sessions.get('session-hash-4'), null);
    });
  });
}
