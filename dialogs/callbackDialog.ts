/**
 * A call-back: name, phone number, consent, and a referral. Kept as small as it can be: someone who has just said
 * they are not OK should not face a long form. The referral is of the befriending kind with a phone call as the
 * interest (the hub's "someone to talk to"). After a safeguarding concern it is always urgent; when the resident
 * asked for a person out of hours (`reason: 'person'`) it is urgent only if the conversation was flagged.
 */
import { randomUUID } from 'node:crypto';
import { TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { addCommonPrompts } from './choices';
import type { DialogDeps } from './deps';
import { DialogIds, PromptIds, WaterfallIds } from './ids';
import { JourneyDialog, type JourneyState } from './journeyDialog';
import { nameValidator, phoneValidator } from './validators';
import * as wording from './wording';

export interface CallbackState extends JourneyState {
  name?: string;
  phone?: string;
  /** Why the hub is calling: after a safeguarding concern (the default), or a person asked for out of hours. */
  reason?: 'safeguarding' | 'person';
}

export function newCallbackState(reason: CallbackState['reason'] = 'safeguarding'): CallbackState {
  return { journeyKey: randomUUID(), reason };
}

export class CallbackDialog extends JourneyDialog {
  readonly journeyName = 'arranging a call from the hub';

  constructor(deps: DialogDeps) {
    super(DialogIds.callback, deps);
    addCommonPrompts(this);
    this.addDialog(new TextPrompt(PromptIds.name, nameValidator))
      .addDialog(new TextPrompt(PromptIds.phone, phoneValidator))
      .addDialog(
        new WaterfallDialog(WaterfallIds.callback, [
          this.nameStep.bind(this),
          this.phoneStep.bind(this),
          this.consentStep.bind(this),
          this.submitStep.bind(this),
        ]),
      );
    this.initialDialogId = WaterfallIds.callback;
  }

  private async nameStep(step: WaterfallStepContext<CallbackState>): Promise<DialogTurnResult> {
    if (step.options.name) return step.next(step.options.name);
    return step.prompt(PromptIds.name, { prompt: wording.contact.nameForSelf, retryPrompt: wording.contact.nameRetry });
  }

  private async phoneStep(step: WaterfallStepContext<CallbackState>): Promise<DialogTurnResult> {
    step.options.name = step.result as string;
    if (step.options.phone) return step.next(step.options.phone);
    return step.prompt(PromptIds.phone, { prompt: wording.contact.phonePrompt(false), retryPrompt: wording.councilText(this.deps.profile, 'contact.phoneRetry') });
  }

  private async consentStep(step: WaterfallStepContext<CallbackState>): Promise<DialogTurnResult> {
    step.options.phone = step.result as string;
    return this.promptConsent(step, wording.consent.prompt);
  }

  private async submitStep(step: WaterfallStepContext<CallbackState>): Promise<DialogTurnResult> {
    const forPerson = step.options.reason === 'person';
    if (step.result !== true) {
      await step.context.sendActivity(forPerson ? wording.handoff.callbackConsentDeclined : wording.safeguardingFollowUp.callbackConsentDeclined);
      return step.endDialog();
    }
    step.options.consentAt ??= this.deps.clock.now().toISOString();
    const referral = await this.submit(
      step,
      { kind: 'befriending', forWhom: 'self', postcode: '', interests: ['phone-call'], accessNeeds: null },
      { anonymous: false, name: step.options.name ?? '', method: 'phone', phone: step.options.phone ?? '', bestTime: 'any' },
      forPerson ? {} : { extraUrgency: ['safeguarding'] },
    );
    await step.context.sendActivity(forPerson ? wording.handoff.callbackDone(referral.reference) : wording.safeguardingFollowUp.callbackDone(referral.reference));
    return step.endDialog({ reference: referral.reference });
  }
}
