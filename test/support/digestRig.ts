/**
 * A digest service on a real embedded store in a temporary directory, with referrals seeded for the week of
 * 16-22 November 2026 (full of personal details, so every delivery test also checks none of them leave).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ManualClock } from '../../services/clock';
import { loadCouncilProfile } from '../../services/council/loadProfile';
import type { Mailer } from '../../services/digests/mailer';
import type { DigestSubscription } from '../../services/digests/model';
import { PlaceList } from '../../services/digests/places';
import { DigestService, type DigestServiceOptions, type DigestTextSender } from '../../services/digests/service';
import type { Referral } from '../../services/referrals/model';
import { SqliteStore } from '../../services/store/sqliteStore';
import type { Store } from '../../services/store/types';
import { EXAMPLE_PLACES } from './digestFixtures';
import { makeReferral, numbered } from './referralFactory';

export const BOSTON_CASTLE = 'E05012996';
export const ROTHERHAM_EAST = 'E05013010';
/** Monday 23 November 2026, 08:00 GMT: last week's digests are due. */
export const DUE = '2026-11-23T08:00:00.000Z';
export const profile = loadCouncilProfile('rotherham');
export const places = new PlaceList(EXAMPLE_PLACES);

/** Words that must never leave in a digest. */
export const SECRETS = ['Zelda Quixote', '07700 900777', 'zelda.quixote@example.net', '14 Quarry Lane', 'S60 2QX', 'my ex keeps kicking the door'];

export function seededReferrals(): Referral[] {
  const referrals: Referral[] = [];
  let n = 0;
  const add = (ward: string, kind: Referral['kind'], day: number, extra: Partial<Referral> = {}) => {
    n += 1;
    const createdAt = `2026-11-${String(16 + day).padStart(2, '0')}T10:00:00.000Z`;
    const base: Partial<Referral> = {
      ...numbered(n),
      kind,
      createdAt,
      ward: { code: ward, name: ward === BOSTON_CASTLE ? 'Boston Castle' : 'Rotherham East', source: 'postcode-table' },
      contact: { anonymous: false, name: 'Zelda Quixote', method: 'phone', phone: '07700 900777', email: 'zelda.quixote@example.net', bestTime: 'morning' },
      history: [
        { at: createdAt, actor: 'resident', from: null, to: 'new', why: 'submitted' },
        { at: createdAt.replace('T10:', 'T12:'), actor: 'staff-1', from: 'new', to: 'claimed', why: 'rang Zelda Quixote on 07700 900777' },
      ],
      status: 'claimed',
    };
    if (kind === 'asb') {
      base.answers = { kind: 'asb', asbType: n % 12 < 7 ? 'noise' : 'vandalism', location: 'outside 14 Quarry Lane, S60 2QX, near Clifton Park', postcode: 'S60 2QX', when: 'ongoing', frequency: 'daily', dangerNow: false, description: 'my ex keeps kicking the door' };
    }
    if (kind === 'cost-of-living') {
      base.answers = { kind: 'cost-of-living', needs: ['food', 'energy'], postcode: 'S60 2QX', signposted: [], notes: 'Zelda Quixote, 14 Quarry Lane' };
    }
    referrals.push(makeReferral({ ...base, ...extra }));
  };
  for (let i = 0; i < 8; i += 1) add(BOSTON_CASTLE, 'befriending', i % 7);
  for (let i = 0; i < 6; i += 1) add(BOSTON_CASTLE, 'cost-of-living', i % 7);
  for (let i = 0; i < 12; i += 1) add(BOSTON_CASTLE, 'asb', i % 7);
  for (let i = 0; i < 5; i += 1) add(ROTHERHAM_EAST, 'befriending', i % 7);
  return referrals;
}

export function subscription(id: string, overrides: Partial<DigestSubscription> = {}): DigestSubscription {
  return {
    id,
    wardCodes: [BOSTON_CASTLE],
    email: `${id}@example.gov.uk`,
    mobile: null,
    frequency: 'weekly',
    staffId: null,
    active: true,
    createdAt: '2026-11-01T09:00:00.000Z',
    updatedAt: '2026-11-01T09:00:00.000Z',
    ...overrides,
  };
}

export interface DigestRig {
  dir: string;
  store: Store;
  clock: ManualClock;
  service: DigestService;
  /** A second instance: its own connection to the same file, its own instance id. */
  secondInstance(mailer: Mailer | null, options?: DigestServiceOptions): Promise<{ store: Store; service: DigestService }>;
  close(): Promise<void>;
}

export async function digestRig(options: { mailer: Mailer | null; texts?: DigestTextSender | null; service?: DigestServiceOptions; seed?: boolean }): Promise<DigestRig> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-digests-'));
  const clock = new ManualClock(DUE);
  const logger = pino({ level: 'silent' });
  const opened: Store[] = [];
  const open = async (): Promise<Store> => {
    const store = await SqliteStore.open(dir, { clock });
    opened.push(store);
    return store;
  };
  const store = await open();
  if (options.seed !== false) for (const r of seededReferrals()) await store.referrals.insertIfAbsent(r);
  const make = (s: Store, mailer: Mailer | null, serviceOptions: DigestServiceOptions) =>
    new DigestService({ store: s, profile, places, clock, logger, mailer, texts: options.texts ?? null }, serviceOptions);
  return {
    dir,
    store,
    clock,
    service: make(store, options.mailer, { instanceId: 'instance-a', ...options.service }),
    async secondInstance(mailer, serviceOptions = {}) {
      const second = await open();
      return { store: second, service: make(second, mailer, { instanceId: 'instance-b', ...options.service, ...serviceOptions }) };
    },
    async close() {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
