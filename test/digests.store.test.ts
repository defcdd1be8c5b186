/**
 * The embedded store's digest facts: kept in step with referrals by triggers, whoever writes the referral, and
 * filled in for referrals that existed before the upgrade.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PlaceList } from '../services/digests/places';
import { tallyReferrals } from '../services/digests/tally';
import type { Referral } from '../services/referrals/model';
import { SQLITE_FILE_NAME, SqliteStore } from '../services/store/sqliteStore';
import { canonical } from './support/digestContract';
import { WEEK } from './support/digestFixtures';
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
    db.pragma('user_version = 2');
    db.close();

    store = await SqliteStore.open(dir);

    assert.deepEqual(canonical(await store.digestStats.tally(WEEK)), canonical(tallyReferrals([picked], places, WEEK)));
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
