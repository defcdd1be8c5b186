/**
 * The digest counts as a pure function of referrals: the definition the stores' GROUP BY and aggregation pipeline
 * must agree with (the contract tests compare them), and a way to count a handful of referrals without a store.
 *
 * For each referral: its ward (or, for an ASB report with none, the ward of the listed place it named), kind, whether
 * safeguarding made it urgent, needs, ASB type and place; when it was first claimed (picked up), and when and how
 * it reached a final status.
 */
import { FINAL_STATUSES, emptyTally, type FinalStatus, type WardTally } from './model';
import type { PlaceList } from './places';
import type { Referral } from '../referrals/model';

export interface ReferralFacts {
  wardCode: string | null;
  createdAt: string;
  kind: Referral['kind'];
  safeguarding: boolean;
  needs: readonly string[];
  asbType: string | null;
  place: string | null;
  pickedUpAt: string | null;
  pickupMinutes: number | null;
  finishedAt: string | null;
  finalStatus: FinalStatus | null;
}

const wholeSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export function factsOf(referral: Referral, places: PlaceList): ReferralFacts {
  const claims = referral.history.filter((h) => h.to === 'claimed').map((h) => h.at).sort();
  const pickedUpAt = claims[0] ?? null;
  const finals = referral.history
    .filter((h): h is typeof h & { to: FinalStatus } => (FINAL_STATUSES as readonly string[]).includes(h.to))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const finish = finals[0] ?? null;
  const answers = referral.answers;
  const match = answers.kind === 'asb' ? places.match(answers.location, referral.ward.code, answers.postcode) : null;
  return {
    wardCode: referral.ward.code ?? match?.placeWard ?? null,
    createdAt: referral.createdAt,
    kind: referral.kind,
    safeguarding: referral.urgencyReasons.includes('safeguarding'),
    needs: referral.kind === 'cost-of-living' && answers.kind === 'cost-of-living' ? [...new Set(answers.needs)] : [],
    asbType: referral.kind === 'asb' && answers.kind === 'asb' ? answers.asbType : null,
    place: match?.place ?? null,
    pickedUpAt,
    pickupMinutes: pickedUpAt === null ? null : Math.trunc((wholeSeconds(pickedUpAt) - wholeSeconds(referral.createdAt)) / 60),
    finishedAt: finish?.at ?? null,
    finalStatus: finish?.to ?? null,
  };
}

/** Tallies by ward for `[start, end)`, in the shape and with the meaning of DigestStatsRepository.tally. */
export function tallyFacts(all: Iterable<ReferralFacts>, period: { start: string; end: string }): WardTally[] {
  const tallies = new Map<string | null, WardTally>();
  const pickups = new Map<string | null, Map<number, number>>();
  const forWard = (w: string | null): WardTally => {
    let t = tallies.get(w);
    if (!t) {
      t = emptyTally(w);
      tallies.set(w, t);
    }
    return t;
  };
  for (const f of all) {
    if (f.createdAt >= period.start && f.createdAt < period.end) {
      const t = forWard(f.wardCode);
      t.raised[f.kind] += 1;
      if (f.safeguarding) t.safeguarding += 1;
      for (const need of f.needs) if (need in t.needs) t.needs[need as keyof typeof t.needs] += 1;
      if (f.kind === 'asb') {
        if (f.asbType !== null && f.asbType in t.asbTypes) t.asbTypes[f.asbType as keyof typeof t.asbTypes] += 1;
        const place = f.place ?? '';
        t.asbPlaces[place] = (t.asbPlaces[place] ?? 0) + 1;
      }
      if (f.pickedUpAt !== null && f.pickupMinutes !== null && f.pickedUpAt < period.end) {
        const byMinutes = pickups.get(f.wardCode) ?? new Map<number, number>();
        byMinutes.set(f.pickupMinutes, (byMinutes.get(f.pickupMinutes) ?? 0) + 1);
        pickups.set(f.wardCode, byMinutes);
      }
    }
    if (f.finishedAt !== null && f.finalStatus !== null && f.finishedAt >= period.start && f.finishedAt < period.end) {
      forWard(f.wardCode).finished[f.finalStatus] += 1;
    }
  }
  for (const [w, byMinutes] of pickups) forWard(w).pickupMinutes = [...byMinutes].sort((a, b) => a[0] - b[0]);
  return [...tallies.values()];
}

export function tallyReferrals(referrals: Iterable<Referral>, places: PlaceList, period: { start: string; end: string }): WardTally[] {
  return tallyFacts([...referrals].map((r) => factsOf(r, places)), period);
}
