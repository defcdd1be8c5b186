/**
 * Ward digests as data: who gets them (subscriptions), what was sent (the ledger), and the counts a digest is built
 * from (tallies). Like the referral model, the zod schemas are the single definition, used at the API and CLI
 * edges and to check documents read back from either store.
 *
 * Nothing here holds a resident's details. A tally is counts keyed by fixed categories (referral kind, need, ASB
 * type, status) and by place keys that come from the council's own list of streets and landmarks or from a
 * postcode sector; see places.ts for why that is safe.
 */
import { z } from 'zod';
import {
  ASB_TYPES,
  COST_OF_LIVING_NEEDS,
  REFERRAL_KINDS,
  type AsbType,
  type CostOfLivingNeed,
  type ReferralKind,
} from '../referrals/model';

export const DIGEST_FREQUENCIES = ['weekly', 'monthly'] as const;
export const digestFrequency = z.enum(DIGEST_FREQUENCIES);
export type DigestFrequency = z.infer<typeof digestFrequency>;

export const DIGEST_CHANNELS = ['email', 'sms'] as const;
export const digestChannel = z.enum(DIGEST_CHANNELS);
export type DigestChannel = z.infer<typeof digestChannel>;

const wardCode = z.string().regex(/^(E05|W05|S13|N08)\d{6}$/, 'must be an ONS ward GSS code such as "E05012996"');
const isoInstant = z.string().datetime();
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-11-16');

/** A councillor's mobile, in E.164. UK numbers typed the national way are normalised before this check. */
export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, e.g. +447700900123');

export const digestSubscription = z.object({
  id: z.string().min(1),
  /** One digest per ward per period. */
  wardCodes: z.array(wardCode).min(1),
  /** The full digest goes here. */
  email: z.email().nullable(),
  /** A councillor who gave a mobile chose text: a short summary goes here. */
  mobile: e164.nullable(),
  frequency: digestFrequency,
  /** The councillor's staff account, once the hub console has them; linked by the lead, null until then. */
  staffId: z.string().min(1).nullable(),
  active: z.boolean(),
  createdAt: isoInstant,
  updatedAt: isoInstant,
});
export type DigestSubscription = z.infer<typeof digestSubscription>;

/** The channels a subscription is sent on, in the order they are sent. */
export function channelsOf(subscription: Pick<DigestSubscription, 'email' | 'mobile'>): DigestChannel[] {
  const channels: DigestChannel[] = [];
  if (subscription.email) channels.push('email');
  if (subscription.mobile) channels.push('sms');
  return channels;
}

/**
 * A digest's period: `[start, end)` as instants, and the same as local (Europe/London) calendar days, first and last
 * inclusive, for people. `weekly` and `monthly` are the scheduled kinds; `custom` is a period an admin asked for.
 */
export const digestPeriod = z.object({
  kind: z.enum(['weekly', 'monthly', 'custom']),
  start: isoInstant,
  end: isoInstant,
  firstDay: isoDay,
  lastDay: isoDay,
});
export type DigestPeriod = z.infer<typeof digestPeriod>;

/**
 * A ledger entry's life: `sending` (claimed by one instance, which holds a lease) → `sent`, or → `failed` (another
 * attempt is due at `nextAttemptAt`) → `sending` again, until `abandoned` (out of attempts, or not sendable: the
 * councillor unsubscribed or replied STOP).
 */
export const LEDGER_STATUSES = ['sending', 'sent', 'failed', 'abandoned'] as const;
export const ledgerStatus = z.enum(LEDGER_STATUSES);
export type LedgerStatus = z.infer<typeof ledgerStatus>;

export const digestLedgerEntry = z.object({
  /** `subscriptionId|wardCode|firstDay|lastDay|channel`: the idempotency key. */
  key: z.string().min(1),
  subscriptionId: z.string().min(1),
  wardCode: wardCode,
  period: digestPeriod,
  channel: digestChannel,
  status: ledgerStatus,
  attempts: z.number().int().min(0),
  /** Short and free of personal data: "smtp 550", "notify 400 BadRequestError", "network", "opted-out". */
  lastError: z.string().nullable(),
  /** The instance that holds (or last held) the claim. */
  claimedBy: z.string().nullable(),
  /** While `sending`: after this, the claim is taken to be dead and may be taken over. */
  leaseUntil: isoInstant.nullable(),
  /** While `failed`: when the next attempt is due. */
  nextAttemptAt: isoInstant.nullable(),
  sentAt: isoInstant.nullable(),
  /** The id the email provider or SMS outbox gave the message. */
  providerId: z.string().nullable(),
  createdAt: isoInstant,
  updatedAt: isoInstant,
});
export type DigestLedgerEntry = z.infer<typeof digestLedgerEntry>;

export function ledgerKey(subscriptionId: string, wardCode: string, period: DigestPeriod, channel: DigestChannel): string {
  return [subscriptionId, wardCode, period.firstDay, period.lastDay, channel].join('|');
}

/** The statuses a referral ends in; "what happened" to a referral is which of these it reached, and when. */
export const FINAL_STATUSES = ['referred-on', 'closed', 'withdrawn'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

/**
 * Counts for one ward (or, with `wardCode` null, for referrals whose ward is unknown) over one period.
 * What the stores compute with GROUP BY or an aggregation pipeline, and what tally.ts computes from referrals.
 */
export interface WardTally {
  wardCode: string | null;
  /** Referrals raised in the period, by kind. */
  raised: Record<ReferralKind, number>;
  /** Cost-of-living referrals raised in the period that named each need (one referral may name several). */
  needs: Record<CostOfLivingNeed, number>;
  asbTypes: Record<AsbType, number>;
  /** ASB reports raised in the period by place key (see places.ts); '' is "not recognised". */
  asbPlaces: Record<string, number>;
  /** Referrals raised in the period and picked up (first claimed) before it ended: [minutes taken, how many]. */
  pickupMinutes: [number, number][];
  /** Referrals raised in the period that a safeguarding phrase made urgent. */
  safeguarding: number;
  /** Referrals (raised at any time) that reached a final status during the period. */
  finished: Record<FinalStatus, number>;
}

export function emptyTally(wardCode: string | null): WardTally {
  return {
    wardCode,
    raised: zeroes(REFERRAL_KINDS),
    needs: zeroes(COST_OF_LIVING_NEEDS),
    asbTypes: zeroes(ASB_TYPES),
    asbPlaces: {},
    pickupMinutes: [],
    safeguarding: 0,
    finished: zeroes(FINAL_STATUSES),
  };
}

/**
 * Several wards' counts added together, for an area digest. Small-number protection is applied afterwards, to the
 * sums, exactly as for one ward (build.ts); nothing here is shown on its own.
 */
export function addTallies(label: string, tallies: readonly (WardTally | undefined)[]): WardTally {
  const total = emptyTally(label);
  const histogram = new Map<number, number>();
  const add = <K extends string>(into: Record<K, number>, from: Record<K, number>): void => {
    for (const key of Object.keys(from) as K[]) into[key] = (into[key] ?? 0) + from[key];
  };
  for (const t of tallies) {
    if (t === undefined) continue;
    add(total.raised, t.raised);
    add(total.needs, t.needs);
    add(total.asbTypes, t.asbTypes);
    add(total.asbPlaces, t.asbPlaces);
    add(total.finished, t.finished);
    total.safeguarding += t.safeguarding;
    for (const [minutes, n] of t.pickupMinutes) histogram.set(minutes, (histogram.get(minutes) ?? 0) + n);
  }
  total.pickupMinutes = [...histogram].sort((a, b) => a[0] - b[0]);
  return total;
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Bit for each cost-of-living need, in the model's order; the SQLite facts table stores a referral's needs as one integer. */
export const NEED_BITS: Readonly<Record<CostOfLivingNeed, number>> = Object.fromEntries(
  COST_OF_LIVING_NEEDS.map((need, i) => [need, 1 << i]),
) as Record<CostOfLivingNeed, number>;

export function needsFromBits(bits: number): CostOfLivingNeed[] {
  return COST_OF_LIVING_NEEDS.filter((need) => (bits & NEED_BITS[need]) !== 0);
}
