/**
 * Cost-of-living support: which needs → services that can help now (from the council's directory) → an offer of a
 * call-back, which if accepted collects contact details, postcode and consent and becomes a referral.
 */
import { TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { NEARBY_KM, type Signpost } from '../services/directory/liveDirectory';
import type { CostOfLivingNeed } from '../services/referrals/model';
import { addCommonPrompts, MultiChoicePrompt, optionsFrom } from './choices';
import { ContactDialog, type ContactAnswers } from './contactDialog';
import type { DialogDeps } from './deps';
import { DialogIds, PromptIds, WaterfallIds } from './ids';
import { contactSummary, JourneyDialog, toContactDetails, type ChangeTable, type JourneyState } from './journeyDialog';
import { isNoneAnswer, postcodeValidator, textValidator } from './validators';
import * as wording from './wording';

export interface CostOfLivingState extends JourneyState {
  needs?: CostOfLivingNeed[];
  signposted?: string[];
  wantsCallback?: boolean;
  contact?: ContactAnswers;
  postcode?: string;
  notes?: string | null;
}

const needOptions = optionsFrom(wording.costOfLiving.needLabels, {
  food: ['food', 'food bank', 'foodbank', 'groceries', 'eat', 'meals', 'hungry', 'shopping'],
  energy: ['energy', 'heating', 'electric', 'electricity', 'gas', 'heat', 'meter', 'bills'],
  'money-advice': ['money', 'debt', 'debts', 'advice', 'benefits', 'budgeting', 'money advice'],
  'warm-spaces': ['warm space', 'warm spaces', 'warm', 'somewhere warm', 'warm place'],
  'housing-costs': ['housing', 'rent', 'mortgage', 'council tax', 'housing costs'],
});
const changeTable: ChangeTable<CostOfLivingState> = {
  needs: { label: 'What you need help with', clears: ['needs'] },
  contact: { label: 'Name and contact details', clears: ['contact'] },
  postcode: { label: 'Postcode', clears: ['postcode'] },
  notes: { label: 'Anything else', clears: ['notes'] },
};

export class CostOfLivingDialog extends JourneyDialog {
  readonly journeyName = wording.costOfLiving.journeyName;

  constructor(deps: DialogDeps) {
    super(DialogIds.costOfLiving, deps);
    addCommonPrompts(this);
    this.addDialog(new ContactDialog(deps))
      .addDialog(new TextPrompt(PromptIds.postcode, postcodeValidator))
      .addDialog(new TextPrompt(PromptIds.optionalText1000, textValidator(1000)))
      .addDialog(new MultiChoicePrompt(PromptIds.multiChoiceNeeds, needOptions))
      .addDialog(
        new WaterfallDialog(WaterfallIds.costOfLiving, [
          this.needsStep.bind(this),
          this.signpostStep.bind(this),
          this.contactStep.bind(this),
          this.postcodeStep.bind(this),
          this.notesStep.bind(this),
          this.consentStep.bind(this),
          this.summaryStep.bind(this),
          this.sendOrChangeStep.bind(this),
          this.applyChangeStep.bind(this),
        ]),
      );
    this.initialDialogId = WaterfallIds.costOfLiving;
  }

  private async needsStep(step: WaterfallStepContext<CostOfLivingState>): Promise<DialogTurnResult> {
    if (step.options.needs) return step.next(step.options.needs);
    const fromOpening = this.needsFromText(step.options.openingText);
    delete step.options.openingText;
    if (fromOpening.length > 0) return step.next(fromOpening);
    return step.prompt(PromptIds.multiChoiceNeeds, { prompt: wording.costOfLiving.needsPrompt, retryPrompt: wording.costOfLiving.needsRetry });
  }

  /** "can't afford the electric" already says which need: don't ask again. */
  private needsFromText(text: string | undefined): CostOfLivingNeed[] {
    if (typeof text !== 'string') return [];
    return needOptions
      .filter((o) => (o.synonyms ?? []).some((s) => new RegExp(`\\b${s}\\b`, 'i').test(text)))
      .map((o) => o.value);
  }

  private async signpostStep(step: WaterfallStepContext<CostOfLivingState>): Promise<DialogTurnResult> {
    const state = step.options;
    state.needs = step.result as CostOfLivingNeed[];
    if (state.wantsCallback) return step.next(true);
    const { directory, clock } = this.deps;
    const short = wording.isShortForm(step.context.activity.channelId);
    // Before any postcode is asked: borough-wide services, open today first. (A postcode already given, when the
    // resident changes their needs at the summary, brings in the services for their ward too.)
    const ward = await this.wardForSignposting(state.postcode);
    const signposts = directory.find({ needs: state.needs, ward, now: clock.now(), limit: short ? 3 : 4 });
    state.signposted = signposts.map((s) => s.service.id);
    const lines = signposts.length
      ? [wording.costOfLiving.signpostIntro, ...this.listing(signposts, short)]
      : [wording.costOfLiving.noServices];
    if (signposts.length && directory.current().exampleData) lines.push(wording.costOfLiving.signpostExampleNote);
    await step.context.sendActivity(lines.join('\n'));
    return step.prompt(PromptIds.confirm, { prompt: wording.costOfLiving.callbackPrompt, retryPrompt: wording.costOfLiving.callbackRetry });
  }

  private async contactStep(step: WaterfallStepContext<CostOfLivingState>): Promise<DialogTurnResult> {
    const state = step.options;
    if (step.result !== true) {
      await step.context.sendActivity(wording.costOfLiving.noCallback(this.deps.profile.hub));
      return step.endDialog();
    }
    state.wantsCallback = true;
    if (state.contact) return step.next(state.contact);
    return step.beginDialog(DialogIds.contact, { forOther: false, answers: {} });
  }

  private async postcodeStep(step: WaterfallStepContext<CostOfLivingState>): Promise<DialogTurnResult> {
    const state = step.options;
    state.contact = step.result as ContactAnswers;
    if (state.postcode) return step.next(state.postcode);
    return step.prompt(PromptIds.postcode, { prompt: wording.postcode.prompt(false), retryPrompt: wording.councilText(this.deps.profile, 'postcode.retry') });
  }

  private listing(signposts: readonly Signpost[], short: boolean): string[] {
    const now = this.deps.clock.now();
    return signposts.map((s) => (short ? wording.sms.describeSignpost(s, now) : wording.describeSignpost(s, now)));
  }

  /**
   * Once the postcode is known: services for the resident's ward, or within walking-and-bus distance, that the
   * first listing (borough-wide only) could not offer.
   */
  private async signpostNearby(step: WaterfallStepContext<CostOfLivingState>): Promise<void> {
    const state = step.options;
    const ward = await this.wardForSignposting(state.postcode);
    if (ward === null) return;
    const shown = new Set(state.signposted ?? []);
    const short = wording.isShortForm(step.context.activity.channelId);
    const nearby = this.deps.directory
      .find({ needs: state.needs ?? [], ward, now: this.deps.clock.now() })
      .filter((s) => !shown.has(s.service.id) && (s.wardLocal || (s.distanceKm !== null && s.distanceKm <= NEARBY_KM)))
      .slice(0, 2);
    if (nearby.length === 0) return;
    state.signposted = [...(state.signposted ?? []), ...nearby.map((s) => s.service.id)];
    await step.context.sendActivity([wording.costOfLiving.nearYouIntro, ...this.listing(nearby, short)].join('\n'));
  }

  private async notesStep(step: WaterfallStepContext<CostOfLivingState>): Promise<DialogTurnResult> {
    const state = step.options;
    const firstTime = state.postcode === undefined;
    state.postcode = step.result as string;
    if (firstTime) await this.signpostNearby(step);
    if (state.notes !== undefined) return step.next(state.notes ?? 'no');
    return step.prompt(PromptIds.optionalText1000, { prompt: wording.costOfLiving.notesPrompt, retryPrompt: wording.costOfLiving.notesRetry });
  }

  private async consentStep(step: WaterfallStepContext<CostOfLivingState>): Promise<DialogTurnResult> {
    const answer = step.result as string;
    step.options.notes = isNoneAnswer(answer) ? null : answer;
    return this.promptConsent(step, wording.consent.prompt);
  }

  private async summaryStep(step: WaterfallStepContext<CostOfLivingState>): Promise<DialogTurnResult> {
    if (!(await this.recordConsent(step))) return step.endDialog();
    const state = step.options;
    return this.promptSummary(step, [
      [wording.summaryLabels.needs, (state.needs ?? []).map((n) => wording.costOfLiving.needLabels[n]).join(', ')],
      ...contactSummary(state.contact as ContactAnswers),
      [wording.summaryLabels.postcode, state.postcode ?? ''],
      [wording.summaryLabels.notes, state.notes ?? 'None'],
    ]);
  }

  private async sendOrChangeStep(step: WaterfallStepContext<CostOfLivingState>): Promise<DialogTurnResult> {
    if (this.wantsChange(step)) return this.promptWhichToChange(step, changeTable);
    const state = step.options;
    const referral = await this.submit(
      step,
      {
        kind: 'cost-of-living',
        needs: state.needs ?? [],
        postcode: state.postcode ?? '',
        signposted: state.signposted ?? [],
        notes: state.notes ?? null,
      },
      toContactDetails(state.contact as ContactAnswers),
    );
    await step.context.sendActivity(
      wording.costOfLiving.nextSteps(referral.reference, this.deps.profile.hub, this.serviceLevelHours(referral), referral.urgent),
    );
    return step.endDialog({ reference: referral.reference });
  }

  private async applyChangeStep(step: WaterfallStepContext<CostOfLivingState>): Promise<DialogTurnResult> {
    return this.applyChange(step, changeTable, WaterfallIds.costOfLiving);
  }

}
