import type { TurnContext } from 'botbuilder';
import type { Clock } from '../services/clock';
import type { CouncilProfile } from '../services/council/types';
import type { LiveDirectory } from '../services/directory/liveDirectory';
import type { ReferralService } from '../services/referrals/referralService';

/** What the dialogs need from the outside, injected so tests can run them against a real store and a fixed clock. */
export interface DialogDeps {
  profile: CouncilProfile;
  referrals: Pick<ReferralService, 'submitReferral' | 'recordPersonRequest' | 'recordSafeguardingFollowUp'>;
  clock: Clock;
  /** The service directory in force (shipped, or the last good import) that the journeys signpost from. */
  directory: Pick<LiveDirectory, 'find' | 'current'>;
  /**
   * The live queue for "speak to a person" in opening hours (bot/handoffBridge.ts). Without it, the bot gives the hub's
   * number and hours instead (dialog tests, and a council that has not turned handoff on).
   */
  handoffs?: PersonRequests;
}

export interface PersonRequests {
  /** Joins the live queue for this turn's conversation, or returns the place it already holds. */
  join(context: TurnContext, journey: Record<string, unknown>): Promise<{ position: number; waitMinutes: number; created: boolean }>;
}
