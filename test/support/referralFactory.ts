/**
 * Valid referrals for tests, with fixed timestamps so that a test's outcome never depends on when it runs.
 * The result is checked against the model's own schema, so a factory that drifts from the model fails at once.
 */
import {
  referral as referralSchema,
  type Referral,
  type ReferralAnswers,
  type ReferralKind,
} from '../../services/referrals/model';

export const FIXED_TIME = '2026-11-16T10:00:00.000Z';

const ANSWERS: Readonly<Record<ReferralKind, ReferralAnswers>> = {
  befriending: {
    kind: 'befriending',
    forWhom: 'self',
    postcode: 'S60 1AE',
    interests: ['phone-call'],
    accessNeeds: null,
  },
  'cost-of-living': {
    kind: 'cost-of-living',
    needs: ['food', 'energy'],
    postcode: 'S60 1AE',
    signposted: [],
    notes: null,
  },
  asb: {
    kind: 'asb',
    asbType: 'noise',
    location: 'Corner of High Street and Main Street',
    postcode: null,
    when: 'ongoing',
    frequency: 'weekly',
    dangerNow: false,
    description: null,
  },
};

/** A befriending referral in the `new` state unless `overrides` say otherwise; answers follow `kind`. */
export function makeReferral(overrides: Partial<Referral> = {}): Referral {
  const kind = overrides.kind ?? 'befriending';
  return referralSchema.parse({
    id: 'referral-1',
    reference: 'HUB-2345AB',
    idempotencyKey: 'conversation-1:submission-1',
    kind,
    status: 'new',
    urgent: false,
    urgencyReasons: [],
    partial: false,
    ward: { code: 'E05012345', name: 'Boston Castle', source: 'postcode-table' },
    contact: { anonymous: false, name: 'Test Resident', method: 'phone', phone: '07700 900123', bestTime: 'morning' },
    consent: { given: true, wordingVersion: 'privacy-v1', at: FIXED_TIME },
    answers: ANSWERS[kind],
    channel: 'test',
    conversationId: 'conversation-1',
    preferredLanguage: null,
    createdAt: FIXED_TIME,
    updatedAt: FIXED_TIME,
    slaDueAt: '2026-11-19T10:00:00.000Z',
    assignee: null,
    outcome: null,
    history: [{ at: FIXED_TIME, actor: 'resident', from: null, to: 'new', why: 'submitted by the resident' }],
    notes: [],
    ...overrides,
  });
}

/**
 * The identifying fields of the n-th referral in a test, distinct for each n, so tests that store several
 * referrals do not collide on id, reference or idempotency key by accident.
 */
export function numbered(n: number): Pick<Referral, 'id' | 'reference' | 'idempotencyKey'> {
  return {
    id: `referral-${n}`,
    reference: `HUB-${String(n).padStart(6, '0')}`,
    idempotencyKey: `conversation-${n}:submission-1`,
  };
}
