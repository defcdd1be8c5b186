/**
 * Befriending referral, for a lonely resident or someone they know (with that person's agreement):
 * who for → (their agreement) → contact → postcode → what they would enjoy → other needs → consent → summary →
 * reference. Every answer lives in the journey state, so "change something" clears one answer and the waterfall
 * asks only that again.
 */
import { TextPrompt, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { BefriendingInterest } from '../services/referrals/model';
import { addCommonPrompts, MultiChoicePrompt, optionsFrom, toChoices } from './choices';
import { ContactDialog, type ContactAnswers } from './contactDialog';
import type { DialogDeps } from './deps';
import { DialogIds, PromptIds, WaterfallIds } from './ids';
import { contactSummary, JourneyDialog, toContactDetails, type ChangeTable, type JourneyState } from './journeyDialog';
import { isNoneAnswer, postcodeValidator, textValidator } from './validators';
import * as wording from './wording';

export interface BefriendingState extends JourneyState {
  forWhom?: 'self' | 'someone-else';
  personAgreed?: boolean;
  contact?: ContactAnswers;
  postcode?: string;
  interests?: BefriendingInterest[];
  accessNeeds?: string | null;
}

const forWhomOptions = optionsFrom(wording.befriending.forWhomOptions, {
  self: ['me', 'myself', 'for myself', 'mine', 'it is for me', 'just me'],
  'someone-else': ['someone else', 'other', 'my mum', 'my dad', 'my neighbour', 'a friend', 'family', 'them', 'for them'],
});
const interestOptions = optionsFrom(wording.befriending.interestLabels, {
  'phone-call': ['phone call', 'phone', 'call', 'calls', 'chat on the phone'],
  visit: ['visit', 'visits', 'visitor', 'home visit', 'someone to visit'],
  groups: ['groups', 'group', 'activities', 'clubs', 'club', 'lunch club', 'meet people'],
});
const changeTable: ChangeTable<BefriendingState> = {
  // The consent question names "you" or "them", so changing who it is for asks it again.
  forWhom: { label: 'Who it is for', clears: ['forWhom', 'personAgreed', 'consentAt'] },
  contact: { label: 'Name and contact details', clears: ['contact'] },
  postcode: { label: 'Postcode', clears: ['postcode'] },
  interests: { label: 'What they would enjoy', clears: ['interests'] },
  accessNeeds: { label: 'Other needs', clears: ['accessNeeds'] },
};

export class BefriendingDialog extends JourneyDialog {
  readonly journeyName = wording.befriending.journeyName;

  constructor(deps: DialogDeps) {
    super(DialogIds.befriending, deps);
    addCommonPrompts(this);
    this.addDialog(new ContactDialog(deps))
      .addDialog(new TextPrompt(PromptIds.postcode, postcodeValidator))
      .addDialog(new TextPrompt(PromptIds.optionalText500, textValidator(500)))
      .addDialog(new MultiChoicePrompt(PromptIds.multiChoiceInterests, interestOptions))
      .addDialog(
        new WaterfallDialog(WaterfallIds.befriending, [
          this.forWhomStep.bind(this),
          this.agreementStep.bind(this),
          this.contactStep.bind(this),
          this.postcodeStep.bind(this),
          this.interestsStep.bind(this),
          this.needsStep.bind(this),
          this.consentStep.bind(this),
          this.summaryStep.bind(this),
          this.sendOrChangeStep.bind(this),
          this.applyChangeStep.bind(this),
        ]),
      );
    this.initialDialogId = WaterfallIds.befriending;
  }

  private forOther(state: BefriendingState): boolean {
    return state.forWhom === 'someone-else';
  }

  private async forWhomStep(step: WaterfallStepContext<BefriendingState>): Promise<DialogTurnResult> {
    if (step.options.forWhom) return step.next({ value: step.options.forWhom });
    await step.context.sendActivity(wording.councilText(this.deps.profile, 'befriending.intro'));
    return step.prompt(PromptIds.choice, {
      prompt: wording.befriending.forWhomPrompt,
      retryPrompt: wording.befriending.forWhomRetry,
      choices: toChoices(forWhomOptions),
    });
  }

  private async agreementStep(step: WaterfallStepContext<BefriendingState>): Promise<DialogTurnResult> {
    const state = step.options;
    state.forWhom = (step.result as FoundChoice).value as BefriendingState['forWhom'];
    if (!this.forOther(state) || state.personAgreed) return step.next(true);
    return step.prompt(PromptIds.confirm, { prompt: wording.befriending.agreedPrompt, retryPrompt: wording.befriending.agreedRetry });
  }

  private async contactStep(step: WaterfallStepContext<BefriendingState>): Promise<DialogTurnResult> {
    const state = step.options;
    if (step.result !== true) {
      await step.context.sendActivity(wording.befriending.notAgreed);
      return step.endDialog();
    }
    if (this.forOther(state)) state.personAgreed = true;
    if (state.contact) return step.next(state.contact);
    return step.beginDialog(DialogIds.contact, { forOther: this.forOther(state), answers: {} });
  }

  private async postcodeStep(step: WaterfallStepContext<BefriendingState>): Promise<DialogTurnResult> {
    const state = step.options;
    state.contact = step.result as ContactAnswers;
    if (state.postcode) return step.next(state.postcode);
    return step.prompt(PromptIds.postcode, { prompt: wording.postcode.prompt(this.forOther(state)), retryPrompt: wording.councilText(this.deps.profile, 'postcode.retry') });
  }

  private async interestsStep(step: WaterfallStepContext<BefriendingState>): Promise<DialogTurnResult> {
    const state = step.options;
    state.postcode = step.result as string;
    if (state.interests) return step.next(state.interests);
    return step.prompt(PromptIds.multiChoiceInterests, {
      prompt: wording.befriending.interestsPrompt(this.forOther(state)),
      retryPrompt: wording.befriending.interestsRetry,
    });
  }

  private async needsStep(step: WaterfallStepContext<BefriendingState>): Promise<DialogTurnResult> {
    const state = step.options;
    state.interests = step.result as BefriendingInterest[];
    if (state.accessNeeds !== undefined) return step.next(state.accessNeeds ?? 'no');
    return step.prompt(PromptIds.optionalText500, {
      prompt: wording.befriending.needsPrompt(this.forOther(state)),
      retryPrompt: wording.befriending.needsRetry,
    });
  }

  private async consentStep(step: WaterfallStepContext<BefriendingState>): Promise<DialogTurnResult> {
    const state = step.options;
    const answer = step.result as string;
    state.accessNeeds = isNoneAnswer(answer) ? null : answer;
    return this.promptConsent(step, this.forOther(state) ? wording.consent.promptForOther : wording.consent.prompt);
  }

  private async summaryStep(step: WaterfallStepContext<BefriendingState>): Promise<DialogTurnResult> {
    if (!(await this.recordConsent(step))) return step.endDialog();
    const state = step.options;
    const contact = state.contact as ContactAnswers;
    return this.promptSummary(step, [
      [wording.summaryLabels.forWhom, wording.befriending.forWhomOptions[state.forWhom ?? 'self']],
      ...contactSummary(contact),
      [wording.summaryLabels.postcode, state.postcode ?? ''],
      [wording.summaryLabels.interests, (state.interests ?? []).map((i) => wording.befriending.interestLabels[i]).join(', ')],
      [wording.summaryLabels.accessNeeds, state.accessNeeds ?? 'None'],
    ]);
  }

  private async sendOrChangeStep(step: WaterfallStepContext<BefriendingState>): Promise<DialogTurnResult> {
    if (this.wantsChange(step)) return this.promptWhichToChange(step, changeTable);
    const state = step.options;
    const referral = await this.submit(
      step,
      {
        kind: 'befriending',
        forWhom: state.forWhom ?? 'self',
        ...(this.forOther(state) ? { personAgreed: true } : {}),
        postcode: state.postcode ?? '',
        interests: state.interests ?? [],
        accessNeeds: state.accessNeeds ?? null,
      },
      toContactDetails(state.contact as ContactAnswers),
    );
    await step.context.sendActivity(
      wording.befriending.nextSteps(referral.reference, this.deps.profile.hub, this.serviceLevelHours(referral), referral.urgent),
    );
    await this.signpostMeanwhile(step);
    return step.endDialog({ reference: referral.reference });
  }

  /**
   * Befriending takes a few days to arrange: meanwhile, services for what they would enjoy, for their ward or
   * nearest first, open today first.
   */
  private async signpostMeanwhile(step: WaterfallStepContext<BefriendingState>): Promise<void> {
    const state = step.options;
    const short = wording.isShortForm(step.context.activity.channelId);
    const now = this.deps.clock.now();
    const ward = await this.wardForSignposting(state.postcode);
    const signposts = this.deps.directory.find({ needs: state.interests?.length ? state.interests : ['befriending'], ward, now, limit: short ? 2 : 3 });
    if (signposts.length === 0) return;
    const lines = [
      wording.befriending.meanwhileIntro(this.forOther(state)),
      ...signposts.map((s) => (short ? wording.sms.describeSignpost(s, now) : wording.describeSignpost(s, now))),
    ];
    if (this.deps.directory.current().exampleData) lines.push(wording.costOfLiving.signpostExampleNote);
    await step.context.sendActivity(lines.join('\n'));
  }

  private async applyChangeStep(step: WaterfallStepContext<BefriendingState>): Promise<DialogTurnResult> {
    return this.applyChange(step, changeTable, WaterfallIds.befriending);
  }

}
