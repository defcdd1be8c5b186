/**
 * After a risk was detected and the resident brushed it off ("no", "I'm fine"): the bot asks once more, gently, in
 * fixed wording, and offers a call-back. Yes starts the call-back (urgent); no gets the crisis line again. Either
 * way the conversation stays flagged, and what was interrupted is asked again afterwards.
 */
import { WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CallbackDialog, newCallbackState } from './callbackDialog';
import { addCommonPrompts, optionsFrom, toChoices } from './choices';
import type { DialogDeps } from './deps';
import { DialogIds, PromptIds, TurnKeys, WaterfallIds } from './ids';
import { JourneyDialog, type JourneyState } from './journeyDialog';
import * as wording from './wording';

const answerOptions = optionsFrom(wording.safeguardingFollowUp.options, {
  yes: ['yes', 'y', 'yeah', 'yes please', 'ok', 'okay', 'please', 'call me', 'go on then', 'alright'],
  no: ['no', 'n', 'nope', 'nah', 'no thanks', 'no thank you', 'not now', 'i am fine', "i'm fine"],
});

export class SafeguardingFollowUpDialog extends JourneyDialog {
  readonly journeyName = null;

  constructor(deps: DialogDeps) {
    super(DialogIds.safeguardingFollowUp, deps);
    addCommonPrompts(this);
    this.addDialog(new CallbackDialog(deps)).addDialog(
      new WaterfallDialog(WaterfallIds.safeguardingFollowUp, [this.askStep.bind(this), this.answerStep.bind(this), this.doneStep.bind(this)]),
    );
    this.initialDialogId = WaterfallIds.safeguardingFollowUp;
  }

  private async askStep(step: WaterfallStepContext<JourneyState>): Promise<DialogTurnResult> {
    return step.prompt(PromptIds.choice, {
      prompt: wording.safeguardingFollowUp.checkIn,
      retryPrompt: wording.safeguardingFollowUp.retry,
      choices: toChoices(answerOptions),
    });
  }

  private async answerStep(step: WaterfallStepContext<JourneyState>): Promise<DialogTurnResult> {
    const conversationId = (step.context.turnState.get(TurnKeys.conversationId) as string | undefined) ?? step.context.activity.conversation.id;
    if ((step.result as FoundChoice).value === 'yes') {
      await this.deps.referrals.recordSafeguardingFollowUp(conversationId, 'call-back-accepted');
      await step.context.sendActivity(wording.safeguardingFollowUp.callbackIntro);
      return step.beginDialog(DialogIds.callback, newCallbackState());
    }
    await this.deps.referrals.recordSafeguardingFollowUp(conversationId, 'call-back-declined');
    await step.context.sendActivity(wording.safeguardingFollowUp.declined);
    return step.endDialog();
  }

  private async doneStep(step: WaterfallStepContext<JourneyState>): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }
}
