/**
 * Out of hours, after "speak to a person": would the resident like the hub to call them back when it opens? Yes
 * collects a name, a number and consent (callbackDialog, reason `person`) and makes a referral; no leaves it there.
 * Begun by the bot on top of whatever the resident was doing, which is asked again when this ends.
 */
import { WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CallbackDialog, newCallbackState } from './callbackDialog';
import { addCommonPrompts, optionsFrom, toChoices } from './choices';
import type { DialogDeps } from './deps';
import { DialogIds, PromptIds, WaterfallIds } from './ids';
import { JourneyDialog, type JourneyState } from './journeyDialog';
import * as wording from './wording';

const answerOptions = optionsFrom(wording.handoff.callbackOptions, {
  yes: ['yes', 'y', 'yeah', 'yes please', 'ok', 'okay', 'please', 'call me', 'call me back'],
  no: ['no', 'n', 'nope', 'nah', 'no thanks', 'no thank you', 'not now'],
});

export class PersonCallbackDialog extends JourneyDialog {
  readonly journeyName = 'arranging a call from the hub';

  constructor(deps: DialogDeps) {
    super(DialogIds.personCallback, deps);
    addCommonPrompts(this);
    this.addDialog(new CallbackDialog(deps)).addDialog(
      new WaterfallDialog(WaterfallIds.personCallback, [this.askStep.bind(this), this.answerStep.bind(this), this.doneStep.bind(this)]),
    );
    this.initialDialogId = WaterfallIds.personCallback;
  }

  private async askStep(step: WaterfallStepContext<JourneyState>): Promise<DialogTurnResult> {
    return step.prompt(PromptIds.choice, { prompt: wording.handoff.callbackOffer, retryPrompt: wording.handoff.callbackRetry, choices: toChoices(answerOptions) });
  }

  private async answerStep(step: WaterfallStepContext<JourneyState>): Promise<DialogTurnResult> {
    if ((step.result as FoundChoice).value === 'yes') {
      await step.context.sendActivity(wording.handoff.callbackIntro);
      return step.beginDialog(DialogIds.callback, newCallbackState('person'));
    }
    await step.context.sendActivity(wording.handoff.callbackDeclined);
    return step.endDialog();
  }

  private async doneStep(step: WaterfallStepContext<JourneyState>): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }
}
