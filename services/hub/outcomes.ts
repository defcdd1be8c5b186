/**
 * Outcomes a hub worker records when a referral is closed or referred on. Codes are stored; labels are shown.
 * Digests count by code, so add codes freely but never reuse one for a different meaning.
 */
import { z } from 'zod';

export const OUTCOMES = {
  'befriender-matched': 'Matched with a befriender',
  'group-or-activity-found': 'Found a group or activity',
  'food-support-given': 'Food support given',
  'energy-support-given': 'Energy support given',
  'money-advice-given': 'Money or debt advice given',
  'housing-costs-support-given': 'Help with housing costs given',
  'information-given': 'Information and advice given',
  'passed-to-community-safety': 'Passed to community safety',
  'passed-to-police': 'Passed to the police',
  'passed-to-partner': 'Referred to a partner organisation',
  'no-contact-after-three-attempts': 'No contact after three attempts',
  'resident-declined': 'Resident declined support',
  duplicate: 'Duplicate of another referral',
} as const;

export type Outcome = keyof typeof OUTCOMES;
export const outcomeCode = z.enum(Object.keys(OUTCOMES) as [Outcome, ...Outcome[]]);

export function outcomeLabel(code: string | null): string | null {
  if (code === null) return null;
  return (OUTCOMES as Record<string, string>)[code] ?? code;
}
