/**
 * The embedded store's claims are group-committed (services/store/sqlite/referralQueue.ts): claims asked for in one
 * turn of the event loop share one transaction. These tests hold it to what each caller must still be able to
 * rely on, and the background checkpointer (services/store/sqlite/checkpointer.ts) to keeping the WAL out of the
 * commits. The store contract (store.contract.test.ts) runs the same claims against both stores.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Referral } from '../services/referrals/model';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from '../services/store/sqlite/checkpointer';
import { SQLITE_FILE_NAME, SqliteStore } from '../services/store/sqliteStore';
import { makeReferral, numbered } from './support/referralFactory';

const AT = '2026-11-17T09:00:00.000Z';
const BASE = Date.parse('2026-11-16T09:00:00.000Z');

/** `n` new referrals, the higher the number the older, every fifth urgent: a queue order that is not insertion order. */
function queueOf(n: number): Referral[] {
  return Array.from({ length: n }, (_, i) =>
    makeReferral({
      ...numbered(i + 1),
      createdAt: new Date(BASE - i * 60_000).toISOString(),
      urgent: i % 5 === 0,
      urgencyReasons: i % 5 === 0 ? ['danger'] : [],
    }),
  );
}

function inQueueOrder(referrals: Referral[]): string[] {
  return [...referrals]
    .sort((a, b) => Number(b.urgent) - Number(a.urgent) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    .map((r) => r.id);
}

describe('embedded store: group-committed claims', () => {
  let dir: string;
  let store: SqliteStore;
  const raw = (): Database.Database => new Database(path.join(dir, SQLITE_FILE_NAME));

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hub-claims-'));
    store = await SqliteStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when 50 workers take the next referral in the same turn, then each gets its own, the head of the queue in order, all committed together', async () => {
    const queue = queueOf(120);
    for (const referral of queue) await store.referrals.insertIfAbsent(referral);
    const other = raw();
    const claimedNow = other.prepare("SELECT count(*) AS n FROM referrals WHERE status = 'claimed'");

    const pending = Array.from({ length: 50 }, (_, w) => store.referrals.claimNext({}, `staff-${w}`, AT));
    // Asked for, not yet committed: another connection sees none of them until the batch commits.
    assert.equal((claimedNow.get() as { n: number }).n, 0);
    const claimed = await Promise.all(pending);
    const committed = (claimedNow.get() as { n: number }).n;
    other.close();

    assert.equal(committed, 50);
    // In the order asked, the head of the queue: worker 0 got the first, worker 49 the fiftieth.
    assert.deepEqual(claimed.map((r) => r?.id), inQueueOrder(queue).slice(0, 50));
    claimed.forEach((r, w) => {
      assert.equal(r?.assignee, `staff-${w}`);
      assert.equal(r?.status, 'claimed');
    });
    for (const r of claimed) assert.deepEqual(await store.referrals.get(r?.id ?? ''), r);
  });

  it('when 50 workers keep claiming from 400 referrals, by next and by id at once, then no referral is handed out twice', async () => {
    const queue = queueOf(400);
    for (const referral of queue) await store.referrals.insertIfAbsent(referral);
    const won: { id: string; by: string }[] = [];

    await Promise.all(
      Array.from({ length: 50 }, async (_, w) => {
        for (let round = 0; ; round += 1) {
          // Every worker also goes for the same referral by id each round: one at most may win it.
          const [byId, next] = await Promise.all([
            store.referrals.claim(`referral-${400 - round}`, `staff-${w}`, AT),
            store.referrals.claimNext({}, `staff-${w}`, AT),
          ]);
          for (const r of [byId, next]) if (r) won.push({ id: r.id, by: `staff-${w}` });
          if (!next) return;
        }
      }),
    );

    assert.equal(won.length, 400);
    assert.equal(new Set(won.map((w) => w.id)).size, 400);
    const stored = await store.referrals.list();
    for (const { id, by } of won) {
      const referral = stored.find((r) => r.id === id);
      assert.equal(referral?.assignee, by);
      assert.equal(referral?.history.filter((h) => h.to === 'claimed').length, 1);
    }
  });

  /** A rule added to the file by hand, as another tool might: SQLite refuses this update the way it says. */
  function refuseUpdatesOf(id: string, how: 'ABORT' | 'ROLLBACK'): void {
    const db = raw();
    db.exec(`CREATE TRIGGER refuse_${how} BEFORE UPDATE ON referrals WHEN old.id = '${id}' BEGIN SELECT RAISE(${how}, 'refused by a test rule'); END`);
    db.close();
  }

  it('when one claim in a batch fails, then only its caller is told, and the others are committed', async () => {
    for (const referral of queueOf(5)) await store.referrals.insertIfAbsent(referral);
    refuseUpdatesOf('referral-3', 'ABORT');

    const results = await Promise.allSettled([
      store.referrals.claim('referral-1', 'staff-1', AT),
      store.referrals.claim('referral-3', 'staff-2', AT),
      store.referrals.claim('referral-2', 'staff-3', AT),
      store.referrals.claimNext({}, 'staff-4', AT),
    ]);

    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /refused by a test rule/);
    assert.equal((await store.referrals.get('referral-1'))?.assignee, 'staff-1');
    assert.equal((await store.referrals.get('referral-2'))?.assignee, 'staff-3');
    assert.equal((await store.referrals.get('referral-3'))?.status, 'new');
    const next = (results[3] as PromiseFulfilledResult<Referral | null>).value;
    assert.ok(next && next.id !== 'referral-3');
    assert.equal((await store.referrals.get(next.id))?.assignee, 'staff-4');
  });

  it('when a claimed document fails its check, then that caller gets the error, and its claim and the others stand', async () => {
    for (const referral of queueOf(3)) await store.referrals.insertIfAbsent(referral);
    const db = raw();
    db.prepare("UPDATE referrals SET doc = json_remove(doc, '$.reference') WHERE id = ?").run('referral-2');
    db.close();

    const results = await Promise.allSettled([
      store.referrals.claim('referral-1', 'staff-1', AT),
      store.referrals.claim('referral-2', 'staff-2', AT),
      store.referrals.claim('referral-3', 'staff-3', AT),
    ]);

    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal((results[1] as PromiseRejectedResult).reason?.name, 'ZodError');
    const check = raw();
    const rows = check.prepare("SELECT id, status, json_extract(doc, '$.assignee') AS assignee FROM referrals ORDER BY id").all();
    check.close();
    // As before batching: the compare-and-swap committed; the document is what is wrong, and it fails loudly.
    assert.deepEqual(rows, [
      { id: 'referral-1', status: 'claimed', assignee: 'staff-1' },
      { id: 'referral-2', status: 'claimed', assignee: 'staff-2' },
      { id: 'referral-3', status: 'claimed', assignee: 'staff-3' },
    ]);
  });

  it('when a claim makes SQLite roll back the whole transaction, then every claim in the batch is refused and none is kept', async () => {
    for (const referral of queueOf(4)) await store.referrals.insertIfAbsent(referral);
    refuseUpdatesOf('referral-2', 'ROLLBACK');

    const results = await Promise.allSettled([
      store.referrals.claim('referral-1', 'staff-1', AT),
      store.referrals.claim('referral-2', 'staff-2', AT),
      // After the rollback these would run outside any transaction, each committing alone, if the batch went on.
      store.referrals.claim('referral-3', 'staff-3', AT),
      store.referrals.claim('referral-4', 'staff-4', AT),
    ]);

    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'rejected', 'rejected']);
    assert.equal((await store.referrals.list({ status: ['new'] })).length, 4);
    assert.equal((await store.referrals.claim('referral-3', 'staff-3', AT))?.assignee, 'staff-3');
  });

  it('when the batch cannot get the write lock, then every claim in it is refused and none is kept', async () => {
    for (const referral of queueOf(3)) await store.referrals.insertIfAbsent(referral);
    // Another process holds the write lock; this store's connection gives up at once instead of after 5 s.
    (store as unknown as { db: Database.Database }).db.pragma('busy_timeout = 0');
    const other = raw();
    other.exec('BEGIN IMMEDIATE');
    try {
      const results = await Promise.allSettled([
        store.referrals.claimNext({}, 'staff-1', AT),
        store.referrals.claim('referral-2', 'staff-2', AT),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
      assert.match(String((results[0] as PromiseRejectedResult).reason), /locked|busy/i);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    assert.equal((await store.referrals.list({ status: ['new'] })).length, 3);
    // The lock gone, the same claims succeed.
    assert.equal((await store.referrals.claim('referral-2', 'staff-2', AT))?.assignee, 'staff-2');
  });

  it('when the store is closed with claims still waiting for their batch, then they are committed first', async () => {
    for (const referral of queueOf(3)) await store.referrals.insertIfAbsent(referral);

    const pending = store.referrals.claimNext({}, 'staff-1', AT);
    await store.close();
    const claimed = await pending;

    store = await SqliteStore.open(dir);
    assert.ok(claimed);
    assert.equal((await store.referrals.get(claimed.id))?.assignee, 'staff-1');
  });
});

describe('embedded store: background checkpoints', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hub-checkpoint-'));
    store = await SqliteStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when claims have been committed, then the worker thread copies them into the database file itself', async () => {
    for (const referral of queueOf(40)) await store.referrals.insertIfAbsent(referral);
    const claimed = await Promise.all(Array.from({ length: 20 }, (_, w) => store.referrals.claimNext({}, `staff-${w}`, AT)));

    const result = await store.checkpointer?.checkpointNow();
    assert.ok(result && result.log > 0, 'the WAL had frames to copy');
    assert.equal(result.checkpointed, result.log);
    // The database file alone, without its WAL, now holds the claims.
    const copy = path.join(dir, 'copy.sqlite');
    copyFileSync(path.join(dir, SQLITE_FILE_NAME), copy);
    const db = new Database(copy, { readonly: true });
    const assignees = db.prepare("SELECT id, json_extract(doc, '$.assignee') AS assignee FROM referrals WHERE status = 'claimed' ORDER BY id").all();
    db.close();
    assert.deepEqual(
      assignees,
      claimed.map((r) => ({ id: r?.id, assignee: r?.assignee })).sort((a, b) => String(a.id).localeCompare(String(b.id))),
    );
  });

  it('when it runs in the background, then the main connection checkpoints only as a fallback, far later than SQLite would', async () => {
    const pages = (store as unknown as { db: Database.Database }).db.pragma('wal_autocheckpoint', { simple: true });
    assert.equal(pages, FALLBACK_AUTOCHECKPOINT_PAGES);
    const memory = await SqliteStore.open(':memory:');
    try {
      assert.equal(memory.checkpointer, null);
    } finally {
      await memory.close();
    }
  });
});
