/**
 * The resident-facing bot. Order on every message: safeguarding first (fixed crisis wording, flag the
 * conversation), then the dialogs. State is saved at the end of every turn, so a resident who pauses for hours, or
 * whose conversation outlives a restart, picks up where they were.
 */
import { ActivityHandler, type ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import type { DialogDeps } from '../dialogs/deps';
import { DialogIds, TurnKeys } from '../dialogs/ids';
import { MainDialog, type MainDialogOptions } from '../dialogs/mainDialog';
import * as wording from '../dialogs/wording';
import type { Logger } from '../services/logger';
import type { UrgencyReason } from '../services/referrals/model';
import type { ReferralService } from '../services/referrals/referralService';
import type { RiskCategory, SafeguardingDetector } from '../services/safeguarding/types';

/** Kept in conversation state: once flagged, every referral from this conversation is urgent. */
export interface SafeguardingFlags {
  categories: RiskCategory[];
}

export interface ResidentBotDeps extends DialogDeps {
  conversationState: ConversationState;
  detector: SafeguardingDetector;
  referrals: ReferralService;
  logger: Logger;
}

const URGENCY_FOR: Record<RiskCategory, UrgencyReason> = { 'suicide-self-harm': 'safeguarding', danger: 'danger' };

export class ResidentBot extends ActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly safeguarding: StatePropertyAccessor<SafeguardingFlags>;
  private readonly dialogs: DialogSet;

  constructor(private readonly deps: ResidentBotDeps) {
    super();
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.safeguarding = deps.conversationState.createProperty<SafeguardingFlags>('safeguarding');
    this.dialogs = new DialogSet(this.dialogState).add(new MainDialog(deps));

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const joined = (context.activity.membersAdded ?? []).some((m) => m.id !== context.activity.recipient?.id);
      if (joined) {
        const dc = await this.dialogs.createContext(context);
        if (!dc.activeDialog) await dc.beginDialog(DialogIds.main, { showMenu: true } satisfies MainDialogOptions);
      }
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    if (!context.turnState.get(TurnKeys.conversationId)) context.turnState.set(TurnKeys.conversationId, context.activity.conversation.id);
    await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const flags = await this.safeguarding.get(context, { categories: [] });
    const text = context.activity.text;
    const risk = typeof text === 'string' ? this.deps.detector.assess(text) : { categories: [], matched: [] };

    if (risk.categories.length > 0) {
      for (const category of risk.categories) {
        await context.sendActivity(category === 'danger' ? wording.crisis.danger : wording.crisis.suicideSelfHarm);
      }
      flags.categories = [...new Set([...flags.categories, ...risk.categories])];
      await this.safeguarding.set(context, flags);
      const conversationId = context.turnState.get(TurnKeys.conversationId) as string;
      await this.deps.referrals.recordSafeguardingEvent(conversationId, risk.categories, risk.matched);
      this.deps.logger.warn({ conversationId, categories: risk.categories }, 'safeguarding risk detected');
      const dc = await this.dialogs.createContext(context);
      await context.sendActivity(wording.crisis.afterwards);
      if (dc.activeDialog) await dc.repromptDialog();
      return;
    }

    context.turnState.set(TurnKeys.urgency, flags.categories.map((c) => URGENCY_FOR[c]));
    const dc = await this.dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (context.turnState.get(TurnKeys.cancelled)) {
      await dc.beginDialog(DialogIds.main, { showMenu: true, afterCancel: true } satisfies MainDialogOptions);
    } else if (result.status === DialogTurnStatus.empty) {
      await dc.beginDialog(DialogIds.main, {} satisfies MainDialogOptions);
    }
  }
}
