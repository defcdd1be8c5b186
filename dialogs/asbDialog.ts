/**
 * Anti-social behaviour report: what kind → where → when (and how often) → is anyone in danger now → description
 * → anonymous or with contact details → consent → summary → reference, what happens next, and 101.
 *
 * "Someone is in danger now" stops the journey with 999: the hub is not an emergency service. What the resident
 * has said so far is kept as an urgent partial report only if they ask for it.
 */
import { TextPrompt, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { findPostcodeIn } from '../services/council/postcode';
import { ASB_FREQUENCIES, type AsbAnswers, type AsbType } from '../services/referrals/model';
import { addCommonPrompts, optionsFrom, recogniseMany, toChoices } from './choices';
import { ContactDialog, type ContactAnswers } from './contactDialog';
import type { DialogDeps } from './deps';
import { DialogIds, PromptIds, WaterfallIds } from './ids';
import { contactSummary, JourneyDialog, toContactDetails, type ChangeTable, type JourneyState, type SummaryLine } from './journeyDialog';
import { textValidator } from './validators';
import * as wording from './wording';

type AsbWhen = AsbAnswers['when'];
type AsbFrequency = (typeof ASB_FREQUENCIES)[number];

export interface AsbState extends JourneyState {
  asbType?: AsbType;
  location?: string;
  when?: AsbWhen;
  frequency?: AsbFrequency | null;
  dangerNow?: boolean;
  description?: string;
  anonymous?: boolean;
  contact?: ContactAnswers;
  /** May the hub share the contact details with the council profile's ASB body (`open311.asbBody`)? */
  shareWithBody?: boolean;
}

const typeOptions = optionsFrom(wording.asb.typeLabels, {
  noise: ['noise', 'noisy', 'loud', 'music', 'shouting', 'parties', 'party', 'barking'],
  vandalism: ['vandalism', 'damage', 'criminal damage', 'graffiti', 'smashing', 'smashed', 'broken windows'],
  drugs: ['drugs', 'drug', 'dealing', 'dealers', 'cannabis', 'weed', 'needles'],
  intimidation: ['intimidation', 'harassment', 'threatening', 'abuse', 'abusive', 'bullying', 'gangs', 'intimidating'],
  vehicles: ['vehicles', 'vehicle', 'cars', 'car', 'bikes', 'motorbikes', 'off road bikes', 'parking', 'abandoned car', 'speeding'],
  other: ['other', 'something else', 'else'],
});
const whenOptions = optionsFrom(wording.asb.whenLabels, {
  now: ['now', 'right now', 'happening now', 'at the moment', 'currently'],
  'earlier-today': ['earlier', 'today', 'this morning', 'last night', 'earlier today'],
  ongoing: ['ongoing', 'keeps happening', 'all the time', 'regularly', 'every day', 'every night', 'often', 'again'],
});
const frequencyOptions = optionsFrom(wording.asb.frequencyLabels, {
  daily: ['daily', 'every day', 'every night', 'nightly', 'all the time', 'constantly'],
  'few-times-a-week': ['few times a week', 'a few times', 'several times a week', 'most days'],
  weekly: ['weekly', 'once a week', 'every week', 'weekends', 'every weekend'],
  'less-often': ['less often', 'sometimes', 'occasionally', 'now and then', 'monthly', 'rarely'],
});
const anonymousOptions = optionsFrom(wording.asb.anonymousOptions, {
  anonymous: ['anonymous', 'anonymously', 'no details', 'no name', 'no'],
  contact: ['contact', 'contact details', 'my details', 'give details', 'yes'],
});
const changeTable: ChangeTable<AsbState> = {
  asbType: { label: 'What kind of problem', clears: ['asbType'] },
  location: { label: 'Where', clears: ['location'] },
  when: { label: 'When', clears: ['when', 'frequency'] },
  description: { label: 'What is happening', clears: ['description'] },
  // The consent question differs for anonymous reports, so it is asked again.
  contact: { label: 'Anonymous or contact details', clears: ['anonymous', 'contact', 'shareWithBody', 'consentAt'] },
  shareWithBody: { label: 'Sharing my details', clears: ['shareWithBody'] },
};

export class AsbDialog extends JourneyDialog {
  readonly journeyName = wording.asb.journeyName;

  constructor(deps: DialogDeps) {
    super(DialogIds.asb, deps);
    addCommonPrompts(this);
    this.addDialog(new ContactDialog(deps))
      .addDialog(new TextPrompt(PromptIds.location, textValidator(300)))
      .addDialog(new TextPrompt(PromptIds.description, textValidator(1000)))
      .addDialog(
        new WaterfallDialog(WaterfallIds.asb, [
          this.typeStep.bind(this),
          this.whereStep.bind(this),
          this.whenStep.bind(this),
          this.frequencyStep.bind(this),
          this.dangerStep.bind(this),
          this.dangerOutcomeStep.bind(this),
          this.descriptionStep.bind(this),
          this.anonymousStep.bind(this),
          this.contactStep.bind(this),
          this.shareStep.bind(this),
          this.consentStep.bind(this),
          this.summaryStep.bind(this),
          this.sendOrChangeStep.bind(this),
          this.applyChangeStep.bind(this),
        ]),
      );
    this.initialDialogId = WaterfallIds.asb;
  }

  private async typeStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    if (step.options.asbType) return step.next({ value: step.options.asbType });
    // "kids smashing windows on our street" already says what kind; ask only if it names exactly one.
    const fromOpening = step.options.openingText ? recogniseMany(step.options.openingText, typeOptions) : [];
    delete step.options.openingText;
    if (fromOpening.length === 1) return step.next({ value: fromOpening[0] });
    return step.prompt(PromptIds.choice, { prompt: wording.asb.typePrompt, retryPrompt: wording.asb.typeRetry, choices: toChoices(typeOptions) });
  }

  private async whereStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    const state = step.options;
    state.asbType = (step.result as FoundChoice).value as AsbType;
    if (state.location) return step.next(state.location);
    return step.prompt(PromptIds.location, { prompt: wording.asb.wherePrompt, retryPrompt: wording.asb.whereRetry });
  }

  private async whenStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    const state = step.options;
    state.location = step.result as string;
    if (state.when) return step.next({ value: state.when });
    return step.prompt(PromptIds.choice, { prompt: wording.asb.whenPrompt, retryPrompt: wording.asb.whenRetry, choices: toChoices(whenOptions) });
  }

  private async frequencyStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    const state = step.options;
    state.when = (step.result as FoundChoice).value as AsbWhen;
    if (state.when !== 'ongoing') {
      state.frequency = null;
      return step.next(null);
    }
    if (state.frequency) return step.next({ value: state.frequency });
    return step.prompt(PromptIds.choice, { prompt: wording.asb.frequencyPrompt, retryPrompt: wording.asb.whenRetry, choices: toChoices(frequencyOptions) });
  }

  private async dangerStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    const state = step.options;
    if (step.result) state.frequency = (step.result as FoundChoice).value as AsbFrequency;
    if (state.dangerNow === false) return step.next(false);
    return step.prompt(PromptIds.confirm, { prompt: wording.asb.dangerPrompt, retryPrompt: wording.asb.dangerRetry });
  }

  private async dangerOutcomeStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    const state = step.options;
    if (step.result !== true) {
      state.dangerNow = false;
      return step.next();
    }
    state.dangerNow = true;
    await step.context.sendActivity(wording.asb.dangerCall999);
    return step.prompt(PromptIds.confirm, { prompt: wording.asb.keepDraftPrompt, retryPrompt: wording.consent.retry });
  }

  private async descriptionStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    const state = step.options;
    if (state.dangerNow) {
      if (step.result !== true) {
        await step.context.sendActivity(wording.asb.draftDiscarded);
        return step.endDialog();
      }
      state.consentAt = this.deps.clock.now().toISOString();
      const referral = await this.submit(step, this.answers(state), { anonymous: true }, { partial: true, extraUrgency: ['danger'] });
      await step.context.sendActivity(wording.asb.draftKept(referral.reference));
      return step.endDialog({ reference: referral.reference });
    }
    if (state.description) return step.next(state.description);
    return step.prompt(PromptIds.description, { prompt: wording.asb.descriptionPrompt, retryPrompt: wording.asb.descriptionRetry });
  }

  private async anonymousStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    const state = step.options;
    state.description = step.result as string;
    if (state.anonymous !== undefined) return step.next({ value: state.anonymous ? 'anonymous' : 'contact' });
    return step.prompt(PromptIds.choice, { prompt: wording.asb.anonymousPrompt, retryPrompt: wording.asb.anonymousRetry, choices: toChoices(anonymousOptions) });
  }

  private async contactStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    const state = step.options;
    state.anonymous = (step.result as FoundChoice).value === 'anonymous';
    if (state.anonymous || state.contact) return step.next(state.contact);
    return step.beginDialog(DialogIds.contact, { forOther: false, answers: {} });
  }

  /** Residents who give contact details say whether the body that handles ASB may have them (Open311 consumers). */
  private async shareStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    const state = step.options;
    if (state.anonymous) delete state.contact;
    else state.contact = step.result as ContactAnswers;
    const body = this.sharingBody();
    if (state.anonymous || !body) {
      delete state.shareWithBody;
      return step.next();
    }
    if (state.shareWithBody !== undefined) return step.next(state.shareWithBody);
    const prompt = wording.isShortForm(step.context.activity.channelId) ? wording.sms.asbSharePrompt(body.name) : wording.asb.sharePrompt(body.name);
    return step.prompt(PromptIds.confirm, { prompt, retryPrompt: wording.asb.shareRetry });
  }

  private async consentStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    const state = step.options;
    if (typeof step.result === 'boolean' && !state.anonymous) state.shareWithBody = step.result;
    return this.promptConsent(step, state.anonymous ? wording.councilText(this.deps.profile, 'asb.consentAnonymous') : wording.consent.prompt);
  }

  private async summaryStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    if (!(await this.recordConsent(step))) return step.endDialog();
    const state = step.options;
    const when = state.when ? wording.asb.whenLabels[state.when] : '';
    const lines: SummaryLine[] = [
      [wording.summaryLabels.asbType, state.asbType ? wording.asb.typeLabels[state.asbType] : ''],
      [wording.summaryLabels.location, state.location ?? ''],
      [wording.summaryLabels.when, state.frequency ? `${when} (${wording.asb.frequencyLabels[state.frequency].toLowerCase()})` : when],
      [wording.summaryLabels.description, state.description ?? ''],
      ...(state.anonymous || !state.contact ? [[wording.summaryLabels.anonymous, 'Yes'] as const] : contactSummary(state.contact)),
    ];
    const body = this.sharingBody();
    if (body && !state.anonymous && state.shareWithBody !== undefined) lines.push([wording.asb.shareSummary(body.name), state.shareWithBody ? 'Yes' : 'No']);
    return this.promptSummary(step, lines);
  }

  private async sendOrChangeStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    if (this.wantsChange(step)) return this.promptWhichToChange(step, changeTable);
    const state = step.options;
    const contact = state.anonymous || !state.contact ? ({ anonymous: true } as const) : toContactDetails(state.contact);
    const body = this.sharingBody();
    const sharing =
      body && !contact.anonymous && state.shareWithBody !== undefined
        ? { body: body.id, agreed: state.shareWithBody, wordingVersion: wording.SHARING_WORDING_VERSION, at: state.consentAt ?? this.deps.clock.now().toISOString() }
        : undefined;
    const referral = await this.submit(step, this.answers(state), contact, sharing ? { sharing } : {});
    await step.context.sendActivity(wording.asb.nextSteps(
        referral.reference,
        wording.councilText(this.deps.profile, 'asb.passedOn', { within: wording.describeHours(this.serviceLevelHours(referral)) }),
        contact.anonymous,
      ));
    return step.endDialog({ reference: referral.reference });
  }

  private async applyChangeStep(step: WaterfallStepContext<AsbState>): Promise<DialogTurnResult> {
    return this.applyChange(step, changeTable, WaterfallIds.asb);
  }


  private sharingBody(): { id: string; name: string } | null {
    const settings = this.deps.profile.open311;
    return settings?.bodies.find((b) => b.id === settings.asbBody) ?? null;
  }

  private answers(state: AsbState): AsbAnswers {
    const location = state.location ?? '';
    return {
      kind: 'asb',
      asbType: state.asbType ?? 'other',
      location,
      postcode: findPostcodeIn(location),
      when: state.when ?? 'now',
      frequency: state.frequency ?? null,
      dangerNow: state.dangerNow ?? false,
      description: state.description ?? null,
    };
  }
}
