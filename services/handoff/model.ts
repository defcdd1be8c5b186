/**
 * A live handoff: a resident asked to speak to a person and joined the hub's live queue; a hub worker (or, in
 * external mode, a contact-centre product) takes the conversation over, and while they hold it the bot says nothing.
 *
 * `waiting → active → ended`, or `waiting → ended` (timed out, or the resident left). Each handoff keeps its own
 * transcript from the moment it was requested, because the worker needs the words and the SMS channel forgets them.
 * The transcript is personal data: it follows the council's retention period (`handoffTranscriptDays`) and subject
 * access export and erasure.
 */
import { z } from 'zod';

export const HANDOFF_STATUSES = ['waiting', 'active', 'ended'] as const;
export const handoffStatus = z.enum(HANDOFF_STATUSES);
export type HandoffStatus = z.infer<typeof handoffStatus>;

export const HANDOFF_END_REASONS = ['worker', 'wait-timeout', 'idle-timeout', 'external', 'failed'] as const;
export const handoffEndReason = z.enum(HANDOFF_END_REASONS);
export type HandoffEndReason = z.infer<typeof handoffEndReason>;

/**
 * How the resident is reached: SMS through the outbox (the number is kept because the conversation id is an HMAC of
 * it), the embedded Direct Line's log, or a Bot Framework conversation reference for /api/messages channels.
 */
export const handoffAddress = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sms'), phone: z.string().regex(/^\+[1-9]\d{6,14}$/) }),
  z.object({ kind: z.literal('embedded-directline'), reference: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal('botframework'), reference: z.record(z.string(), z.unknown()) }),
]);
export type HandoffAddress = z.infer<typeof handoffAddress>;

export const transcriptLine = z.object({
  seq: z.number().int().nonnegative(),
  at: z.string().datetime(),
  from: z.enum(['resident', 'bot', 'worker', 'system']),
  /** The worker's staff id on their lines; null otherwise. */
  staffId: z.string().nullable(),
  text: z.string().max(5000),
});
export type TranscriptLine = z.infer<typeof transcriptLine>;

export const handoff = z.object({
  id: z.string().min(1),
  conversationId: z.string().min(1),
  /** The Bot Framework channel id the resident came on (sms, webchat, emulator, msteams…). */
  channel: z.string().min(1).max(50),
  address: handoffAddress,
  mode: z.enum(['console', 'external']),
  status: handoffStatus,
  /** A safeguarding risk was detected in this conversation (before or during the handoff). */
  urgent: z.boolean(),
  requestedAt: z.string().datetime(),
  acceptedAt: z.string().datetime().nullable(),
  /** A staff id, or `external` when a contact-centre product accepted it. */
  acceptedBy: z.string().nullable(),
  endedAt: z.string().datetime().nullable(),
  endReason: handoffEndReason.nullable(),
  /** Last message either way; the idle timeout counts from it. */
  lastActivityAt: z.string().datetime(),
  /** The journey's answers so far, as the dialogs held them when the resident asked. */
  journey: z.record(z.string(), z.unknown()),
  /** A referral made from this conversation, or the one it was attached to. */
  referralId: z.string().nullable(),
  transcript: z.array(transcriptLine),
});
export type Handoff = z.infer<typeof handoff>;

export interface HandoffFilter {
  status?: HandoffStatus[];
  conversationIds?: string[];
  /** Reached by SMS on any of these numbers (E.164): subject access requests. */
  phones?: string[];
  /** Accepted at or after this ISO time (wait estimates). */
  acceptedFrom?: string;
  /** Ended before this ISO time (retention). */
  endedBefore?: string;
  limit?: number;
}

/** The store's handoff collection. Both implementations state the same semantics in test/store.contract.test.ts. */
export interface HandoffRepository {
  /**
   * Inserts `candidate` unless the conversation already has an open (waiting or active) handoff, which is returned
   * instead with `created` false. At most one open handoff per conversation, on both stores.
   */
  openIfNone(candidate: Handoff): Promise<{ handoff: Handoff; created: boolean }>;
  get(id: string): Promise<Handoff | null>;
  /** The conversation's waiting or active handoff, if any. */
  openFor(conversationId: string): Promise<Handoff | null>;
  /** Oldest request first. */
  list(filter?: HandoffFilter): Promise<Handoff[]>;
  /** `waiting → active` for `by`, in one compare-and-swap: of two workers accepting at once exactly one wins; null for the other. */
  accept(id: string, by: string, at: string): Promise<Handoff | null>;
  /** `waiting | active → ended`, once; null when it had already ended (or does not exist). */
  end(id: string, reason: HandoffEndReason, at: string): Promise<Handoff | null>;
  /** Appends a line (its `seq` is assigned here, in order) and moves `lastActivityAt`; null when there is no such handoff. */
  append(id: string, line: Omit<TranscriptLine, 'seq'>): Promise<Handoff | null>;
  update(id: string, changes: Partial<Pick<Handoff, 'referralId' | 'urgent'>>): Promise<Handoff | null>;
  deleteMany(ids: string[]): Promise<number>;
}
