/**
 * From counts to a digest: labels, the comparison with the period before, and small-number protection.
 *
 * A {@link WardDigest} is everything a renderer may use, and it is built only from tallies (counts under fixed
 * categories) and the council's own data (names, hub contact, place list). A renderer never sees a referral, so
 * nothing a resident typed can reach an email or a text by way of the renderer.
 */
import type { CouncilProfile } from '../council/types';
import { ASB_TYPES, COST_OF_LIVING_NEEDS, REFERRAL_KINDS, type AsbType, type CostOfLivingNeed, type ReferralKind } from '../referrals/model';
import { emptyTally, FINAL_STATUSES, type DigestPeriod, type FinalStatus, type WardTally } from './model';
import { periodLabel, previousLabel } from './period';
import { placeLabel, type PlaceList } from './places';
import {
  changeBetween,
  foldSmallPlaces,
  protectBreakdown,
  protectTable,
  single,
  SMALL_COUNT,
  type DigestCount,
} from './suppression';

export const KIND_LABELS: Readonly<Record<ReferralKind, string>> = {
  befriending: 'Befriending (loneliness)',
  'cost-of-living': 'Cost of living',
  asb: 'Anti-social behaviour',
};

export const NEED_LABELS: Readonly<Record<CostOfLivingNeed, string>> = {
  food: 'Food',
  energy: 'Energy bills',
  'money-advice': 'Money advice',
  'warm-spaces': 'Warm spaces',
  'housing-costs': 'Housing costs',
};

export const ASB_TYPE_LABELS: Readonly<Record<AsbType, string>> = {
  noise: 'Noise',
  vandalism: 'Vandalism or damage',
  drugs: 'Drugs',
  intimidation: 'Intimidation or harassment',
  vehicles: 'Vehicles',
  other: 'Something else',
};

export const OUTCOME_LABELS: Readonly<Record<FinalStatus, string>> = {
  'referred-on': 'Referred on to another service',
  closed: 'Closed by the hub',
  withdrawn: 'Withdrawn by the resident',
};

export interface CountRow {
  label: string;
  count: DigestCount;
}

export interface ComparedRow {
  label: string;
  current: DigestCount;
  previous: DigestCount;
  /** current − previous, or null when either is not shown exactly. */
  change: number | null;
}

export interface WardDigest {
  council: string;
  hub: { name: string; phone: string; email: string; website: string };
  /**
   * A ward, or (code null) the referrals whose ward is not known, or a group of wards from the profile's `areas`
   * (code: the area id; `title` its heading, e.g. "North neighbourhood area"; `wards` the names of its wards).
   */
  area: { code: string | null; name: string; title?: string; wards?: string[] };
  period: { kind: DigestPeriod['kind']; label: string; firstDay: string; lastDay: string };
  /** "the week before", "October 2026". */
  previousLabel: string;
  raised: { rows: ComparedRow[]; total: ComparedRow };
  /** Null when there were no cost-of-living referrals. One referral can name several needs. */
  costOfLivingNeeds: CountRow[] | null;
  /** Null when ASB is not broken down (none, or too few to break down safely). */
  asbTypes: CountRow[] | null;
  /** Named places have at least 5 reports each; the rest are "other". Null when ASB is not broken down. */
  asbPlaces: { named: { label: string; count: number }[]; other: number } | null;
  pickup: {
    /** Null when the counts cannot be shown safely. */
    pickedUp: DigestCount | null;
    waiting: DigestCount | null;
    /** Median minutes from raised to first picked up, when at least 5 were picked up; otherwise null. */
    medianMinutes: number | null;
  };
  /** Referrals (raised at any time) the hub finished with during the period. */
  outcomes: { rows: CountRow[]; total: DigestCount };
  safeguarding: DigestCount;
  /** Across the council, referrals raised in the period whose ward is not known (null in the unknown-ward digest). */
  unknownWard: DigestCount | null;
  /** True when some count is "fewer than 5" or withheld, so the reader gets the explanation. */
  anyHidden: boolean;
}

export interface DigestInput {
  profile: Pick<CouncilProfile, 'shortName' | 'hub'>;
  area: WardDigest['area'];
  period: DigestPeriod;
  current: WardTally | undefined;
  previous: WardTally | undefined;
  /** Referrals raised in the period with no ward, across the council. */
  unknownWardCount: number;
  places: PlaceList;
}

export function buildWardDigest(input: DigestInput): WardDigest {
  const now = input.current ?? emptyTally(input.area.code);
  const before = input.previous ?? emptyTally(input.area.code);

  const current = protectTable(REFERRAL_KINDS.map((k) => now.raised[k]));
  const previous = protectTable(REFERRAL_KINDS.map((k) => before.raised[k]));
  const compared = (label: string, c: DigestCount, p: DigestCount): ComparedRow => ({ label, current: c, previous: p, change: changeBetween(c, p) });
  const raised = {
    rows: REFERRAL_KINDS.map((k, i) => compared(KIND_LABELS[k], current.cells[i] as DigestCount, previous.cells[i] as DigestCount)),
    total: compared('All referrals', current.total, previous.total),
  };
  const asbIndex = REFERRAL_KINDS.indexOf('asb');
  const asbCount = current.cells[asbIndex] as DigestCount;

  const costOfLivingNeeds =
    now.raised['cost-of-living'] === 0 ? null : COST_OF_LIVING_NEEDS.map((need) => ({ label: NEED_LABELS[need], count: single(now.needs[need]) }));

  const typeCells = protectBreakdown(ASB_TYPES.map((t) => now.asbTypes[t]), asbCount);
  const asbTypes = typeCells === null ? null : ASB_TYPES.map((t, i) => ({ label: ASB_TYPE_LABELS[t], count: typeCells[i] as DigestCount }));
  const asbPlaces = asbTypes === null ? null : placesOf(now, input.places);

  const pickedUp = now.pickupMinutes.reduce((sum, [, n]) => sum + n, 0);
  const raisedTotal = REFERRAL_KINDS.reduce((sum, k) => sum + now.raised[k], 0);
  const pickupCells = protectBreakdown([pickedUp, raisedTotal - pickedUp], current.total);
  const pickup = {
    pickedUp: pickupCells?.[0] ?? null,
    waiting: pickupCells?.[1] ?? null,
    medianMinutes: pickedUp >= SMALL_COUNT ? medianOf(now.pickupMinutes) : null,
  };

  const finished = protectTable(FINAL_STATUSES.map((s) => now.finished[s]));
  const outcomes = { rows: FINAL_STATUSES.map((s, i) => ({ label: OUTCOME_LABELS[s], count: finished.cells[i] as DigestCount })), total: finished.total };

  const digest: WardDigest = {
    council: input.profile.shortName,
    hub: { name: input.profile.hub.name, phone: input.profile.hub.phone, email: input.profile.hub.email, website: input.profile.hub.website },
    area: input.area,
    period: { kind: input.period.kind, label: periodLabel(input.period), firstDay: input.period.firstDay, lastDay: input.period.lastDay },
    previousLabel: previousLabel(input.period),
    raised,
    costOfLivingNeeds,
    asbTypes,
    asbPlaces,
    pickup,
    outcomes,
    safeguarding: single(now.safeguarding),
    unknownWard: input.area.code === null ? null : single(input.unknownWardCount),
    anyHidden: false,
  };
  digest.anyHidden = JSON.stringify(digest).includes('"kind":"fewer-than-5"') || JSON.stringify(digest).includes('"kind":"withheld"');
  return digest;
}

/** Only labels from the council's list or well-formed postcode sectors; everything else is "other places". */
function placesOf(tally: WardTally, places: PlaceList): { named: { label: string; count: number }[]; other: number } {
  const byLabel = new Map<string, number>();
  let total = 0;
  for (const [key, count] of Object.entries(tally.asbPlaces)) {
    total += count;
    const label = placeLabel(key, places);
    if (label !== null) byLabel.set(label, (byLabel.get(label) ?? 0) + count);
  }
  return foldSmallPlaces([...byLabel].map(([label, count]) => ({ label, count })), total);
}

/** "45 minutes", "3 hours 20 minutes", "2 days 4 hours". */
export function formatDuration(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'}`;
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (m < 48 * 60) {
    const hours = Math.floor(m / 60);
    const rest = m % 60;
    return rest === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(rest, 'minute')}`;
  }
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  return hours === 0 ? plural(days, 'day') : `${plural(days, 'day')} ${plural(hours, 'hour')}`;
}

/** The median of a [value, count] histogram sorted by value; null when it is empty. */
export function medianOf(histogram: readonly (readonly [number, number])[]): number | null {
  const total = histogram.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const at = (index: number): number => {
    let seen = 0;
    for (const [value, n] of histogram) {
      seen += n;
      if (index < seen) return value;
    }
    return histogram[histogram.length - 1]?.[0] ?? 0;
  };
  return total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}
