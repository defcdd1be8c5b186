/**
 * The staff API's request and response shapes. The same zod schemas validate every request and generate the
 * OpenAPI document, so the document cannot describe a request the server would refuse, or the reverse.
 */
import { z } from 'zod';
import { handoff as handoffSchema, handoffStatus, transcriptLine } from '../../services/handoff/model';
import { outcomeCode } from '../../services/hub/outcomes';
import { MAX_TEXT_LENGTH } from '../../services/hub/queueService';
import { referral, referralKind, referralStatus } from '../../services/referrals/model';
import { staffRole } from '../../services/store/types';

export const areaId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { message: 'must be an area id such as north' });
export const wardCode = z.string().regex(/^[EWSN]\d{8}$/, { message: 'must be a GSS code such as E05012345' });

/** A query parameter that may be given once or repeated (`?kind=asb&kind=befriending`). */
function oneOrMany<T extends z.ZodType<string>>(item: T) {
  return z
    .union([item, z.array(item).min(1).max(10)])
    .transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]))
    .optional();
}

const booleanParam = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

export const queueQuery = z
  .object({
    kind: oneOrMany(referralKind),
    status: oneOrMany(referralStatus),
    ward: wardCode.optional(),
    /** An area id from the council profile (e.g. "north"): referrals in its wards. */
    area: areaId.optional(),
    overdue: booleanParam,
    urgent: booleanParam,
    /** `me`: only mine; `nobody`: only unassigned. */
    assigned: z.enum(['me', 'nobody']).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict();

export const loginBody = z.object({ email: z.string().min(3).max(254), password: z.string().min(1).max(1024) }).strict();

export const claimNextBody = z.object({ kind: z.array(referralKind).min(1).optional(), ward: wardCode.optional() }).strict();

export const statusBody = z
  .object({
    to: referralStatus,
    /** The referral's version as read; a change from an out-of-date page is refused with 409. */
    version: z.number().int().nonnegative(),
    outcome: outcomeCode.optional(),
    why: z.string().max(500).optional(),
  })
  .strict();

export const wardBody = z
  .object({
    /** GSS code of one of the council's wards (the council profile's wards.csv); any other is refused with 400. */
    ward: wardCode,
    /** The referral's version as read; a change from an out-of-date page is refused with 409. */
    version: z.number().int().nonnegative(),
    /** Why: kept in the referral's history. */
    why: z.string().trim().min(1).max(500),
  })
  .strict();

export const noteBody = z.object({ text: z.string().trim().min(1).max(5000) }).strict();

export const assignBody = z.object({ staffId: z.string().min(1).max(100).nullable(), version: z.number().int().nonnegative() }).strict();

export const messageBody = z.object({ text: z.string().trim().min(1).max(MAX_TEXT_LENGTH) }).strict();

export const createStaffBody = z
  .object({
    email: z.string().min(3).max(254),
    role: staffRole,
    wards: z.array(wardCode).max(50).optional(),
    password: z.string().min(12).max(1024).optional(),
  })
  .strict();

export const updateStaffBody = z
  .object({
    role: staffRole.optional(),
    wards: z.array(wardCode).max(50).optional(),
    disabled: z.boolean().optional(),
    password: z.string().min(12).max(1024).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'change at least one field' });

export const wardStatsQuery = z
  .object({ from: z.string().datetime().optional(), to: z.string().datetime().optional() })
  .strict();

export const auditQuery = z
  .object({
    subject: z.string().max(200).optional(),
    action: z.string().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

const subjectFields = {
  phone: z.string().min(3).max(30).optional(),
  email: z.string().min(3).max(254).optional(),
};
const exactlyOne = (v: { phone?: string | undefined; email?: string | undefined }): boolean => (v.phone === undefined) !== (v.email === undefined);

export const subjectBody = z.object(subjectFields).strict().refine(exactlyOne, { message: 'give either phone or email' });

export const eraseBody = z
  .object({ ...subjectFields, confirm: z.literal(true) })
  .strict()
  .refine(exactlyOne, { message: 'give either phone or email' });

// ---- responses (documentation) ----

export const errorBody = z.object({
  error: z.object({
    code: z.enum(['invalid-input', 'unauthenticated', 'forbidden', 'not-found', 'conflict', 'rate-limited', 'unavailable', 'internal', 'method-not-allowed', 'too-large']),
    message: z.string(),
    correlationId: z.string().optional(),
    details: z.unknown().optional(),
  }),
});

export const staffView = z.object({
  id: z.string(),
  email: z.string(),
  role: staffRole,
  wards: z.array(z.string()),
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});

export const sessionView = z.object({
  signedIn: z.boolean(),
  csrfToken: z.string(),
  staff: staffView.optional(),
});

const counts = z.object({
  total: z.number(),
  byStatus: z.record(referralStatus, z.number()),
  byKind: z.record(referralKind, z.number()),
  urgent: z.number(),
  overdue: z.number(),
});

export const queuePageView = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      reference: z.string(),
      kind: referralKind,
      status: referralStatus,
      urgent: z.boolean(),
      wardCode: z.string().nullable(),
      wardName: z.string().nullable(),
      createdAt: z.string(),
      slaDueAt: z.string(),
      overdue: z.boolean(),
      assignee: z.string().nullable(),
    }),
  ),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
  counts,
});

export const referralView = z.object({ referral, overdue: z.boolean(), mayText: z.boolean() });

export const workloadView = z.object({
  rows: z.array(z.object({ assignee: z.string(), email: z.string().nullable(), status: referralStatus, count: z.number(), overdue: z.number() })),
  overdueUnassigned: z.number(),
});

const digestCount = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('count'), value: z.number() }),
  z.object({ kind: z.literal('fewer-than-5') }),
  z.object({ kind: z.literal('withheld') }),
]);

/** Hub staff get exact counts for any range; councillors one ended week with small numbers suppressed. */
export const wardStatsView = z.discriminatedUnion('precision', [
  z.object({
    precision: z.literal('exact'),
    wardCode: z.string(),
    wardName: z.string().nullable(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    counts,
  }),
  z.object({
    precision: z.literal('suppressed'),
    wardCode: z.string(),
    wardName: z.string().nullable(),
    from: z.string(),
    to: z.string(),
    label: z.string(),
    counts: z.object({
      total: digestCount,
      byKind: z.record(referralKind, digestCount),
      byStatus: z.record(referralStatus, digestCount),
      urgent: digestCount,
    }),
  }),
]);

// ---- live handoffs (issue 9) ----
export const handoffMessageBody = z.object({ text: z.string().trim().min(1).max(1600) }).strict();
export const handoffReferralBody = z
  .object({
    kind: z.enum(['befriending', 'cost-of-living']),
    name: z.string().trim().min(1).max(100),
    phone: z.string().trim().min(5).max(30),
    notes: z.string().trim().max(1000).optional(),
    /** The worker confirms the resident agreed, in the chat, to the hub keeping their details. */
    consent: z.literal(true),
  })
  .strict();
export const handoffAttachBody = z.object({ reference: z.string().trim().regex(/^HUB-[0-9A-Za-z]{6}$/) }).strict();
export const handoffSummaryView = z.object({
  id: z.string(),
  channel: z.string(),
  status: handoffStatus,
  urgent: z.boolean(),
  requestedAt: z.string(),
  acceptedAt: z.string().nullable(),
  acceptedBy: z.string().nullable(),
  lastActivityAt: z.string(),
  messages: z.number().int(),
});
export const handoffListView = z.object({ items: z.array(handoffSummaryView) });
export const handoffView = z.object({
  handoff: handoffSchema,
  prefill: z.object({ name: z.string().nullable(), phone: z.string().nullable(), notes: z.string() }),
});
export const transcriptLineView = transcriptLine;
