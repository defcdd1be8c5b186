/**
 * The resident-facing bot. Order on every message:
 * 1. Safeguarding, first and always: the phrase check (synchronous, local). Only when it finds a supporting phrase
 *    and nothing stronger, and Azure AI Language is configured, is sentiment asked for, with a short deadline.
 *    A risk gets the fixed crisis wording at once, flags the conversation (every referral from it is urgent),
 *    alerts staff and is audited by phrase ids.
 * 1a. The live handoff gate: while a hub worker holds the conversation, the resident's messages go to the worker
 *    (transcript and live stream) and the bot says nothing at all, except the crisis wording when safeguarding
 *    fires, which also alerts the worker. While the resident waits in the queue the bot carries on, and both sides
 *    of the conversation are kept for the worker who joins.
 * 2. The follow-up: if the message straight after a risk brushes it off ("no", "I'm fine"), the bot asks once
 *    more, gently, and offers a call-back. The flag stays.
 * 3. Language: at the start (no journey under way), a message confidently in another language gets the
 *    interpreter call-back offer in that language.
 * 4. The dialogs.
 * State is saved at the end of every turn, so a resident who pauses for hours, or whose conversation outlives a
 * restart, picks up where they were.
 *
 * A message is answered once. The state remembers the id of the last message and the replies it got, saved in the
 * same write as the rest of the state. The same message again (an SMS replayed after a crash that came after the
 * state was saved but before its replies reached the outbox, or a client retrying a post whose answer it never
 * received) gets those replies again and changes nothing, instead of being taken as the answer to the next question.
 */
import { randomUUID } from 'node:crypto';
import { ActivityHandler, ActivityTypes, type Activity, type ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import {
  DialogSet,
  DialogTurnStatus,
  type DialogContext,
  type DialogInstance,
  type DialogState,
  type DialogStateManagerConfiguration,
} from 'botbuilder-dialogs';
import { channelOf } from '../dialogs/journeyDialog';
import type { DialogDeps } from '../dialogs/deps';
import { DialogIds, TurnKeys } from '../dialogs/ids';
import { LanguageDialog, type LanguageResult, type LanguageState } from '../dialogs/languageDialog';
import { MainDialog, type MainDialogOptions } from '../dialogs/mainDialog';
import { PersonCallbackDialog } from '../dialogs/personCallbackDialog';
import { askForPerson } from '../dialogs/personRequest';
import type { HandoffService } from '../services/handoff/handoffService';
import type { Handoff } from '../services/handoff/model';
import { SafeguardingFollowUpDialog } from '../dialogs/safeguardingFollowUpDialog';
import * as wording from '../dialogs/wording';
import { recogniseCommand, recogniseJourney } from '../services/intent';
import { worthDetecting } from '../services/language/languages';
import type { LanguageAnalyser } from '../services/language/types';
import type { Logger } from '../services/logger';
import type { UrgencyReason } from '../services/referrals/model';
import type { ReferralService } from '../services/referrals/referralService';
import { isDismissal } from '../services/safeguarding/followUp';
import { withSentiment } from '../services/safeguarding/signals';
import type { RiskAssessment, RiskCategory, SafeguardingDetector } from '../services/safeguarding/types';

/** Kept in conversation state: once flagged, every referral from this conversation is urgent. */
export interface SafeguardingFlags {
  categories: RiskCategory[];
  /** Set on the turn a risk is detected: the next message is checked for a brush-off ("I'm fine"). */
  checkIn?: 'pending';
}

export interface ResidentBotDeps extends DialogDeps {
  conversationState: ConversationState;
  detector: SafeguardingDetector;
  referrals: ReferralService;
  logger: Logger;
  /** Azure AI Language behind the local fall-back, or the local analyser alone. */
  language: LanguageAnalyser;
  /** Live handoff to a hub worker; without it "speak to a person" gives the hub's number and hours. */
  liveHandoffs?: HandoffService;
}

/** Bot Framework's handoff.status event, as a contact-centre product sends it to /api/messages. */
const handoffStatusValue = z.looseObject({ state: z.enum(['accepted', 'completed', 'failed']), message: z.string().max(1000).optional() });

/** Dialogs during which a message is an answer, not a fresh start: no language detection then. */
const IN_PROGRESS = new Set<string>([
  DialogIds.befriending,
  DialogIds.costOfLiving,
  DialogIds.asb,
  DialogIds.contact,
  DialogIds.language,
  DialogIds.safeguardingFollowUp,
  DialogIds.callback,
  DialogIds.personCallback,
]);

/** Every dialog id on the stack, through component dialogs' inner stacks. */
function dialogIdsOn(stack: readonly DialogInstance[]): string[] {
  return stack.flatMap((instance) => {
    const inner = (instance.state as { dialogs?: DialogState } | undefined)?.dialogs?.dialogStack ?? [];
    return [instance.id, ...dialogIdsOn(inner)];
  });
}

/**
 * Where botbuilder-dialogs looks in turn state for the memory scopes and path resolvers of a DialogContext
 * (the key is the SDK's, in memory/dialogStateManager.js). Without it the first DialogContext of every turn builds
 * them afresh from the component registrations: about a twentieth of an SMS turn's CPU in the profile. They hold no
 * per-turn data (they read everything from the DialogContext they are given), so one set serves every turn, as
 * botbuilder's own DialogManager does with its stateConfiguration.
 */
const DIALOG_STATE_MANAGER_CONFIGURATION = 'DialogStateManagerConfiguration';

const URGENCY_FOR: Record<RiskCategory, UrgencyReason> = { 'suicide-self-harm': 'safeguarding', danger: 'danger' };

/** The last message answered in this conversation, and what it was answered with (see the note at the top). */
export interface LastTurn {
  activityId: string;
  replies: Partial<Activity>[];
}

/** What a reply needs to be sent again; ids, addresses and timestamps are filled in afresh by the turn. */
function replayable(activity: Partial<Activity>): Partial<Activity> {
  const { type, text, textFormat, speak, inputHint, suggestedActions, attachments, attachmentLayout, channelData } = activity;
  return { type, text, textFormat, speak, inputHint, suggestedActions, attachments, attachmentLayout, channelData };
}

export class ResidentBot extends ActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly safeguarding: StatePropertyAccessor<SafeguardingFlags>;
  private readonly lastTurn: StatePropertyAccessor<LastTurn>;
  private readonly dialogs: DialogSet;
  /** Built by the SDK on the first turn, reused on every later one (see DIALOG_STATE_MANAGER_CONFIGURATION). */
  private stateManagerConfiguration: DialogStateManagerConfiguration | undefined;

  constructor(private readonly deps: ResidentBotDeps) {
    super();
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.safeguarding = deps.conversationState.createProperty<SafeguardingFlags>('safeguarding');
    this.lastTurn = deps.conversationState.createProperty<LastTurn>('lastTurn');
    this.dialogs = new DialogSet(this.dialogState)
      .add(new MainDialog(deps))
      .add(new LanguageDialog(deps))
      .add(new SafeguardingFollowUpDialog(deps))
      .add(new PersonCallbackDialog(deps));

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onEvent(async (context, next) => {
      if (context.activity.name === 'handoff.status') await this.handleHandoffStatus(context);
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
    if (this.stateManagerConfiguration && !context.turnState.get(DIALOG_STATE_MANAGER_CONFIGURATION)) {
      context.turnState.set(DIALOG_STATE_MANAGER_CONFIGURATION, this.stateManagerConfiguration);
    }
    try {
      await this.runTurn(context);
    } finally {
      this.stateManagerConfiguration ??= context.turnState.get(DIALOG_STATE_MANAGER_CONFIGURATION) as DialogStateManagerConfiguration | undefined;
    }
  }

  private async runTurn(context: TurnContext): Promise<void> {
    if (!context.turnState.get(TurnKeys.conversationId)) context.turnState.set(TurnKeys.conversationId, context.activity.conversation.id);
    const activityId = context.activity.type === 'message' ? context.activity.id : undefined;
    if (!activityId) {
      await super.run(context);
      await this.deps.conversationState.saveChanges(context, false);
      return;
    }
    const last = await this.lastTurn.get(context);
    if (last?.activityId === activityId) {
      this.deps.logger.info({ conversationId: context.turnState.get(TurnKeys.conversationId) as string }, 'message seen before: its replies sent again');
      if (last.replies.length > 0) await context.sendActivities(last.replies);
      return;
    }
    const replies: Partial<Activity>[] = [];
    context.onSendActivities(async (_context, activities, next) => {
      replies.push(...activities.filter((a) => a.type === 'message').map(replayable));
      return next();
    });
    await super.run(context);
    await this.lastTurn.set(context, { activityId, replies });
    // Always a change (lastTurn now holds this message's id), so the save is forced: botbuilder would otherwise hash
    // the whole state to find out what we already know.
    await this.deps.conversationState.saveChanges(context, true);
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const flags = await this.safeguarding.get(context, { categories: [] });
    const text = typeof context.activity.text === 'string' ? context.activity.text : null;
    const conversationId = context.turnState.get(TurnKeys.conversationId) as string;
    const risk = text === null ? { categories: [], matched: [] } : await this.assess(text);
    const handoff = (await this.deps.liveHandoffs?.current(conversationId)) ?? null;
    if (handoff) await this.keepForWorker(context, handoff, text);

    if (risk.categories.length > 0) {
      for (const category of risk.categories) {
        await context.sendActivity(category === 'danger' ? wording.crisis.danger : wording.crisis.suicideSelfHarm);
      }
      flags.categories = [...new Set([...flags.categories, ...risk.categories])];
      // With a worker holding the conversation the worker follows up, not the bot.
      if (handoff?.status !== 'active') flags.checkIn = 'pending';
      await this.safeguarding.set(context, flags);
      await this.deps.referrals.recordSafeguardingEvent(conversationId, risk.categories, risk.matched, { channel: channelOf(context.activity.channelId) });
      this.deps.logger.warn({ conversationId, categories: risk.categories }, 'safeguarding risk detected');
      if (handoff) await this.deps.liveHandoffs?.riskDetected(handoff, risk.categories);
      if (handoff?.status === 'active') return;
      const dc = await this.dialogs.createContext(context);
      await context.sendActivity(wording.crisis.afterwards);
      if (dc.activeDialog) await dc.repromptDialog();
      return;
    }

    // A worker holds the conversation: the message is theirs (kept above), and the bot says nothing.
    if (handoff?.status === 'active') return;

    context.turnState.set(TurnKeys.urgency, flags.categories.map((c) => URGENCY_FOR[c]));
    const dc = await this.dialogs.createContext(context);

    if (flags.checkIn === 'pending') {
      delete flags.checkIn;
      await this.safeguarding.set(context, flags);
      if (text !== null && isDismissal(text)) {
        await this.deps.referrals.recordSafeguardingFollowUp(conversationId, 'offered');
        await dc.beginDialog(DialogIds.safeguardingFollowUp, { journeyKey: randomUUID() });
        return;
      }
    }

    if (text !== null && (await this.startInResidentsLanguage(dc, text, conversationId))) return;

    // "Speak to a person" with nothing under way (a first text, or after a journey ended): no dialog is there to be
    // interrupted, so it is answered here, as the interruption base answers it inside a journey.
    if (!dc.activeDialog && text !== null && recogniseCommand(text) === 'person') {
      if ((await askForPerson(dc, this.deps)) === 'closed') await dc.beginDialog(DialogIds.personCallback, { journeyKey: randomUUID() });
      return;
    }

    const result = await dc.continueDialog();
    if (context.turnState.get(TurnKeys.offerCallback)) {
      await dc.beginDialog(DialogIds.personCallback, { journeyKey: randomUUID() });
      return;
    }
    if (context.turnState.get(TurnKeys.cancelled) || (result.result as LanguageResult | undefined)?.english) {
      await dc.beginDialog(DialogIds.main, { showMenu: true, afterCancel: Boolean(context.turnState.get(TurnKeys.cancelled)) } satisfies MainDialogOptions);
    } else if (result.status === DialogTurnStatus.empty) {
      await dc.beginDialog(DialogIds.main, {} satisfies MainDialogOptions);
    }
  }

  /**
   * While a handoff is open, the resident's words go to its transcript and the holder's live stream. While they wait,
   * what the bot says goes there too, so the worker who joins reads the whole conversation.
   */
  private async keepForWorker(context: TurnContext, handoff: Handoff, text: string | null): Promise<void> {
    const handoffs = this.deps.liveHandoffs;
    if (!handoffs) return;
    if (text !== null && text.trim() !== '') await handoffs.residentSaid(handoff, text);
    context.onSendActivities(async (_ctx, activities: Partial<Activity>[], next) => {
      for (const activity of activities) {
        if (activity.type === ActivityTypes.Message && typeof activity.text === 'string' && activity.text) await handoffs.botSaid(handoff, activity.text);
      }
      return next();
    });
  }

  /** A contact-centre product accepted, completed or failed the handoff (Bot Framework's handoff.status). */
  private async handleHandoffStatus(context: TurnContext): Promise<void> {
    const value = handoffStatusValue.safeParse(context.activity.value);
    const conversationId = context.turnState.get(TurnKeys.conversationId) as string;
    if (!value.success || !this.deps.liveHandoffs) {
      this.deps.logger.warn({ conversationId }, 'handoff.status event ignored: no live handoff or an unreadable value');
      return;
    }
    await this.deps.liveHandoffs.externalStatus(conversationId, value.data.state);
  }

  /**
   * The phrase check, and for a supporting phrase alone, sentiment as the second signal when Azure is configured.
   * The resilient analyser bounds the wait and answers locally ('unknown', which confirms nothing) on failure.
   */
  private async assess(text: string): Promise<RiskAssessment> {
    const risk = this.deps.detector.assess(text);
    if (risk.categories.length > 0 || (risk.supporting ?? []).length === 0 || this.deps.language.kind === 'local') return risk;
    try {
      const [sentiment] = await this.deps.language.sentiment([text]);
      return withSentiment(risk, sentiment);
    } catch (err) {
      this.deps.logger.warn({ errType: (err as Error).name }, 'sentiment for safeguarding failed; the phrase check stands alone');
      return risk;
    }
  }

  /**
   * At the start of a conversation (nothing under way but the menu), a message confidently in another language gets
   * the interpreter call-back offer. Messages the journey recogniser already understands are English enough and are
   * not sent for detection.
   */
  private async startInResidentsLanguage(dc: DialogContext, text: string, conversationId: string): Promise<boolean> {
    if (dialogIdsOn(dc.stack).some((id) => IN_PROGRESS.has(id))) return false;
    if (!worthDetecting(text) || recogniseCommand(text) !== null || recogniseJourney(text).kind !== null) return false;
    const [guess] = await this.deps.language.detectLanguage([text]);
    if (!guess?.reliable || guess.code === 'en' || guess.code === 'und') return false;
    this.deps.logger.info({ conversationId, language: guess.code, source: guess.source }, 'resident wrote in another language');
    await dc.cancelAllDialogs();
    await dc.beginDialog(DialogIds.language, { journeyKey: randomUUID(), language: guess.code } satisfies LanguageState);
    return true;
  }
}
