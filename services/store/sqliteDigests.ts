/**
 * Ward digest tables for the embedded store: subscriptions, the sent-ledger, named locks, and `referral_facts`, the
 * narrow table digests are counted from.
 *
 * Why a facts table: a digest needs a few things buried in each referral's JSON (needs, ASB type, when it was first
 * claimed, when and how it ended). Reading them with json_extract over a million documents takes seconds; one small
 * row per referral, clustered by `created_at` (a WITHOUT ROWID table whose key starts with it), turns a period's
 * digest into range scans with GROUP BY. Triggers on `referrals` keep the row current, so any code that inserts or
 * updates a referral (today's submission, the hub console's claims and closures) keeps the digest counts right
 * without knowing they exist, and the referral document stays the only source of truth.
 *
 * The one fact SQL cannot derive is the ASB place, which needs the council's list of streets and landmarks: the
 * digest service fills `place` lazily (see services/digests/places.ts), and `places_version` says with which list.
 */
import type Database from 'better-sqlite3';
import {
  digestLedgerEntry,
  digestPeriod,
  digestSubscription,
  emptyTally,
  FINAL_STATUSES,
  ledgerKey,
  LEDGER_STATUSES,
  needsFromBits,
  type DigestLedgerEntry,
  type DigestSubscription,
  type FinalStatus,
  type LedgerStatus,
  type WardTally,
} from '../digests/model';
import { ASB_TYPES, COST_OF_LIVING_NEEDS, REFERRAL_KINDS, type AsbType, type ReferralKind } from '../referrals/model';
import type {
  DigestLedgerRepository,
  DigestStatsRepository,
  DigestSubscriptionRepository,
  LedgerClaim,
  LockRepository,
  PlaceAssignment,
  UnplacedAsb,
} from './digestTypes';

// ---- facts: SQL expressions over a referral document --------------------------------------------------------------
// These build the migration below. A shipped migration must never change: to change a fact, add a new migration
// that drops and recreates the triggers.

const FINAL_SQL = FINAL_STATUSES.map((s) => `'${s}'`).join(', ');
const NEEDS_CASE = COST_OF_LIVING_NEEDS.map((need, i) => `WHEN '${need}' THEN ${1 << i}`).join(' ');

const facts = (doc: string, createdAt: string) => {
  const pickedUp = `(SELECT min(json_extract(h.value, '$.at')) FROM json_each(${doc}, '$.history') AS h WHERE json_extract(h.value, '$.to') = 'claimed')`;
  const finishing = (field: string) =>
    `(SELECT json_extract(h.value, '$.${field}') FROM json_each(${doc}, '$.history') AS h ` +
    `WHERE json_extract(h.value, '$.to') IN (${FINAL_SQL}) ORDER BY json_extract(h.value, '$.at') LIMIT 1)`;
  return {
    safeguarding: `EXISTS (SELECT 1 FROM json_each(${doc}, '$.urgencyReasons') AS u WHERE u.value = 'safeguarding')`,
    needs: `(SELECT coalesce(sum(DISTINCT CASE n.value ${NEEDS_CASE} ELSE 0 END), 0) FROM json_each(${doc}, '$.answers.needs') AS n)`,
    asbType: `CASE json_extract(${doc}, '$.kind') WHEN 'asb' THEN json_extract(${doc}, '$.answers.asbType') END`,
    pickedUpAt: pickedUp,
    // Whole seconds, then whole minutes, truncated: tally.ts does the same arithmetic, so both give equal medians.
    pickupMinutes: `(strftime('%s', ${pickedUp}) - strftime('%s', ${createdAt})) / 60`,
    finishedAt: finishing('at'),
    finalStatus: finishing('to'),
  };
};

const onNew = facts('new.doc', 'new.created_at');
const MUTABLE_FACTS = `
    ward_code = new.ward_code,
    safeguarding = ${onNew.safeguarding},
    picked_up_at = ${onNew.pickedUpAt},
    pickup_minutes = ${onNew.pickupMinutes},
    finished_at = ${onNew.finishedAt},
    final_status = ${onNew.finalStatus}`;
const existing = facts('r.doc', 'r.created_at');

export const DIGESTS_MIGRATION = `
  CREATE TABLE digest_subscriptions (
    id         TEXT PRIMARY KEY,
    active     INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    doc        TEXT NOT NULL
  );

  CREATE TABLE digest_ledger (
    key             TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    ward_code       TEXT NOT NULL,
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    period          TEXT NOT NULL,
    channel         TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    last_error      TEXT,
    claimed_by      TEXT,
    lease_until     TEXT,
    next_attempt_at TEXT,
    sent_at         TEXT,
    provider_id     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (subscription_id, ward_code, period_start, period_end, channel)
  );
  CREATE INDEX digest_ledger_due ON digest_ledger (status, next_attempt_at);
  CREATE INDEX digest_ledger_recent ON digest_ledger (updated_at);

  CREATE TABLE locks (
    name       TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );

  CREATE TABLE referral_facts (
    created_at     TEXT NOT NULL,
    referral_id    TEXT NOT NULL UNIQUE REFERENCES referrals (id) ON DELETE CASCADE,
    ward_code      TEXT,
    kind           TEXT NOT NULL,
    safeguarding   INTEGER NOT NULL,
    needs          INTEGER NOT NULL,
    asb_type       TEXT,
    picked_up_at   TEXT,
    pickup_minutes INTEGER,
    finished_at    TEXT,
    final_status   TEXT,
    place          TEXT,
    place_ward     TEXT,
    places_version TEXT,
    PRIMARY KEY (created_at, referral_id)
  ) WITHOUT ROWID;
  CREATE INDEX referral_facts_finished ON referral_facts (finished_at, final_status, ward_code, place_ward, kind, places_version)
    WHERE finished_at IS NOT NULL;
  -- In the order the counts are grouped, for periods that span much of the table (see tally below).
  CREATE INDEX referral_facts_grouped ON referral_facts (ward_code, place_ward, kind, needs, asb_type, place, safeguarding, created_at);
  CREATE INDEX referral_facts_pickups ON referral_facts (ward_code, place_ward, pickup_minutes, created_at, picked_up_at)
    WHERE picked_up_at IS NOT NULL;
  CREATE INDEX referral_facts_outcomes ON referral_facts (ward_code, place_ward, final_status, finished_at)
    WHERE finished_at IS NOT NULL;
  CREATE INDEX referral_facts_unplaced ON referral_facts (kind, places_version);

  CREATE TRIGGER referral_facts_on_insert AFTER INSERT ON referrals BEGIN
    INSERT INTO referral_facts (created_at, referral_id, ward_code, kind, safeguarding, needs, asb_type,
                                picked_up_at, pickup_minutes, finished_at, final_status)
    VALUES (new.created_at, new.id, new.ward_code, new.kind, ${onNew.safeguarding}, ${onNew.needs}, ${onNew.asbType},
            ${onNew.pickedUpAt}, ${onNew.pickupMinutes}, ${onNew.finishedAt}, ${onNew.finalStatus});
  END;

  CREATE TRIGGER referral_facts_on_update AFTER UPDATE ON referrals BEGIN
    UPDATE referral_facts SET ${MUTABLE_FACTS}
    WHERE referral_id = new.id;
  END;

  INSERT INTO referral_facts (created_at, referral_id, ward_code, kind, safeguarding, needs, asb_type,
                              picked_up_at, pickup_minutes, finished_at, final_status)
  SELECT r.created_at, r.id, r.ward_code, r.kind, ${existing.safeguarding}, ${existing.needs}, ${existing.asbType},
         ${existing.pickedUpAt}, ${existing.pickupMinutes}, ${existing.finishedAt}, ${existing.finalStatus}
  FROM referrals AS r;
`;

// ---- subscriptions -------------------------------------------------------------------------------------------------

export class SqliteDigestSubscriptionRepository implements DigestSubscriptionRepository {
  private readonly insert: Database.Statement<[string, number, string, string]>;
  private readonly byId: Database.Statement<[string], { doc: string }>;
  private readonly replace: Database.Statement<[number, string, string]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly all: Database.Statement<[], { doc: string }>;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT INTO digest_subscriptions (id, active, created_at, doc) VALUES (?, ?, ?, ?)');
    this.byId = db.prepare('SELECT doc FROM digest_subscriptions WHERE id = ?');
    this.replace = db.prepare('UPDATE digest_subscriptions SET active = ?, doc = ? WHERE id = ?');
    this.remove = db.prepare('DELETE FROM digest_subscriptions WHERE id = ?');
    this.all = db.prepare('SELECT doc FROM digest_subscriptions ORDER BY created_at, id');
  }

  async create(subscription: DigestSubscription): Promise<DigestSubscription> {
    const valid = digestSubscription.parse(subscription);
    this.insert.run(valid.id, valid.active ? 1 : 0, valid.createdAt, JSON.stringify(valid));
    return valid;
  }

  async get(id: string): Promise<DigestSubscription | null> {
    const row = this.byId.get(id);
    return row ? digestSubscription.parse(JSON.parse(row.doc)) : null;
  }

  /** Councils have dozens of councillors, not thousands: filtering in memory keeps the SQL plain. */
  async list(filter: { active?: boolean; wardCode?: string } = {}): Promise<DigestSubscription[]> {
    return this.all
      .all()
      .map((row) => digestSubscription.parse(JSON.parse(row.doc)))
      .filter((s) => filter.active === undefined || s.active === filter.active)
      .filter((s) => filter.wardCode === undefined || s.wardCodes.includes(filter.wardCode));
  }

  async update(subscription: DigestSubscription): Promise<boolean> {
    const valid = digestSubscription.parse(subscription);
    return this.replace.run(valid.active ? 1 : 0, JSON.stringify(valid), valid.id).changes === 1;
  }

  async delete(id: string): Promise<boolean> {
    return this.remove.run(id).changes === 1;
  }
}

// ---- ledger --------------------------------------------------------------------------------------------------------

interface LedgerRow {
  key: string;
  subscription_id: string;
  ward_code: string;
  period: string;
  channel: string;
  status: string;
  attempts: number;
  last_error: string | null;
  claimed_by: string | null;
  lease_until: string | null;
  next_attempt_at: string | null;
  sent_at: string | null;
  provider_id: string | null;
  created_at: string;
  updated_at: string;
}

function toEntry(row: LedgerRow): DigestLedgerEntry {
  return digestLedgerEntry.parse({
    key: row.key,
    subscriptionId: row.subscription_id,
    wardCode: row.ward_code,
    period: digestPeriod.parse(JSON.parse(row.period)),
    channel: row.channel,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    claimedBy: row.claimed_by,
    leaseUntil: row.lease_until,
    nextAttemptAt: row.next_attempt_at,
    sentAt: row.sent_at,
    providerId: row.provider_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

export class SqliteDigestLedgerRepository implements DigestLedgerRepository {
  private readonly byKey: Database.Statement<[string], LedgerRow>;
  private readonly insert: Database.Statement<unknown[]>;
  private readonly takeOver: Database.Statement<unknown[]>;
  private readonly sent: Database.Statement<unknown[]>;
  private readonly failed: Database.Statement<unknown[]>;
  private readonly due: Database.Statement<[string], LedgerRow>;
  private readonly statusCounts: Database.Statement<[], { status: string; n: number }>;
  private readonly claimTx: Database.Transaction<(claim: LedgerClaim) => DigestLedgerEntry | null>;

  constructor(private readonly db: Database.Database) {
    this.byKey = db.prepare('SELECT * FROM digest_ledger WHERE key = ?');
    this.insert = db.prepare(`
      INSERT INTO digest_ledger (key, subscription_id, ward_code, period_start, period_end, period, channel, status, attempts,
                                 claimed_by, lease_until, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'sending', 1, ?, ?, ?, ?)`);
    this.takeOver = db.prepare(`
      UPDATE digest_ledger SET status = 'sending', attempts = attempts + 1, claimed_by = ?, lease_until = ?,
                               next_attempt_at = NULL, updated_at = ?
      WHERE key = ?`);
    this.sent = db.prepare(`
      UPDATE digest_ledger SET status = 'sent', sent_at = ?, provider_id = ?, lease_until = NULL, last_error = NULL, updated_at = ?
      WHERE key = ? AND status = 'sending' AND claimed_by = ?`);
    this.failed = db.prepare(`
      UPDATE digest_ledger SET status = ?, last_error = ?, next_attempt_at = ?, lease_until = NULL, updated_at = ?
      WHERE key = ? AND status = 'sending' AND claimed_by = ?`);
    this.due = db.prepare(
      "SELECT * FROM digest_ledger WHERE status = 'failed' AND next_attempt_at <= ? ORDER BY next_attempt_at, key",
    );
    this.statusCounts = db.prepare('SELECT status, count(*) AS n FROM digest_ledger GROUP BY status');
    this.claimTx = db.transaction((claim: LedgerClaim) => this.claimNow(claim));
  }

  async claim(claim: LedgerClaim): Promise<DigestLedgerEntry | null> {
    // IMMEDIATE: another process on the same file cannot read "absent" between our read and our insert.
    return this.claimTx.immediate(claim);
  }

  async markSent(key: string, owner: string, result: { at: string; providerId: string | null }): Promise<boolean> {
    return this.sent.run(result.at, result.providerId, result.at, key, owner).changes === 1;
  }

  async markFailed(key: string, owner: string, result: { at: string; error: string; nextAttemptAt: string | null }): Promise<boolean> {
    const status: LedgerStatus = result.nextAttemptAt === null ? 'abandoned' : 'failed';
    return this.failed.run(status, result.error, result.nextAttemptAt, result.at, key, owner).changes === 1;
  }

  async get(key: string): Promise<DigestLedgerEntry | null> {
    const row = this.byKey.get(key);
    return row ? toEntry(row) : null;
  }

  async list(filter: { status?: LedgerStatus[]; subscriptionId?: string; limit?: number } = {}): Promise<DigestLedgerEntry[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.status) {
      clauses.push('status IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.status));
    }
    if (filter.subscriptionId !== undefined) {
      clauses.push('subscription_id = ?');
      params.push(filter.subscriptionId);
    }
    const where = clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '';
    const limit = filter.limit === undefined ? '' : ' LIMIT ?';
    if (filter.limit !== undefined) params.push(checkedLimit(filter.limit));
    const rows = this.db.prepare(`SELECT * FROM digest_ledger${where} ORDER BY updated_at DESC, key${limit}`).all(...params) as LedgerRow[];
    return rows.map(toEntry);
  }

  async dueRetries(now: string): Promise<DigestLedgerEntry[]> {
    return this.due.all(now).map(toEntry);
  }

  async countByStatus(): Promise<Record<LedgerStatus, number>> {
    const counts = Object.fromEntries(LEDGER_STATUSES.map((s) => [s, 0])) as Record<LedgerStatus, number>;
    for (const row of this.statusCounts.all()) {
      if ((LEDGER_STATUSES as readonly string[]).includes(row.status)) counts[row.status as LedgerStatus] = row.n;
    }
    return counts;
  }

  private claimNow(claim: LedgerClaim): DigestLedgerEntry | null {
    const key = ledgerKey(claim.subscriptionId, claim.wardCode, claim.period, claim.channel);
    const leaseUntil = new Date(Date.parse(claim.now) + claim.leaseMs).toISOString();
    const row = this.byKey.get(key);
    if (!row) {
      const p = claim.period;
      this.insert.run(key, claim.subscriptionId, claim.wardCode, p.start, p.end, JSON.stringify(p), claim.channel, claim.owner, leaseUntil, claim.now, claim.now);
    } else {
      const retryDue = row.status === 'failed' && row.next_attempt_at !== null && row.next_attempt_at <= claim.now;
      const leaseLapsed = row.status === 'sending' && row.lease_until !== null && row.lease_until <= claim.now;
      if (!retryDue && !leaseLapsed) return null;
      this.takeOver.run(claim.owner, leaseUntil, claim.now, key);
    }
    const claimed = this.byKey.get(key);
    return claimed ? toEntry(claimed) : null;
  }
}

function checkedLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a non-negative integer');
  return limit;
}

// ---- locks ---------------------------------------------------------------------------------------------------------

export class SqliteLockRepository implements LockRepository {
  private readonly take: Database.Statement<[{ name: string; owner: string; expiresAt: string; now: string }]>;
  private readonly free: Database.Statement<[string, string]>;

  constructor(db: Database.Database) {
    // One statement: insert the lock, or take it over only if it is ours already or has expired.
    this.take = db.prepare(`
      INSERT INTO locks (name, owner, expires_at) VALUES (@name, @owner, @expiresAt)
      ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
      WHERE locks.owner = excluded.owner OR locks.expires_at <= @now`);
    this.free = db.prepare('DELETE FROM locks WHERE name = ? AND owner = ?');
  }

  async acquire(name: string, owner: string, now: string, ttlMs: number): Promise<boolean> {
    const expiresAt = new Date(Date.parse(now) + ttlMs).toISOString();
    return this.take.run({ name, owner, expiresAt, now }).changes === 1;
  }

  async release(name: string, owner: string): Promise<void> {
    this.free.run(name, owner);
  }
}

// ---- counts --------------------------------------------------------------------------------------------------------

interface RaisedRow {
  ward_code: string | null;
  place_ward: string | null;
  kind: string;
  needs: number;
  asb_type: string | null;
  place: string | null;
  safeguarding: number;
  n: number;
}
type WardColumns = { ward_code: string | null; place_ward: string | null };
type PickupRow = WardColumns & { m: number; n: number };
type OutcomeRow = WardColumns & { s: string; n: number };
interface UnplacedRow {
  referral_id: string;
  ward_code: string | null;
  location: unknown;
  postcode: unknown;
}

/** A period holding more than this share of all referrals is counted by walking the grouping indexes. */
const WIDE_PERIOD_SHARE = 0.05;
/** The table's size only steers the choice of plan, so a recent count will do. */
const TOTAL_COUNT_TTL_MS = 60_000;

/**
 * Counts by GROUP BY. SQLite groups by sorting, so two plans: a short period (a week among years of referrals) scans
 * its slice of the table, in created_at order, and sorts those few rows; a period spanning much of the table walks
 * an index already in group order instead, which needs no sort and reads only the index. Which is cheaper depends
 * on the share of rows in the period, so that is measured first (a count over the slice, which the short plan pays
 * anyway, and which stops counting at the threshold).
 */
export class SqliteDigestStatsRepository implements DigestStatsRepository {
  private readonly total: Database.Statement<[], { n: number }>;
  private readonly inRange: Database.Statement<[string, string, number], { n: number }>;
  private readonly raised: Record<'narrow' | 'wide', Database.Statement<[string, string], RaisedRow>>;
  private readonly pickups: Record<'narrow' | 'wide', Database.Statement<[string, string, string], PickupRow>>;
  private readonly outcomes: Record<'narrow' | 'wide', Database.Statement<[string, string], OutcomeRow>>;
  private readonly unplaced: Record<'narrow' | 'wide', Database.Statement<[{ start: string; end: string; version: string; limit: number }], UnplacedRow>>;
  private totalCount: { n: number; at: number } | null = null;
  private readonly place: Database.Statement<[string, string | null, string, string]>;
  private readonly placeMany: Database.Transaction<(version: string, places: PlaceAssignment[]) => void>;

  constructor(db: Database.Database) {
    this.total = db.prepare('SELECT count(*) AS n FROM referral_facts');
    // Counts only up to the limit: all the choice of plan needs to know is whether the period is past it.
    this.inRange = db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM referral_facts WHERE created_at >= ? AND created_at < ? LIMIT ?)');
    const raisedSql = (from: string) => `
      SELECT ward_code, place_ward, kind, needs, asb_type, place, safeguarding, count(*) AS n
      FROM ${from} WHERE created_at >= ? AND created_at < ?
      GROUP BY ward_code, place_ward, kind, needs, asb_type, place, safeguarding`;
    const pickupsSql = (from: string) => `
      SELECT ward_code, place_ward, pickup_minutes AS m, count(*) AS n
      FROM ${from} WHERE created_at >= ? AND created_at < ? AND picked_up_at IS NOT NULL AND picked_up_at < ?
      GROUP BY ward_code, place_ward, pickup_minutes`;
    const outcomesSql = (from: string) => `
      SELECT ward_code, place_ward, final_status AS s, count(*) AS n
      FROM ${from} WHERE finished_at >= ? AND finished_at < ?
      GROUP BY ward_code, place_ward, final_status`;
    this.raised = {
      narrow: db.prepare(raisedSql('referral_facts')),
      wide: db.prepare(raisedSql('referral_facts INDEXED BY referral_facts_grouped')),
    };
    this.pickups = {
      narrow: db.prepare(pickupsSql('referral_facts')),
      wide: db.prepare(pickupsSql('referral_facts INDEXED BY referral_facts_pickups')),
    };
    this.outcomes = {
      narrow: db.prepare(outcomesSql('referral_facts INDEXED BY referral_facts_finished')),
      wide: db.prepare(outcomesSql('referral_facts INDEXED BY referral_facts_outcomes')),
    };
    // Reports in the period not placed with this version of the list. A short period is found from its own slice
    // (raised in it, by the table's key; finished in it, by the finishing index), whatever the rest of the table
    // holds. A wide one is found through the version index, in three ranges (no version, an older one, a newer
    // one) rather than "<>", so a batch never walks past reports already placed.
    const unplacedFrom = (from: string, where: string, kind = "f.kind = 'asb'") => `
      SELECT f.referral_id, f.ward_code, json_extract(r.doc, '$.answers.location') AS location,
             json_extract(r.doc, '$.answers.postcode') AS postcode
      FROM ${from} JOIN referrals AS r ON r.id = f.referral_id
      WHERE ${kind} AND ${where}`;
    const stale = '(f.places_version IS NULL OR f.places_version <> @version)';
    const raisedIn = '(f.created_at >= @start AND f.created_at < @end)';
    const finishedIn = '(f.finished_at >= @start AND f.finished_at < @end)';
    this.unplaced = {
      narrow: db.prepare(
        // "+f.kind": left to itself the planner walks every ASB report in the (kind, version) index instead.
        `${unplacedFrom('referral_facts AS f', `${raisedIn} AND ${stale}`, "+f.kind = 'asb'")}
         UNION ALL ${unplacedFrom('referral_facts AS f INDEXED BY referral_facts_finished', `${finishedIn} AND NOT ${raisedIn} AND ${stale}`)}
         LIMIT @limit`,
      ),
      wide: db.prepare(
        ['f.places_version IS NULL', 'f.places_version < @version', 'f.places_version > @version']
          .map((version) => unplacedFrom('referral_facts AS f INDEXED BY referral_facts_unplaced', `${version} AND (${raisedIn} OR ${finishedIn})`))
          .join(' UNION ALL ') + ' LIMIT @limit',
      ),
    };
    this.place = db.prepare('UPDATE referral_facts SET place = ?, place_ward = ?, places_version = ? WHERE referral_id = ?');
    this.placeMany = db.transaction((version: string, places: PlaceAssignment[]) => {
      for (const p of places) this.place.run(p.place, p.placeWard, version, p.referralId);
    });
  }

  async tally(period: { start: string; end: string }): Promise<WardTally[]> {
    const { start, end } = period;
    const plan = this.planFor(period);
    const tallies = new Map<string | null, WardTally>();
    const forWard = (row: WardColumns): WardTally => {
      const w = row.ward_code ?? row.place_ward;
      let t = tallies.get(w);
      if (!t) {
        t = emptyTally(w);
        tallies.set(w, t);
      }
      return t;
    };
    for (const row of this.raised[plan].all(start, end)) {
      const t = forWard(row);
      if (!isKind(row.kind)) continue;
      t.raised[row.kind] += row.n;
      if (row.safeguarding) t.safeguarding += row.n;
      if (row.kind === 'cost-of-living') for (const need of needsFromBits(row.needs)) t.needs[need] += row.n;
      if (row.kind === 'asb') {
        if (isAsbType(row.asb_type)) t.asbTypes[row.asb_type] += row.n;
        const place = row.place ?? '';
        t.asbPlaces[place] = (t.asbPlaces[place] ?? 0) + row.n;
      }
    }
    const pickups = new Map<WardTally, Map<number, number>>();
    for (const row of this.pickups[plan].all(start, end, end)) {
      const t = forWard(row);
      const byMinutes = pickups.get(t) ?? new Map<number, number>();
      byMinutes.set(row.m, (byMinutes.get(row.m) ?? 0) + row.n);
      pickups.set(t, byMinutes);
    }
    for (const [t, byMinutes] of pickups) t.pickupMinutes = [...byMinutes].sort((a, b) => a[0] - b[0]);
    for (const row of this.outcomes[plan].all(start, end)) {
      if ((FINAL_STATUSES as readonly string[]).includes(row.s)) forWard(row).finished[row.s as FinalStatus] += row.n;
    }
    return [...tallies.values()];
  }

  async unplacedAsb(period: { start: string; end: string }, version: string, limit: number): Promise<UnplacedAsb[]> {
    const query = this.unplaced[this.planFor(period)];
    return query.all({ start: period.start, end: period.end, version, limit: checkedLimit(limit) }).map((row) => ({
      referralId: row.referral_id,
      wardCode: row.ward_code,
      location: typeof row.location === 'string' ? row.location : '',
      postcode: typeof row.postcode === 'string' ? row.postcode : null,
    }));
  }

  async setPlaces(version: string, places: PlaceAssignment[]): Promise<void> {
    this.placeMany(version, places);
  }

  private planFor(period: { start: string; end: string }): 'narrow' | 'wide' {
    const now = performance.now();
    if (this.totalCount === null || now - this.totalCount.at > TOTAL_COUNT_TTL_MS) this.totalCount = { n: this.total.get()?.n ?? 0, at: now };
    const threshold = Math.floor(this.totalCount.n * WIDE_PERIOD_SHARE);
    return (this.inRange.get(period.start, period.end, threshold + 1)?.n ?? 0) > threshold ? 'wide' : 'narrow';
  }
}

function isKind(kind: string): kind is ReferralKind {
  return (REFERRAL_KINDS as readonly string[]).includes(kind);
}

function isAsbType(type: string | null): type is AsbType {
  return type !== null && (ASB_TYPES as readonly string[]).includes(type);
}
