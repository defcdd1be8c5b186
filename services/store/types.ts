/**
 * The store: one repository per collection, two implementations (embedded SQLite, MongoDB), one contract.
 *
 * Repositories take and return plain objects. Every method is async so that the MongoDB implementation and the
 * embedded one are interchangeable; the embedded one is synchronous underneath, which is what makes its atomic
 * operations cheap.
 */
import type { Referral, ReferralKind, ReferralStatus } from '../referrals/model';
import type { ReferralQueueOperations, SessionRepository, StaffRepository } from './hubTypes';
import type { HandoffRepository } from '../handoff/model';
import type { RelayEventRepository } from '../events/relay';
import type { RetentionBotStateOperations, RetentionReferralOperations, RetentionSmsOperations } from './retentionTypes';
import type { DigestLedgerRepository, DigestStatsRepository, DigestSubscriptionRepository, LockRepository } from './digestTypes';
import type { Open311ConsumerRepository } from './open311Types';

export type * from './digestTypes';

export interface ReferralFilter {
  status?: ReferralStatus[];
  kind?: ReferralKind[];
  wardCode?: string;
  urgent?: boolean;
  conversationId?: string;
  limit?: number;
}

export interface ReferralRepository extends ReferralQueueOperations, RetentionReferralOperations {
  /**
   * Inserts the referral unless one with the same idempotency key exists, in which case that one is returned
   * unchanged and `created` is false. Throws {@link DuplicateReferenceError} when the reference is taken, so the
   * caller can draw a new one.
   */
  insertIfAbsent(referral: Referral): Promise<{ referral: Referral; created: boolean }>;
  get(id: string): Promise<Referral | null>;
  getByReference(reference: string): Promise<Referral | null>;
  /** Urgent first, then oldest. */
  list(filter?: ReferralFilter): Promise<Referral[]>;
  count(filter?: ReferralFilter): Promise<number>;
}

/** A stored conversation state item with its concurrency tag. */
export interface StateItem {
  doc: Record<string, unknown>;
  etag: string;
}

export interface BotStateRepository extends RetentionBotStateOperations {
  read(keys: string[]): Promise<Record<string, StateItem>>;
  /**
   * Writes `doc` under `key`. With `expectedEtag` undefined or `'*'` the write always wins; otherwise it succeeds only
   * if the stored item has that etag (or, for `expectedEtag` given and no stored item, it fails too) and throws
   * {@link EtagConflictError} when it does not. Returns the new etag.
   */
  write(key: string, doc: Record<string, unknown>, expectedEtag?: string): Promise<string>;
  delete(keys: string[]): Promise<void>;
  /** Keys starting with `prefix`; used by erasure and retention. */
  keys(prefix: string): Promise<string[]>;
}

export interface AuditEntry {
  at: string;
  /** `resident:<opaque id>`, `system`, or a staff id. */
  actor: string;
  action: string;
  /** What it was done to: a referral id, a conversation id. Never personal data. */
  subject: string | null;
  detail: Record<string, unknown>;
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>;
  list(filter?: { subject?: string; action?: string; limit?: number }): Promise<(AuditEntry & { seq: number })[]>;
}

export interface Store {
  readonly kind: 'embedded' | 'mongodb';
  readonly referrals: ReferralRepository;
  readonly botState: BotStateRepository;
  readonly audit: AuditRepository;
  readonly sms: SmsRepository;
  // ---- staff console (issue 5): see hubTypes.ts ----
  readonly staff: StaffRepository;
  readonly sessions: SessionRepository;
  readonly digestSubscriptions: DigestSubscriptionRepository;
  readonly digestLedger: DigestLedgerRepository;
  readonly digestStats: DigestStatsRepository;
  readonly locks: LockRepository;
  /** Open311 GeoReport v2 consumers and their hashed API keys (issue 10): open311Types.ts. */
  readonly open311Consumers: Open311ConsumerRepository;
  /** Live handoffs to a hub worker (issue 9): services/handoff/model.ts. */
  readonly handoffs: HandoffRepository;
  /** Live events shared between instances (services/events/relay.ts). */
  readonly relayEvents: RelayEventRepository;
  /** Resolves when the store answers; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class EtagConflictError extends Error {
  constructor(readonly key: string) {
    super(`State for this conversation changed since it was read`);
    this.name = 'EtagConflictError';
  }
}

export class DuplicateReferenceError extends Error {
  constructor(readonly reference: string) {
    super(`Reference already in use`);
    this.name = 'DuplicateReferenceError';
  }
}

// ---- SMS channel ---------------------------------------------------------------------------------------------

/** An inbound text, kept until processed so a crash mid-turn is replayed on restart instead of lost. */
export interface InboundSms {
  messageSid: string;
  /** HMAC of the sender's number; the number itself is kept only until the message is processed. */
  conversationId: string;
  from: string | null;
  body: string | null;
  numMedia: number;
  receivedAt: string;
  processedAt: string | null;
}

export const OUTBOUND_STATUSES = [
  'queued', // waiting for its first send attempt
  'retrying', // a send failed; another attempt is due at nextAttemptAt
  'sent', // Twilio accepted it (queued/sending/sent at Twilio)
  'delivered',
  'undelivered',
  'failed', // Twilio or we gave up; lastError says why
  'suppressed', // not sent: the number has opted out
] as const;
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number];

/** A text to a resident, with its send attempts: the outbox is how no reply is ever silently dropped. */
export interface OutboundSms {
  id: string;
  /** Order within the whole outbox; texts to one resident go in this order. */
  seq: number;
  conversationId: string;
  to: string;
  body: string;
  status: OutboundStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  twilioSid: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SmsRepository extends RetentionSmsOperations {
  /** Records an inbound message; false when this MessageSid was seen before (Twilio retried the webhook). */
  recordInbound(message: InboundSms): Promise<boolean>;
  /** Marks it processed and forgets the number and text it carried. */
  markInboundProcessed(messageSid: string, at: string): Promise<void>;
  /** Received but not processed, oldest first. */
  pendingInbound(): Promise<InboundSms[]>;
  /**
   * Takes the right to process an inbound text until `until`: true when it is still unprocessed and no other owner
   * holds an unexpired lease on it (the same owner may renew). With several instances, the one whose webhook stored a
   * text processes it; another takes it over only when that one died (its lease ran out).
   */
  leaseInbound(messageSid: string, owner: string, until: string, now: string): Promise<boolean>;
  /** The same for sending a text: one instance sends it, however many look through the outbox. */
  leaseOutbound(id: string, owner: string, until: string, now: string): Promise<boolean>;
  /**
   * Stores a text to send. Idempotent by id: a text whose id is already stored is not stored again, and the stored
   * one is returned unchanged (a turn replayed after a crash queues the same reply ids).
   */
  enqueueOutbound(message: Omit<OutboundSms, 'seq'>): Promise<OutboundSms>;
  /** Texts still to send (queued or retrying), in seq order. */
  pendingOutbound(): Promise<OutboundSms[]>;
  /** The first text still to send to one conversation, if any (the outbox's hot path). */
  nextPendingOutbound(conversationId: string): Promise<OutboundSms | null>;
  updateOutbound(id: string, changes: Partial<Pick<OutboundSms, 'status' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'twilioSid' | 'updatedAt'>>): Promise<void>;
  getOutbound(id: string): Promise<OutboundSms | null>;
  /** Status callback from Twilio; false when the sid is unknown. Never moves a delivered text backwards. */
  setDeliveryStatus(twilioSid: string, status: OutboundStatus, error: string | null, at: string): Promise<boolean>;
  /** Every text to one conversation, oldest first (tests, subject access requests). */
  outboundFor(conversationId: string): Promise<OutboundSms[]>;
  /**
   * Erasure (subject access): every inbound and outbound text of one conversation. The opt-out is kept: without it
   * the number could be texted again.
   */
  deleteForConversation(conversationId: string): Promise<{ inbound: number; outbound: number }>;
  setOptOut(conversationId: string, optedOut: boolean, at: string): Promise<void>;
  isOptedOut(conversationId: string): Promise<boolean>;
}
// ---- staff console (issue 5) ----
export * from './hubTypes';
export * from './open311Types';
