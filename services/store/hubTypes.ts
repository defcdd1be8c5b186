/**
 * What the staff console needs from the store (issue 5): the queue operations on referrals, staff accounts and
 * their sessions. Kept apart from types.ts so the collections other features add there merge without conflict.
 *
 * The semantics that matter are the same on both stores and are stated in test/store.contract.test.ts: a claim is
 * one compare-and-swap (two workers never both win), every staff change bumps the referral's version and refuses
 * a stale one, and erasure finds a resident by the contact details they gave.
 */
import { z } from 'zod';
import type { HistoryEntry, NoteEntry, Referral, ReferralKind, ReferralStatus, WardRef } from '../referrals/model';

/** Statuses a referral is still being worked in; only these can be overdue. */
export const OPEN_STATUSES: readonly ReferralStatus[] = ['new', 'claimed', 'in-progress'];

export interface QueueFilter {
  status?: ReferralStatus[];
  kind?: ReferralKind[];
  /** Any of these wards (GSS codes). */
  wardCodes?: string[];
  urgent?: boolean;
  /** A staff id, or null for unassigned. */
  assignee?: string | null;
  /** ISO time: only referrals still open whose service-level due time is before it. */
  overdueAt?: string;
  /** ISO times: created at or after `createdFrom`, and before `createdBefore`. */
  createdFrom?: string;
  createdBefore?: string;
}

export interface PageRequest {
  offset: number;
  limit: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface QueueCounts {
  total: number;
  byStatus: Record<ReferralStatus, number>;
  byKind: Record<ReferralKind, number>;
  urgent: number;
  /** Open and past their due time at the `now` given. */
  overdue: number;
}

/** Open referrals per assignee and status, for a lead's view of the team. */
export interface WorkloadRow {
  assignee: string;
  status: ReferralStatus;
  count: number;
  overdue: number;
}

/** What a staff change may set. Fields left out stay as they are. */
export interface ReferralChanges {
  status?: ReferralStatus;
  assignee?: string | null;
  outcome?: string | null;
  /** A ward set by staff (the queue's ward filter and the digests follow it). */
  ward?: WardRef;
}

export interface TransitionRequest {
  /** The version the caller read; the change is refused if the referral has moved on since. */
  expectedVersion: number;
  changes: ReferralChanges;
  history?: HistoryEntry;
  note?: NoteEntry;
  at: string;
}

/** How a resident is found for a subject access request: contact details exactly as stored, in any of these forms. */
export interface ContactQuery {
  phones?: string[];
  email?: string;
}

export interface ReferralQueueOperations {
  /** One page of the queue (urgent first, then oldest, then id) and the total that matched. */
  listPage(filter: QueueFilter, page: PageRequest): Promise<Page<Referral>>;
  counts(filter: QueueFilter, now: string): Promise<QueueCounts>;
  /**
   * Claims a `new` referral for `staffId` in one compare-and-swap. Returns the claimed referral, or null when it does
   * not exist or is no longer `new` (someone else won).
   */
  claim(id: string, staffId: string, at: string): Promise<Referral | null>;
  /** Claims the head of the `new` queue that matches `filter`; null when there is none. Never hands one out twice. */
  claimNext(filter: QueueFilter, staffId: string, at: string, why?: string): Promise<Referral | null>;
  /**
   * Applies `changes` (and appends `history` and `note`) if the stored version is `expectedVersion`, bumping it.
   * Throws {@link StaleReferralError} when the version differs; returns null when there is no such referral.
   */
  transition(id: string, request: TransitionRequest): Promise<Referral | null>;
  /** Appends a note without a version check: notes from two workers at once must both be kept. */
  addNote(id: string, note: NoteEntry, at: string): Promise<Referral | null>;
  workload(now: string): Promise<WorkloadRow[]>;
  findByContact(query: ContactQuery): Promise<Referral[]>;
  /** Deletes these referrals outright (erasure). Returns how many were deleted. */
  deleteMany(ids: string[]): Promise<number>;
}

export const STAFF_ROLES = ['hub-worker', 'hub-lead', 'councillor', 'admin'] as const;
export const staffRole = z.enum(STAFF_ROLES);
export type StaffRole = z.infer<typeof staffRole>;

export const staffUser = z.object({
  id: z.string().min(1),
  /** Lower case; unique. */
  email: z.string().min(3).max(254),
  role: staffRole,
  /** Ward GSS codes a councillor may see aggregates for; empty for other roles. */
  wards: z.array(z.string()),
  /** argon2id, PHC string format; null for accounts that sign in only through OpenID Connect. */
  passwordHash: z.string().nullable(),
  disabled: z.boolean(),
  failedLogins: z.number().int().nonnegative(),
  lockedUntil: z.string().datetime().nullable(),
  createdAt: z.string().datetime(),
  lastLoginAt: z.string().datetime().nullable(),
});
export type StaffUser = z.infer<typeof staffUser>;

export type StaffChanges = Partial<Pick<StaffUser, 'role' | 'wards' | 'passwordHash' | 'disabled' | 'lockedUntil' | 'failedLogins'>>;

export interface StaffRepository {
  /** Throws {@link DuplicateStaffEmailError} when the email is taken. */
  create(user: StaffUser): Promise<StaffUser>;
  get(id: string): Promise<StaffUser | null>;
  getByEmail(email: string): Promise<StaffUser | null>;
  list(): Promise<StaffUser[]>;
  update(id: string, changes: StaffChanges): Promise<StaffUser | null>;
  /**
   * Counts a failed sign-in atomically; when the count reaches `threshold` the account is locked until `lockUntil`
   * and the count starts again. Returns the account after the change.
   */
  recordFailedLogin(id: string, threshold: number, lockUntil: string): Promise<StaffUser | null>;
  recordLogin(id: string, at: string): Promise<void>;
}

export const staffSession = z.object({
  /** SHA-256 of the cookie's token, so a copy of the store gives nobody a live session. */
  id: z.string().min(1),
  staffId: z.string().min(1),
  csrfToken: z.string().min(1),
  createdAt: z.string().datetime(),
  /** Idle expiry, pushed on by use, never past `absoluteExpiresAt`. */
  expiresAt: z.string().datetime(),
  absoluteExpiresAt: z.string().datetime(),
});
export type StaffSession = z.infer<typeof staffSession>;

export interface SessionRepository {
  create(session: StaffSession): Promise<void>;
  get(id: string): Promise<StaffSession | null>;
  touch(id: string, expiresAt: string): Promise<void>;
  delete(id: string): Promise<void>;
  deleteForStaff(staffId: string): Promise<number>;
  deleteExpired(now: string): Promise<number>;
}

export class StaleReferralError extends Error {
  constructor(readonly referralId: string) {
    super('The referral changed since it was read');
    this.name = 'StaleReferralError';
  }
}

export class DuplicateStaffEmailError extends Error {
  constructor() {
    super('A staff account with that email already exists');
    this.name = 'DuplicateStaffEmailError';
  }
}

/** Every count starts at zero, so a status nobody is in still shows. */
export function emptyCounts(): QueueCounts {
  return {
    total: 0,
    byStatus: { new: 0, claimed: 0, 'in-progress': 0, 'referred-on': 0, closed: 0, withdrawn: 0 },
    byKind: { befriending: 0, 'cost-of-living': 0, asb: 0 },
    urgent: 0,
    overdue: 0,
  };
}
