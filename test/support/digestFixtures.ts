/**
 * Shared test data for ward digests: the week under test, a place list, and random referrals for property tests.
 */
import fc from 'fast-check';
import type { DigestPeriod } from '../../services/digests/model';
import { periodFromDays } from '../../services/digests/period';
import type { Place } from '../../services/digests/places';
import { ASB_TYPES, COST_OF_LIVING_NEEDS, REFERRAL_KINDS, type Referral } from '../../services/referrals/model';
import { makeReferral } from './referralFactory';

/** Monday 16 to Sunday 22 November 2026 (GMT), and the week before. */
export const WEEK: DigestPeriod = periodFromDays('2026-11-16', '2026-11-22');
export const WEEK_BEFORE: DigestPeriod = periodFromDays('2026-11-09', '2026-11-15');

/** Test places; "High Street" is listed in two wards on purpose. */
export const EXAMPLE_PLACES: Place[] = [
  { wardCode: 'E05012996', name: 'Clifton Park', aliases: ['the park by the museum'] },
  { wardCode: 'E05012996', name: 'Moorgate Road', aliases: [] },
  { wardCode: 'E05012996', name: 'High Street', aliases: [] },
  { wardCode: 'E05013010', name: 'High Street', aliases: [] },
  { wardCode: 'E05013010', name: 'Eastwood Lane', aliases: ['Eastwood shops'] },
];

const WARDS = ['E05012996', 'E05013010', null] as const;
const LOCATIONS = ['Clifton Park', 'outside 12 moorgate rd', 'High St near the bus stop', 'Eastwood shops', 'round the back', 'S60 2AB', ''];
const FINAL = ['closed', 'referred-on', 'withdrawn'] as const;

const from = Date.parse('2026-11-05T00:00:00.000Z');
const to = Date.parse('2026-11-25T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A valid referral (ids left as the factory's; give each its own with `numbered`) with a random life so far. */
export const arbitraryReferral: fc.Arbitrary<Referral> = fc
  .record({
    kind: fc.constantFrom(...REFERRAL_KINDS),
    ward: fc.constantFrom(...WARDS),
    created: fc.integer({ min: from, max: to }),
    claimAfter: fc.option(fc.integer({ min: 0, max: 5 * 86_400_000 }), { nil: null }),
    finishAfter: fc.option(fc.integer({ min: 1, max: 9 * 86_400_000 }), { nil: null }),
    finalStatus: fc.constantFrom(...FINAL),
    urgency: fc.subarray(['safeguarding', 'danger'] as const),
    needs: fc.array(fc.constantFrom(...COST_OF_LIVING_NEEDS), { minLength: 1, maxLength: 4 }),
    asbType: fc.constantFrom(...ASB_TYPES),
    location: fc.constantFrom(...LOCATIONS),
    postcode: fc.constantFrom('S60 2AB', 'S65 1EE', null),
  })
  .map((r) => {
    const createdAt = iso(r.created);
    const history: Referral['history'] = [{ at: createdAt, actor: 'resident', from: null, to: 'new', why: 'submitted' }];
    let claimedAt: number | null = null;
    if (r.claimAfter !== null) {
      claimedAt = r.created + r.claimAfter;
      history.push({ at: iso(claimedAt), actor: 'staff-1', from: 'new', to: 'claimed', why: 'claimed' });
    }
    if (r.finishAfter !== null) {
      const finalStatus = claimedAt === null ? 'withdrawn' : r.finalStatus;
      history.push({ at: iso((claimedAt ?? r.created) + r.finishAfter), actor: 'staff-1', from: claimedAt === null ? 'new' : 'claimed', to: finalStatus, why: 'finished' });
    }
    const answers: Referral['answers'] =
      r.kind === 'befriending'
        ? { kind: 'befriending', forWhom: 'self', postcode: r.postcode ?? 'S60 2AB', interests: ['phone-call'], accessNeeds: null }
        : r.kind === 'cost-of-living'
          ? { kind: 'cost-of-living', needs: r.needs, postcode: r.postcode ?? 'S60 2AB', signposted: [], notes: null }
          : { kind: 'asb', asbType: r.asbType, location: r.location || 'somewhere', postcode: r.postcode, when: 'ongoing', frequency: 'weekly', dangerNow: false, description: null };
    return makeReferral({
      kind: r.kind,
      ward: r.ward === null ? { code: null, name: null, source: 'unknown' } : { code: r.ward, name: 'A ward', source: 'postcode-table' },
      createdAt,
      updatedAt: history[history.length - 1]?.at ?? createdAt,
      urgent: r.urgency.length > 0,
      urgencyReasons: [...r.urgency],
      answers,
      history,
      status: history[history.length - 1]?.to ?? 'new',
    });
  });

export function arbitraryReferrals(maxLength: number): fc.Arbitrary<Referral[]> {
  return fc.array(arbitraryReferral, { minLength: 1, maxLength });
}
