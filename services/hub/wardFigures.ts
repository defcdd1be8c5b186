/**
 * What a ward councillor may see of their wards' referrals: the digest's rules, applied to the console.
 *
 * - One whole week at a time (Monday to Sunday, London time), and only a week that has ended. A day, or a week
 *   still under way, could be narrowed to one resident ("urgent: 1" on Tuesday); and two overlapping ranges
 *   could be subtracted. Disjoint whole weeks cannot be.
 * - Small numbers suppressed as in the digests (`services/digests/suppression.ts`): 1 to 4 is "fewer than 5", and
 *   counts that would let one be worked out from the total are withheld.
 * - No overdue count: it is a measure of the hub's work, not of the ward, and changes from day to day.
 *
 * Hub workers, leads and admins can open every referral anyway, so exact figures tell them nothing new; they keep
 * the exact view (`QueueService.wardStats`).
 */
import { periodLabel, previousPeriod, weekContaining } from '../digests/period';
import { protectBreakdown, protectTable, single, type DigestCount } from '../digests/suppression';
import { AppError } from '../errors';
import { REFERRAL_KINDS, REFERRAL_STATUSES, type ReferralKind, type ReferralStatus } from '../referrals/model';
import type { QueueCounts } from '../store/types';

export interface CouncillorWardCounts {
  total: DigestCount;
  byKind: Record<ReferralKind, DigestCount>;
  byStatus: Record<ReferralStatus, DigestCount>;
  /** Referrals made urgent by a safeguarding phrase or danger; as the digest's safeguarding count. */
  urgent: DigestCount;
}

export interface CouncillorWeek {
  /** Monday 00:00 London time, as an instant. */
  from: string;
  /** The Monday after, exclusive. */
  to: string;
  /** "9 to 15 November 2026". */
  label: string;
}

/**
 * The week a councillor asked for: the ended week containing `from`, or the last ended week. `to` is refused:
 * ranges are what let small numbers be worked out by subtraction.
 */
export function councillorWeek(range: { from?: string; to?: string }, now: Date): CouncillorWeek {
  if (range.to !== undefined) {
    throw new AppError('invalid-input', 'Ward figures are given one whole week at a time: give "from", any time in the week you want.');
  }
  const current = weekContaining(now);
  const week = range.from === undefined ? previousPeriod(current) : weekContaining(new Date(range.from));
  if (Date.parse(week.end) > Date.parse(current.start)) {
    throw new AppError('invalid-input', 'Ward figures are given only for weeks that have ended.');
  }
  return { from: week.start, to: week.end, label: periodLabel(week) };
}

export function suppressForCouncillor(counts: QueueCounts): CouncillorWardCounts {
  const kinds = protectTable(REFERRAL_KINDS.map((k) => counts.byKind[k]));
  const statuses = protectBreakdown(
    REFERRAL_STATUSES.map((s) => counts.byStatus[s]),
    kinds.total,
  );
  const withheld: DigestCount = { kind: 'withheld' };
  return {
    total: kinds.total,
    byKind: Object.fromEntries(REFERRAL_KINDS.map((k, i) => [k, kinds.cells[i] ?? withheld])) as Record<ReferralKind, DigestCount>,
    byStatus: Object.fromEntries(REFERRAL_STATUSES.map((s, i) => [s, statuses?.[i] ?? withheld])) as Record<ReferralStatus, DigestCount>,
    urgent: single(counts.urgent),
  };
}

/** As the digests word it. */
export function countText(count: DigestCount): string {
  return count.kind === 'count' ? String(count.value) : count.kind === 'fewer-than-5' ? 'fewer than 5' : 'not shown';
}
