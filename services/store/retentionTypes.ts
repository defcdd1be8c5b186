/**
 * What the retention job needs from the store, beyond what erasure already uses. Kept in its own file so other
 * features' additions to types.ts and hubTypes.ts merge without conflict.
 */
import type { Referral } from '../referrals/model';

export interface RetentionReferralOperations {
  /**
   * Replaces a stored referral with its anonymised form (contact, free text and conversation link already removed
   * by the caller). Returns false when there is no such referral.
   */
  replaceAnonymised(referral: Referral): Promise<boolean>;
}

export interface RetentionBotStateOperations {
  /** Keys starting with `prefix` whose item was last written before `before` (ISO time). */
  keysUpdatedBefore(prefix: string, before: string): Promise<string[]>;
}

export interface RetentionSmsOperations {
  /**
   * Deletes inbound texts processed and received before `before`, and outbound texts created before `before` that
   * are no longer waiting to be sent. Texts still pending are kept, whatever their age.
   */
  deleteSettledBefore(before: string): Promise<{ inbound: number; outbound: number }>;
}
