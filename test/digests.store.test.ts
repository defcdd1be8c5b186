/**
 * The embedded store's digest facts: kept in step with referrals by triggers, whoever writes the referral, and
 * filled in for referrals that existed before the upgrade.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { periodFromDays } from '../services/digests/period';
import { PlaceList } from '../services/digests/places';
import { tallyReferrals } from '../services/digests/tally';
import type { Referral } from '../services/referrals/model';
import { SQLITE_FILE_NAME, SqliteStore } from '../services/store/sqliteStore';
import { canonical } from './support/digestContract';
import { arbitraryReferrals, EXAMPLE_PLACES, WEEK } from './support/digestFixtures';
import { makeReferral, numbered } from './support/referralFactory';

describe('digest facts in the embedded store', () => {
  let dir: string;
  let store: SqliteStore;
  const raw = () => new Database(path.join(dir, SQLITE_FILE_NAME));
  const places = PlaceList.empty();

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hub-facts-'));
    store = await SqliteStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const newReferral = makeReferral({ ...numbered(1), createdAt: '2026-11-17T09:00:00.000Z' });
  /** What the hub console will do: rewrite the stored document after a claim and a closure. */
  const picked: Referral = {
    ...newReferral,
    status: 'closed',
    ward: { code: 'E05012996', name: 'Boston Castle', source: 'staff' },
    history: [
      ...newReferral.history,
      { at: '2026-11-17T11:00:00.000Z', actor: 'staff-1', from: 'new', to: 'claimed', why: 'claimed' },
      { at: '2026-11-18T09:00:00.000Z', actor: 'staff-1', from: 'claimed', to: 'closed', why: 'support arranged' },
    ],
  };

  it('when another writer updates a referral document, then the digest counts follow it', async () => {
    await store.referrals.insertIfAbsent(newReferral);
    const before = canonical(await store.digestStats.tally(WEEK));
    assert.deepEqual(before.map((t) => [t.wardCode, t.pickupMinutes]), [['E05012345', []]]);

    const db = raw();
    db.prepare('UPDATE referrals SET status = ?, ward_code = ?, doc = ? WHERE id = ?').run(picked.status, picked.ward.code, JSON.stringify(picked), picked.id);
    db.close();

    assert.deepEqual(canonical(await store.digestStats.tally(WEEK)), canonical(tallyReferrals([picked], places, WEEK)));
    const ward = (await store.digestStats.tally(WEEK)).find((t) => t.wardCode === 'E05012996');
    assert.deepEqual(ward?.pickupMinutes, [[120, 1]]);
    assert.equal(ward?.finished.closed, 1);
  });

  it('when a file from before digests is opened, then the facts of its referrals are filled in', async () => {
    await store.referrals.insertIfAbsent(picked);
    await store.close();
    // Turn the file back into the previous schema version, as an older build left it.
    const db = raw();
    db.exec('DROP TRIGGER referral_facts_on_insert; DROP TRIGGER referral_facts_on_update; DROP TABLE referral_facts; DROP TABLE digest_subscriptions; DROP TABLE digest_ledger; DROP TABLE locks;');
    // And the later SMS leases (schema version 4).
    for (const table of ['sms_inbound', 'sms_outbound']) db.exec(`ALTER TABLE ${table} DROP COLUMN lease_owner; ALTER TABLE ${table} DROP COLUMN lease_until;`);
    db.pragma('user_version = 2');
    db.close();

    store = await SqliteStore.open(dir);

    assert.deepEqual(canonical(await store.digestStats.tally(WEEK)), canonical(tallyReferrals([picked], places, WEEK)));
  });

  it('when a period is a small share of all referrals, or most of them, then both ways of counting agree with tally.ts', async function () {
    this.timeout(60_000);
    // 1,000 referrals a year earlier make the week under test under 5% of the table (counted from its slice, then
    // sorted); the two years together are the wide case (counted by walking the grouping indexes).
    const filler = Array.from({ length: 1000 }, (_, i) =>
      makeReferral({ ...numbered(10_000 + i), createdAt: `2025-0${1 + (i % 9)}-1${i % 10}T10:00:00.000Z`, ward: { code: i % 3 ? 'E05012996' : null, name: null, source: 'unknown' } }),
    );
    const db = raw();
    const insert = db.prepare('INSERT INTO referrals (id, reference, idempotency_key, kind, status, urgent, ward_code, conversation_id, created_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insertAll = db.transaction((rows: Referral[]) => {
      for (const r of rows) insert.run(r.id, r.reference, r.idempotencyKey, r.kind, r.status, r.urgent ? 1 : 0, r.ward.code, r.conversationId, r.createdAt, JSON.stringify(r));
    });
    insertAll(filler);
    const list = new PlaceList(EXAMPLE_PLACES);
    const everything = periodFromDays('2024-12-01', '2026-12-31');
    // Raised before the week, withdrawn in it, with no ward: its outcome counts this week, in the ward of the place
    // it named, so the short plan must find it to place it.
    const earlier = makeReferral({
      ...numbered(1),
      kind: 'asb',
      ward: { code: null, name: null, source: 'unknown' },
      createdAt: '2026-11-01T10:00:00.000Z',
      answers: { kind: 'asb', asbType: 'noise', location: 'Clifton Park gates', postcode: null, when: 'ongoing', frequency: 'daily', dangerNow: false, description: null },
      status: 'withdrawn',
      history: [
        { at: '2026-11-01T10:00:00.000Z', actor: 'resident', from: null, to: 'new', why: 'submitted' },
        { at: '2026-11-18T10:00:00.000Z', actor: 'resident', from: 'new', to: 'withdrawn', why: 'withdrawn' },
      ],
    });
    insertAll([earlier]);
    const unplaced = await store.digestStats.unplacedAsb(WEEK, list.version, 100);
    assert.deepEqual(unplaced.map((u) => u.referralId), ['referral-1']);
    await store.digestStats.setPlaces(list.version, unplaced.map((u) => ({ referralId: u.referralId, ...list.match(u.location, u.wardCode, u.postcode) })));
    assert.equal((await store.digestStats.tally(WEEK)).find((t) => t.wardCode === 'E05012996')?.finished.withdrawn, 1);
    let batch = 0;
    try {
      await fc.assert(
        fc.asyncProperty(arbitraryReferrals(15), async (referrals) => {
          batch += 1;
          insertAll(referrals.map((r, i) => ({ ...r, ...numbered(batch * 100 + i) })));
          const all = await store.referrals.list();
          for (const period of [WEEK, everything]) {
            const unplaced = await store.digestStats.unplacedAsb(period, list.version, 100_000);
            await store.digestStats.setPlaces(list.version, unplaced.map((u) => ({ referralId: u.referralId, ...list.match(u.location, u.wardCode, u.postcode) })));
            assert.deepEqual(canonical(await store.digestStats.tally(period)), canonical(tallyReferrals(all, list, period)));
          }
        }),
        { numRuns: 10, seed: 11 },
      );
    } finally {
      db.close();
    }
  });

  it('when a referral is erased, then its facts go with it', async () => {
    await store.referrals.insertIfAbsent(picked);
    const db = raw();
    db.pragma('foreign_keys = ON');
    db.prepare('DELETE FROM referrals WHERE id = ?').run(picked.id);
    const left = db.prepare('SELECT count(*) AS n FROM referral_facts').get() as { n: number };
    db.close();

    assert.equal(left.n, 0);
    assert.deepEqual(await store.digestStats.tally(WEEK), []);
  });
});
