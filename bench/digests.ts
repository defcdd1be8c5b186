/**
 * Ward digests over one million referrals, embedded store: the time to build every ward's digest (all 25 and the
 * unknown-ward one, with the period before for the comparison), against a plain `SELECT count(*)` over the same
 * million rows measured in the same run.
 *
 * The referrals are spread over two years ending with the week under test, about 9,600 a week, so a weekly digest
 * reads one week and the week before. The second figure is the worst case: one period covering all million.
 * "First" builds include working out the place of ASB reports not placed before (what a first run after a bulk
 * import, or after the place list changes, pays once); "again" is every run after that (median of 5).
 *
 * Seeding is one transaction of prepared inserts into `referrals`; the store's own triggers fill the facts table,
 * as they would for referrals arriving one at a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { ManualClock } from '../services/clock';
import { loadCouncilProfile } from '../services/council/loadProfile';
import { PlaceList } from '../services/digests/places';
import { periodFromDays } from '../services/digests/period';
import { DigestService } from '../services/digests/service';
import { ASB_TYPES, COST_OF_LIVING_NEEDS, REFERRAL_KINDS, type AsbType, type Referral } from '../services/referrals/model';
import { SQLITE_FILE_NAME, SqliteStore } from '../services/store/sqliteStore';
import { fmt, out, table } from './support';

export interface DigestBenchResult {
  referrals: number;
  seedSeconds: number;
  /** `SELECT count(*)`: SQLite counts b-tree cells without reading rows, so this is a floor, not a scan. */
  countAllMs: number;
  /** `SELECT sum(urgent)`: visits every referral once (through the queue index); the baseline the ratios use. */
  scanAllMs: number;
  weekly: { firstMs: number; againMs: number; wards: number };
  allTime: { firstMs: number; againMs: number; placed: number };
}

const WEEK_FIRST = '2026-11-16';
const WEEK_LAST = '2026-11-22';
const WEEKS = 104;

/** A small deterministic generator, so every run seeds the same data. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function seed(file: string, count: number, wardCodes: readonly string[], placeNames: readonly string[]): number {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Seeding only: no fsync, and a cache big enough that a million inserts into six indexes do not thrash it.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const insert = db.prepare(
    `INSERT INTO referrals (id, reference, idempotency_key, kind, status, urgent, ward_code, conversation_id, created_at, doc)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const rnd = random(2026);
  const end = Date.parse('2026-11-23T00:00:00.000Z');
  const span = WEEKS * 7 * 86_400_000;
  const locations = [...placeNames, 'round the back of the flats', 'outside the shop on the corner', 'the alley behind number 12'];
  const started = performance.now();
  db.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      const created = end - Math.floor(rnd() * span);
      const createdAt = new Date(created).toISOString();
      const kind = REFERRAL_KINDS[Math.floor(rnd() * 3)] as Referral['kind'];
      const wardCode = rnd() < 0.03 ? null : (wardCodes[Math.floor(rnd() * wardCodes.length)] as string);
      const history: Referral['history'] = [{ at: createdAt, actor: 'resident', from: null, to: 'new', why: 'submitted by the resident' }];
      let status: Referral['status'] = 'new';
      if (rnd() < 0.85) {
        const claimed = created + Math.floor(rnd() * 3 * 86_400_000);
        history.push({ at: new Date(claimed).toISOString(), actor: 'staff-1', from: 'new', to: 'claimed', why: 'claimed' });
        status = 'claimed';
        if (rnd() < 0.7) {
          status = rnd() < 0.3 ? 'referred-on' : 'closed';
          history.push({ at: new Date(claimed + Math.floor(rnd() * 7 * 86_400_000)).toISOString(), actor: 'staff-1', from: 'claimed', to: status, why: 'done' });
        }
      }
      const urgencyReasons: Referral['urgencyReasons'] = rnd() < 0.02 ? ['safeguarding'] : [];
      const answers: Referral['answers'] =
        kind === 'befriending'
          ? { kind, forWhom: 'self', postcode: 'S60 2AB', interests: ['phone-call'], accessNeeds: null }
          : kind === 'cost-of-living'
            ? { kind, needs: COST_OF_LIVING_NEEDS.filter(() => rnd() < 0.4).concat('food'), postcode: 'S60 2AB', signposted: [], notes: null }
            : {
                kind,
                asbType: ASB_TYPES[Math.floor(rnd() * ASB_TYPES.length)] as AsbType,
                location: locations[Math.floor(rnd() * locations.length)] as string,
                postcode: rnd() < 0.4 ? 'S60 2AB' : null,
                when: 'ongoing',
                frequency: 'weekly',
                dangerNow: false,
                description: null,
              };
      const reference = `HUB-${i.toString(36).toUpperCase().padStart(6, '0')}`;
      const doc: Referral = {
        id: `r${i}`,
        reference,
        idempotencyKey: `bench-${i}`,
        kind,
        status,
        urgent: urgencyReasons.length > 0,
        urgencyReasons,
        partial: false,
        ward: { code: wardCode, name: null, source: wardCode ? 'postcode-table' : 'unknown' },
        contact: { anonymous: false, name: 'Bench Resident', method: 'phone', phone: '07700 900123', bestTime: 'any' },
        consent: { given: true, wordingVersion: 'privacy-v1', at: createdAt },
        answers,
        channel: 'sms',
        conversationId: `c${i}`,
        preferredLanguage: null,
        createdAt,
        updatedAt: history[history.length - 1]?.at ?? createdAt,
        slaDueAt: createdAt,
        assignee: null,
        outcome: null,
        history,
        notes: [],
      version: 0,
      };
      insert.run(doc.id, reference, doc.idempotencyKey, kind, status, doc.urgent ? 1 : 0, wardCode, doc.conversationId, createdAt, JSON.stringify(doc));
    }
  })();
  const seconds = (performance.now() - started) / 1000;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return seconds;
}

async function timed<T>(work: () => Promise<T> | T): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [performance.now() - started, result];
}

/** The median of several runs: one sample on a shared machine says more about the neighbours than about us. */
async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) times.push((await timed(work))[0]);
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)] as number;
}

export async function benchDigests(options: { referrals: number }): Promise<DigestBenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-digests-'));
  try {
    const profile = loadCouncilProfile('rotherham');
    const places = PlaceList.load(path.join(__dirname, '..', 'councils', 'rotherham'), profile.wards);
    await (await SqliteStore.open(dir)).close(); // creates the schema
    const seedSeconds = seed(path.join(dir, SQLITE_FILE_NAME), options.referrals, profile.wards.map((w) => w.code), places.places.flatMap((p) => p.aliases));

    const store = await SqliteStore.open(dir);
    const raw = new Database(path.join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      const countAll = raw.prepare('SELECT count(*) AS n FROM referrals');
      const scanAll = raw.prepare('SELECT sum(urgent) AS n FROM referrals');
      countAll.get(); // warm the page cache, as the digests' first build warms it for the second
      scanAll.get();
      const countAllMs = await median(5, async () => countAll.get());
      const scanAllMs = await median(5, async () => scanAll.get());

      const service = new DigestService({ store, profile, places, clock: new ManualClock('2026-11-23T08:00:00Z'), logger: pino({ level: 'silent' }), mailer: null, texts: null });
      const week = periodFromDays(WEEK_FIRST, WEEK_LAST);
      const [weeklyFirst, digests] = await timed(() => service.buildAll(week));
      const weeklyAgain = await median(5, () => service.buildAll(week));

      const everything = periodFromDays('2024-11-01', WEEK_LAST);
      const [allFirst] = await timed(() => service.buildAll(everything));
      const allAgain = await median(5, () => service.buildAll(everything));
      const placed = (raw.prepare("SELECT count(*) AS n FROM referral_facts WHERE kind = 'asb' AND places_version IS NOT NULL").get() as { n: number }).n;

      return {
        referrals: options.referrals,
        seedSeconds,
        countAllMs,
        scanAllMs,
        weekly: { firstMs: weeklyFirst, againMs: weeklyAgain, wards: digests.size - 1 },
        allTime: { firstMs: allFirst, againMs: allAgain, placed },
      };
    } finally {
      raw.close();
      await store.close();
    }
  } finally {
    if (process.env.KEEP_BENCH_DIR) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the digest benchmark: all ward digests over DIGEST_BENCH_REFERRALS (default 1,000,000) referrals. */
export async function runDigestBench(): Promise<void> {
  const referrals = Number(process.env.DIGEST_BENCH_REFERRALS ?? 1_000_000);
  out(`Ward digests over ${referrals.toLocaleString('en-GB')} referrals, embedded store (seeding in one transaction; the facts table filled by the store's triggers)`);
  const r = await benchDigests({ referrals });
  const per = (ms: number) => fmt(ms / r.scanAllMs, 1);
  out(`seeded in ${fmt(r.seedSeconds)} s`);
  out(
    `baselines over the same ${referrals.toLocaleString('en-GB')} referrals: SELECT count(*) ${fmt(r.countAllMs, 2)} ms (SQLite counts b-tree cells), ` +
      `SELECT sum(urgent) ${fmt(r.scanAllMs, 1)} ms (visits every row once; the ratios below use this)`,
  );
  out(
    table([
      ['all ward digests (25 + unknown ward, with the period before)', 'first build ms', 'x scan', 'again ms (median of 5)', 'x scan'],
      ['one week (about 9,600 referrals, and the week before)', fmt(r.weekly.firstMs), per(r.weekly.firstMs), fmt(r.weekly.againMs), per(r.weekly.againMs)],
      [`every referral in one period (${r.allTime.placed.toLocaleString('en-GB')} ASB reports placed on the first build)`, fmt(r.allTime.firstMs), per(r.allTime.firstMs), fmt(r.allTime.againMs), per(r.allTime.againMs)],
    ]),
  );
  out(`target: all 25 ward digests over 1,000,000 referrals in under 2 s (weekly, again: ${fmt(r.weekly.againMs / 1000, 3)} s; whole million, again: ${fmt(r.allTime.againMs / 1000, 2)} s)`);
  out();
}

