/**
 * The front door: works out which journey the resident needs (from their first words or the menu), runs it, and
 * is ready for the next thing afterwards.
 */
import { randomUUID } from 'node:crypto';
import {
  ChoicePrompt,
  ListStyle,
  WaterfallDialog,
  type DialogTurnResult,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { recogniseJourney } from '../services/intent';
import type { ReferralKind } from '../services/referrals/model';
import { AsbDialog } from './asbDialog';
import { BefriendingDialog } from './befriendingDialog';
import { optionsFrom, toChoices } from './choices';
import { CostOfLivingDialog } from './costOfLivingDialog';
import type { DialogDeps } from './deps';
import { DialogIds, PromptIds, WaterfallIds } from './ids';
import { InterruptibleDialog } from './interruptibleDialog';
import type { JourneyState } from './journeyDialog';
import * as wording from './wording';

export interface MainDialogOptions {
  /** Show the welcome and menu without reading the message (a new conversation, or after "start again"). */
  showMenu?: boolean;
  /** After "start again": the menu without the welcome. */
  afterCancel?: boolean;
}

const journeyDialogIds: Record<ReferralKind, string> = {
  befriending: DialogIds.befriending,
  'cost-of-living': DialogIds.costOfLiving,
  asb: DialogIds.asb,
};

const menuOptions = optionsFrom(wording.general.menuOptions, {
  befriending: ['befriending', 'lonely', 'talk', 'someone to talk to', 'loneliness', 'company'],
  'cost-of-living': ['cost of living', 'money', 'food', 'bills', 'energy', 'help with money'],
  asb: ['asb', 'anti-social behaviour', 'antisocial behaviour', 'report', 'report a problem'],
});

/** A menu choice, carrying the resident's own words when they typed rather than chose. */
type OpeningChoice = FoundChoice & { openingText?: string };

/** The menu also understands a free-text answer ("I'm lonely") by running the journey recogniser on it. */
async function menuValidator(prompt: PromptValidatorContext<FoundChoice>): Promise<boolean> {
  if (prompt.recognized.succeeded) return true;
  const text = prompt.context.activity.text;
  const kind = typeof text === 'string' ? recogniseJourney(text).kind : null;
  if (!kind) return false;
  const found: OpeningChoice = { value: kind, index: menuOptions.findIndex((o) => o.value === kind), score: 1, synonym: kind, openingText: text };
  prompt.recognized.value = found;
  return true;
}

export class MainDialog extends InterruptibleDialog {
  readonly journeyName = null;

  constructor(deps: DialogDeps) {
    super(DialogIds.main, deps);
    const menu = new ChoicePrompt(PromptIds.menu, menuValidator, 'en-us');
    menu.style = ListStyle.suggestedAction;
    menu.recognizerOptions = { recognizeNumbers: true, recognizeOrdinals: true };
    this.addDialog(menu)
      .addDialog(new BefriendingDialog(deps))
      .addDialog(new CostOfLivingDialog(deps))
      .addDialog(new AsbDialog(deps))
      .addDialog(new WaterfallDialog(WaterfallIds.main, [this.introStep.bind(this), this.routeStep.bind(this), this.finalStep.bind(this)]));
    this.initialDialogId = WaterfallIds.main;
  }

  private async introStep(step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> {
    const text = step.context.activity.text;
    if (!step.options.showMenu && typeof text === 'string') {
      const { kind } = recogniseJourney(text);
      if (kind) return step.next({ value: kind, openingText: text });
    }
    if (!step.options.afterCancel) {
      const welcome = wording.isShortForm(step.context.activity.channelId) ? 'sms.welcome' : 'general.welcome';
      await step.context.sendActivity(wording.councilText(this.deps.profile, welcome));
    }
    return step.prompt(PromptIds.menu, {
      prompt: wording.general.menuPrompt,
      retryPrompt: wording.general.menuRetry,
      choices: toChoices(menuOptions),
    });
  }

  private async routeStep(step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> {
    const choice = step.result as OpeningChoice;
    const kind = choice.value as ReferralKind;
    const { openingText } = choice;
    const state: JourneyState = { journeyKey: randomUUID(), ...(openingText ? { openingText } : {}) };
    return step.beginDialog(journeyDialogIds[kind], state);
  }

  private async finalStep(step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> {
    const result = step.result as { reference?: string } | undefined;
    if (result?.reference) await step.context.sendActivity(wording.general.anythingElse);
    return step.endDialog(result);
  }
}
