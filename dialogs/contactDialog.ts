/**
 * How the hub may contact someone: name, method (phone call, text, email), the number or address, and when.
 * Shared by all three journeys; ends with a {@link ContactAnswers}.
 */
import { TextPrompt, WaterfallDialog, type WaterfallStepContext, type DialogTurnResult, type FoundChoice } from 'botbuilder-dialogs';
import type { BestTime, ContactMethod } from '../services/referrals/model';
import { addCommonPrompts, optionsFrom, toChoices } from './choices';
import type { DialogDeps } from './deps';
import { DialogIds, PromptIds, WaterfallIds } from './ids';
import { InterruptibleDialog } from './interruptibleDialog';
import { emailValidator, mobileValidator, nameValidator, phoneValidator } from './validators';
import * as wording from './wording';

export interface ContactAnswers {
  name: string;
  method: ContactMethod;
  phone?: string;
  email?: string;
  bestTime: BestTime;
}

export interface ContactDialogOptions {
  forOther: boolean;
  answers: Partial<ContactAnswers>;
}

const methodOptions = optionsFrom(wording.contact.methodLabels, {
  phone: ['phone', 'call', 'ring', 'call me', 'phone me', 'telephone'],
  sms: ['text', 'sms', 'txt', 'text me', 'message'],
  email: ['email', 'e-mail', 'mail'],
});
const bestTimeOptions = optionsFrom(wording.contact.bestTimeLabels, {
  morning: ['mornings', 'am'],
  afternoon: ['afternoons', 'pm'],
  evening: ['evenings', 'evening', 'teatime'],
  any: ['anytime', 'whenever', 'any', "don't mind", 'dont mind'],
});

export class ContactDialog extends InterruptibleDialog {
  readonly journeyName = null;

  constructor(deps: DialogDeps) {
    super(DialogIds.contact, deps);
    addCommonPrompts(this);
    this.addDialog(new TextPrompt(PromptIds.name, nameValidator))
      .addDialog(new TextPrompt(PromptIds.phone, phoneValidator))
      .addDialog(new TextPrompt(PromptIds.mobile, mobileValidator))
      .addDialog(new TextPrompt(PromptIds.email, emailValidator))
      .addDialog(
        new WaterfallDialog(WaterfallIds.contact, [
          this.nameStep.bind(this),
          this.methodStep.bind(this),
          this.addressStep.bind(this),
          this.bestTimeStep.bind(this),
          this.finishStep.bind(this),
        ]),
      );
    this.initialDialogId = WaterfallIds.contact;
  }

  private async nameStep(step: WaterfallStepContext<ContactDialogOptions>): Promise<DialogTurnResult> {
    const { answers, forOther } = step.options;
    if (answers.name) return step.next(answers.name);
    return step.prompt(PromptIds.name, {
      prompt: forOther ? wording.contact.nameForOther : wording.contact.nameForSelf,
      retryPrompt: wording.contact.nameRetry,
    });
  }

  private async methodStep(step: WaterfallStepContext<ContactDialogOptions>): Promise<DialogTurnResult> {
    step.options.answers.name = step.result as string;
    const { answers, forOther } = step.options;
    if (answers.method) return step.next({ value: answers.method });
    return step.prompt(PromptIds.choice, {
      prompt: wording.contact.methodPrompt(forOther),
      retryPrompt: wording.contact.methodRetry,
      choices: toChoices(methodOptions),
    });
  }

  private async addressStep(step: WaterfallStepContext<ContactDialogOptions>): Promise<DialogTurnResult> {
    const method = (step.result as FoundChoice).value as ContactMethod;
    const { answers, forOther } = step.options;
    answers.method = method;
    if (method === 'email') {
      if (answers.email) return step.next(answers.email);
      return step.prompt(PromptIds.email, { prompt: wording.contact.emailPrompt(forOther), retryPrompt: wording.contact.emailRetry });
    }
    if (answers.phone) return step.next(answers.phone);
    return method === 'sms'
      ? step.prompt(PromptIds.mobile, { prompt: wording.contact.mobilePrompt(forOther), retryPrompt: wording.contact.mobileRetry })
      : step.prompt(PromptIds.phone, { prompt: wording.contact.phonePrompt(forOther), retryPrompt: wording.councilText(this.deps.profile, 'contact.phoneRetry') });
  }

  private async bestTimeStep(step: WaterfallStepContext<ContactDialogOptions>): Promise<DialogTurnResult> {
    const { answers } = step.options;
    if (answers.method === 'email') {
      answers.email = step.result as string;
      delete answers.phone;
    } else {
      answers.phone = step.result as string;
      delete answers.email;
    }
    if (answers.bestTime) return step.next({ value: answers.bestTime });
    return step.prompt(PromptIds.choice, {
      prompt: wording.contact.bestTimePrompt,
      retryPrompt: wording.contact.bestTimeRetry,
      choices: toChoices(bestTimeOptions),
    });
  }

  private async finishStep(step: WaterfallStepContext<ContactDialogOptions>): Promise<DialogTurnResult> {
    step.options.answers.bestTime = (step.result as FoundChoice).value as BestTime;
    return step.endDialog(step.options.answers as ContactAnswers);
  }
}
