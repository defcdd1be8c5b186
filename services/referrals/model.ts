/**
 * The referral: what a resident asked the hub for, and its life in the queue.
 *
 * The zod schemas here are the single definition of a referral. They check documents read back from either store
 * (a hand-edited row or an older document shape fails loudly instead of reaching a hub worker half-formed), and
 * the TypeScript types are inferred from them so the two cannot drift.
 */
import { z } from 'zod';

export const REFERRAL_KINDS = ['befriending', 'cost-of-living', 'asb'] as const;
export const referralKind = z.enum(REFERRAL_KINDS);
export type ReferralKind = z.infer<typeof referralKind>;

export const REFERRAL_STATUSES = ['new', 'claimed', 'in-progress', 'referred-on', 'closed', 'withdrawn'] as const;
export const referralStatus = z.enum(REFERRAL_STATUSES);
export type ReferralStatus = z.infer<typeof referralStatus>;

/** Allowed moves between statuses. `claimed → new` is a lead putting a referral back in the queue. */
export const STATUS_TRANSITIONS: Readonly<Record<ReferralStatus, readonly ReferralStatus[]>> = {
  new: ['claimed', 'withdrawn'],
  claimed: ['in-progress', 'new', 'withdrawn', 'closed', 'referred-on'],
  'in-progress': ['referred-on', 'closed', 'new', 'withdrawn'],
  'referred-on': [],
  closed: [],
  withdrawn: [],
};

/** `open311`: submitted by an Open311 client (a FixMyStreet-style tool) rather than a resident's conversation. */
export const CHANNELS = ['webchat', 'sms', 'emulator', 'directline', 'test', 'other', 'open311'] as const;
export const channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof channel>;

export const URGENCY_REASONS = ['safeguarding', 'danger'] as const;
export const urgencyReason = z.enum(URGENCY_REASONS);
export type UrgencyReason = z.infer<typeof urgencyReason>;

export const CONTACT_METHODS = ['phone', 'sms', 'email'] as const;
export const contactMethod = z.enum(CONTACT_METHODS);
export type ContactMethod = z.infer<typeof contactMethod>;

export const BEST_TIMES = ['morning', 'afternoon', 'evening', 'any'] as const;
export const bestTime = z.enum(BEST_TIMES);
export type BestTime = z.infer<typeof bestTime>;

export const consentRecord = z.object({
  given: z.literal(true),
  /** Which version of the privacy wording the resident agreed to; see dialogs/wording.ts. */
  wordingVersion: z.string().min(1),
  at: z.string().datetime(),
});
export type ConsentRecord = z.infer<typeof consentRecord>;

/**
 * The resident's answer to "may the hub share your contact details with <body>?" (ASB reports with contact details).
 * `body` is an id from the council profile's `open311.bodies`; only an Open311 consumer for that body may see the
 * contact details, and only when `agreed`. Referrals saved before the question existed have no record: no sharing.
 */
export const sharingConsent = z.object({
  body: z.string().min(1),
  agreed: z.boolean(),
  wordingVersion: z.string().min(1),
  at: z.string().datetime(),
});
export type SharingConsent = z.infer<typeof sharingConsent>;

/** How the hub may reach the resident, exactly as they chose. `anonymous` reports carry no contact at all. */
export const contactDetails = z.discriminatedUnion('anonymous', [
  z.object({ anonymous: z.literal(true) }),
  z.object({
    anonymous: z.literal(false),
    name: z.string().min(1).max(100),
    method: contactMethod,
    phone: z.string().optional(),
    email: z.string().optional(),
    bestTime: bestTime,
  }),
]);
export type ContactDetails = z.infer<typeof contactDetails>;

export const wardRef = z.object({
  code: z.string().nullable(),
  name: z.string().nullable(),
  /** Where the ward came from, so staff know how far to trust it. */
  source: z.enum(['postcode-table', 'postcodes.io', 'onspd', 'staff', 'unknown']),
});
export type WardRef = z.infer<typeof wardRef>;

export const COST_OF_LIVING_NEEDS = ['food', 'energy', 'money-advice', 'warm-spaces', 'housing-costs'] as const;
export const costOfLivingNeed = z.enum(COST_OF_LIVING_NEEDS);
export type CostOfLivingNeed = z.infer<typeof costOfLivingNeed>;

export const BEFRIENDING_INTERESTS = ['phone-call', 'visit', 'groups'] as const;
export const befriendingInterest = z.enum(BEFRIENDING_INTERESTS);
export type BefriendingInterest = z.infer<typeof befriendingInterest>;

export const ASB_TYPES = ['noise', 'vandalism', 'drugs', 'intimidation', 'vehicles', 'other'] as const;
export const asbType = z.enum(ASB_TYPES);
export type AsbType = z.infer<typeof asbType>;

export const ASB_WHEN = ['now', 'earlier-today', 'ongoing'] as const;
export const ASB_FREQUENCIES = ['daily', 'few-times-a-week', 'weekly', 'less-often'] as const;

export const befriendingAnswers = z.object({
  kind: z.literal('befriending'),
  forWhom: z.enum(['self', 'someone-else']),
  /** Only for someone else: they said the person agreed to the referral. */
  personAgreed: z.boolean().optional(),
  postcode: z.string(),
  interests: z.array(befriendingInterest).min(1),
  accessNeeds: z.string().max(500).nullable(),
});
export const costOfLivingAnswers = z.object({
  kind: z.literal('cost-of-living'),
  needs: z.array(costOfLivingNeed).min(1),
  postcode: z.string(),
  /** Directory service ids we showed the resident, so staff know what they were already told. */
  signposted: z.array(z.string()),
  notes: z.string().max(1000).nullable(),
});
export const asbAnswers = z.object({
  kind: z.literal('asb'),
  asbType: asbType,
  location: z.string().min(1).max(300),
  postcode: z.string().nullable(),
  when: z.enum(ASB_WHEN),
  frequency: z.enum(ASB_FREQUENCIES).nullable(),
  dangerNow: z.boolean(),
  /** 1,000 from the journey; up to 4,000 from an Open311 client, as GeoReport v2 allows. */
  description: z.string().max(4000).nullable(),
  /** WGS84, only when a client sent them (Open311 POST); the journey never asks for coordinates. */
  coordinates: z.object({ lat: z.number().min(-90).max(90), long: z.number().min(-180).max(180) }).optional(),
});
export const referralAnswers = z.discriminatedUnion('kind', [befriendingAnswers, costOfLivingAnswers, asbAnswers]);
export type ReferralAnswers = z.infer<typeof referralAnswers>;
export type BefriendingAnswers = z.infer<typeof befriendingAnswers>;
export type CostOfLivingAnswers = z.infer<typeof costOfLivingAnswers>;
export type AsbAnswers = z.infer<typeof asbAnswers>;

export const historyEntry = z.object({
  at: z.string().datetime(),
  /** `resident`, `system`, or a staff id. Never a resident's name or number. */
  actor: z.string(),
  from: referralStatus.nullable(),
  to: referralStatus,
  why: z.string(),
  /**
   * Set when staff changed the ward (GSS codes; from null when it was unknown). The status is unchanged then, so
   * `from` and `to` are both the status at the time.
   */
  ward: z.object({ from: z.string().nullable(), to: z.string() }).optional(),
});
export type HistoryEntry = z.infer<typeof historyEntry>;

export const noteEntry = z.object({ at: z.string().datetime(), actor: z.string(), text: z.string().max(5000) });
export type NoteEntry = z.infer<typeof noteEntry>;

/** What a dialog hands to the services when a resident confirms: everything but the queue's own fields. */
export const referralDraft = z.object({
  kind: referralKind,
  answers: referralAnswers,
  contact: contactDetails,
  consent: consentRecord,
  channel: channel,
  /** Opaque conversation id (an HMAC for SMS); lets an erasure request find the bot state too. */
  conversationId: z.string().min(1),
  urgencyReasons: z.array(urgencyReason),
  /** True for an ASB report kept at the resident's wish after "someone is in danger now" ended the journey. */
  partial: z.boolean().default(false),
  preferredLanguage: z.string().nullable().default(null),
  sharing: sharingConsent.optional(),
});
export type ReferralDraft = z.input<typeof referralDraft>;

export const referral = z.object({
  id: z.string(),
  reference: z.string().regex(/^HUB-[0-9A-Z]{6}$/),
  /** Set by the journey; a retried submission with the same key returns the first referral. */
  idempotencyKey: z.string(),
  kind: referralKind,
  status: referralStatus,
  urgent: z.boolean(),
  urgencyReasons: z.array(urgencyReason),
  partial: z.boolean(),
  ward: wardRef,
  contact: contactDetails,
  consent: consentRecord,
  answers: referralAnswers,
  channel: channel,
  conversationId: z.string(),
  preferredLanguage: z.string().nullable(),
  sharing: sharingConsent.optional(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  slaDueAt: z.string().datetime(),
  assignee: z.string().nullable(),
  outcome: z.string().nullable(),
  history: z.array(historyEntry),
  notes: z.array(noteEntry),
  /**
   * Bumped by every staff change, for optimistic concurrency: a change made from a page that was read at an older
   * version is refused instead of silently overwriting what a colleague did meanwhile. Documents saved before the
   * field existed read as version 0.
   */
  version: z.number().int().nonnegative().default(0),
});
export type Referral = z.infer<typeof referral>;
