/**
 * The store: one repository per collection, two implementations (embedded SQLite, MongoDB), one contract.
 *
 * Repositories take and return plain objects. Every method is async so that the MongoDB implementation and the
 * embedded one are interchangeable; the embedded one is synchronous underneath, which is what makes its atomic
 * operations cheap.
 */
import type { Referral, ReferralKind, ReferralStatus } from '../referrals/model';
import type { ReferralQueueOperations, SessionRepository, StaffRepository } from './hubTypes';

export interface ReferralFilter {
  status?: ReferralStatus[];
  kind?: ReferralKind[];
  wardCode?: string;
  urgent?: boolean;
  conversationId?: string;
  limit?: number;
}

export interface ReferralRepository extends ReferralQueueOperations {
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

export interface BotStateRepository {
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
  // ---- staff console (issue 5): see hubTypes.ts ----
  readonly staff: StaffRepository;
  readonly sessions: SessionRepository;
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

// ---- staff console (issue 5) ----
export * from './hubTypes';
