/**
 * The store's side of ward digests: subscriptions, the sent-ledger, a lock so one instance runs the schedule, and
 * the counts digests are built from. Same contract for the embedded store and MongoDB (test/store.contract.test.ts).
 */
import type {
  DigestChannel,
  DigestLedgerEntry,
  DigestPeriod,
  DigestSubscription,
  LedgerStatus,
  WardTally,
} from '../digests/model';

export interface DigestSubscriptionRepository {
  create(subscription: DigestSubscription): Promise<DigestSubscription>;
  get(id: string): Promise<DigestSubscription | null>;
  /** Oldest first. `wardCode` matches subscriptions that include that ward. */
  list(filter?: { active?: boolean; wardCode?: string }): Promise<DigestSubscription[]>;
  /** Replaces the stored subscription with the same id; false when there is none. */
  update(subscription: DigestSubscription): Promise<boolean>;
  /** False when there was none. The ledger keeps its entries (they hold no contact details). */
  delete(id: string): Promise<boolean>;
}

/** What a run asks to send: one digest, one ward, one period, one channel. */
export interface LedgerClaim {
  subscriptionId: string;
  wardCode: string;
  period: DigestPeriod;
  channel: DigestChannel;
  /** The claiming instance. */
  owner: string;
  now: string;
  /** How long the claim holds before another instance may take it over (the owner died mid-send). */
  leaseMs: number;
}

export interface DigestLedgerRepository {
  /**
   * The idempotency point, atomic across instances. Returns the entry, now `sending` and owned by `claim.owner`, when
   * this digest has never been tried, or failed and is due again, or was left `sending` by an owner whose lease ran
   * out. Returns null otherwise: it was sent, was abandoned, is being sent by someone else, or is not yet due.
   */
  claim(claim: LedgerClaim): Promise<DigestLedgerEntry | null>;
  /** Only the owner of a `sending` entry can settle it; false when it is not theirs (their lease was taken over). */
  markSent(key: string, owner: string, result: { at: string; providerId: string | null }): Promise<boolean>;
  /** `nextAttemptAt` null: give up (`abandoned`); otherwise `failed`, due again then. */
  markFailed(key: string, owner: string, result: { at: string; error: string; nextAttemptAt: string | null }): Promise<boolean>;
  get(key: string): Promise<DigestLedgerEntry | null>;
  /** Newest first. */
  list(filter?: { status?: LedgerStatus[]; subscriptionId?: string; limit?: number }): Promise<DigestLedgerEntry[]>;
  /** Failed entries whose next attempt is due at `now`, oldest due first. */
  dueRetries(now: string): Promise<DigestLedgerEntry[]>;
  countByStatus(): Promise<Record<LedgerStatus, number>>;
}

export interface LockRepository {
  /**
   * Takes the named lock for `owner` until `now + ttlMs`, or extends it if `owner` already holds it. False while
   * another owner holds an unexpired lock.
   */
  acquire(name: string, owner: string, now: string, ttlMs: number): Promise<boolean>;
  /** Frees the lock if `owner` holds it. */
  release(name: string, owner: string): Promise<void>;
}

/** An ASB report whose place has not been worked out with the current list of places. */
export interface UnplacedAsb {
  referralId: string;
  wardCode: string | null;
  /** The resident's words: read only to match against the council's place list, never stored or shown. */
  location: string;
  postcode: string | null;
}

export interface PlaceAssignment {
  referralId: string;
  /** A place key (see services/digests/places.ts); '' when nothing was recognised. */
  place: string;
  /** For a report with no ward: the ward of the one listed place it named, else null. */
  placeWard: string | null;
}

export interface DigestStatsRepository {
  /**
   * Counts by ward for one period: referrals raised in `[start, end)`, those picked up before `end`, and referrals
   * finished in `[start, end)`. One tally per ward with anything to count, and one with `wardCode` null for
   * referrals whose ward is unknown. An ASB report with no ward counts in its place's ward when it has one.
   */
  tally(period: Pick<DigestPeriod, 'start' | 'end'>): Promise<WardTally[]>;
  /**
   * ASB reports raised or finished in `[start, end)` (everything the period's tally counts) not yet placed with list
   * `version`, at most `limit`.
   */
  unplacedAsb(period: Pick<DigestPeriod, 'start' | 'end'>, version: string, limit: number): Promise<UnplacedAsb[]>;
  setPlaces(version: string, places: PlaceAssignment[]): Promise<void>;
}
