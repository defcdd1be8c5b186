/**
 * For a resident who writes in another language: a short reply in that language (or, where the council does not
 * use unreviewed translations or we have none, in plain English) offering a call-back with an interpreter; then
 * befriending or cost of living, a name, a phone number and consent, and a referral with `preferredLanguage` set so
 * the hub books the right interpreter. Small on purpose: everything else is for the call.
 *
 * Replies carry the language as the activity's `locale`, which Web Chat uses for text direction (Urdu and Arabic
 * are right to left); SMS sends plain text. "English" at the first question goes to the usual menu, in case the
 * detection was wrong.
 */
import { ActionTypes, type Activity } from 'botbuilder';
import {
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { parseUkPhone } from '../services/contact';
import { toAsciiDigits } from '../services/language/digits';
import { isReplyLanguage, LANGUAGE_INFO } from '../services/language/languages';
import type { CostOfLivingNeed } from '../services/referrals/model';
import type { DialogDeps } from './deps';
import { DialogIds, PromptIds, WaterfallIds } from './ids';
import { JourneyDialog, type JourneyState } from './journeyDialog';
import { NumberedChoicePrompt } from './numberedChoicePrompt';
import { fill, translations, type LanguageWording } from './translations';
import { nameValidator } from './validators';
import * as wording from './wording';

export interface LanguageState extends JourneyState {
  /** What was detected (ISO 639-1, or 639-3 where there is no two-letter code): recorded as preferredLanguage. */
  language: string;
  kind?: 'befriending' | 'cost-of-living';
  need?: CostOfLivingNeed;
  name?: string;
  phone?: string;
  /** Set when the privacy notice was given in English because the translation cannot say the retention period. */
  noticeWording?: 'interpreter-en';
}

/** What the dialog ends with: a reference, or a request to carry on in English. */
export interface LanguageResult {
  reference?: string;
  english?: boolean;
}

const NEEDS: readonly (keyof LanguageWording['needs'])[] = ['food', 'energy', 'money-advice', 'housing-costs'];

/** The translation to use, or the plain-English interpreter offer. */
export function wordingFor(language: string, useUnreviewed: boolean): LanguageWording {
  if (!isReplyLanguage(language)) return wording.interpreter;
  const translation = translations[language];
  return translation.reviewed || useUnreviewed ? translation : wording.interpreter;
}

function choice(value: string, title: string, also: readonly string[] = []): Choice {
  return { value, action: { type: ActionTypes.ImBack, title, value: title }, synonyms: [title, ...also] };
}

async function phoneInAnyDigitsValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
  const phone = prompt.recognized.succeeded ? parseUkPhone(toAsciiDigits(prompt.recognized.value ?? '')) : null;
  if (!phone) return false;
  prompt.recognized.value = phone.national;
  return true;
}

export class LanguageDialog extends JourneyDialog {
  readonly journeyName = 'asking for a call-back with an interpreter';

  constructor(deps: DialogDeps) {
    super(DialogIds.language, deps);
    const choicePrompt = new NumberedChoicePrompt(PromptIds.languageChoice, undefined, 'en-us');
    choicePrompt.style = ListStyle.suggestedAction;
    choicePrompt.recognizerOptions = { recognizeNumbers: true, recognizeOrdinals: false };
    this.addDialog(choicePrompt)
      .addDialog(new TextPrompt(PromptIds.languageName, nameValidator))
      .addDialog(new TextPrompt(PromptIds.languagePhone, phoneInAnyDigitsValidator))
      .addDialog(
        new WaterfallDialog(WaterfallIds.language, [
          this.introStep.bind(this),
          this.needStep.bind(this),
          this.nameStep.bind(this),
          this.phoneStep.bind(this),
          this.consentStep.bind(this),
          this.submitStep.bind(this),
        ]),
      );
    this.initialDialogId = WaterfallIds.language;
  }

  private words(state: LanguageState): LanguageWording {
    return wordingFor(state.language, this.deps.profile.languages.useUnreviewedTranslations);
  }

  /** A message in the resident's language, marked with its locale. */
  private say(w: LanguageWording, text: string): Partial<Activity> {
    return { type: 'message', text, locale: w.locale };
  }

  private async introStep(step: WaterfallStepContext<LanguageState>): Promise<DialogTurnResult> {
    const w = this.words(step.options);
    const { hub } = this.deps.profile;
    return step.prompt(PromptIds.languageChoice, {
      prompt: this.say(w, fill(w.intro, { hubName: hub.name, hubPhone: hub.phone })),
      retryPrompt: this.say(w, w.choiceRetry),
      choices: [
        choice('befriending', w.options.befriending),
        choice('cost-of-living', w.options.costOfLiving),
        choice('english', w.options.english, ['english', 'in english', 'carry on in english']),
      ],
    });
  }

  private async needStep(step: WaterfallStepContext<LanguageState>): Promise<DialogTurnResult> {
    const value = (step.result as FoundChoice).value;
    if (value === 'english') return step.endDialog({ english: true } satisfies LanguageResult);
    step.options.kind = value === 'cost-of-living' ? 'cost-of-living' : 'befriending';
    if (step.options.kind === 'befriending') return step.next(undefined);
    const w = this.words(step.options);
    return step.prompt(PromptIds.languageChoice, {
      prompt: this.say(w, w.needsPrompt),
      retryPrompt: this.say(w, w.choiceRetry),
      choices: NEEDS.map((need) => choice(need, w.needs[need])),
    });
  }

  private async nameStep(step: WaterfallStepContext<LanguageState>): Promise<DialogTurnResult> {
    if (step.options.kind === 'cost-of-living') step.options.need = (step.result as FoundChoice).value as CostOfLivingNeed;
    const w = this.words(step.options);
    return step.prompt(PromptIds.languageName, { prompt: this.say(w, w.namePrompt), retryPrompt: this.say(w, w.nameRetry) });
  }

  private async phoneStep(step: WaterfallStepContext<LanguageState>): Promise<DialogTurnResult> {
    step.options.name = step.result as string;
    const w = this.words(step.options);
    return step.prompt(PromptIds.languagePhone, { prompt: this.say(w, w.phonePrompt), retryPrompt: this.say(w, fill(w.phoneRetry, wording.profilePlaceholders(this.deps.profile))) });
  }

  private async consentStep(step: WaterfallStepContext<LanguageState>): Promise<DialogTurnResult> {
    step.options.phone = step.result as string;
    const w = this.words(step.options);
    const notice = wording.privacyNoticeFor(w, this.deps.profile);
    // Which notice the resident is agreeing to: a translation, or the English one when it cannot say the period.
    step.options.noticeWording = notice.wording === w ? undefined : 'interpreter-en';
    await step.context.sendActivity(this.say(notice.wording, notice.text));
    return step.prompt(PromptIds.languageChoice, {
      prompt: this.say(w, w.consentPrompt),
      retryPrompt: this.say(w, w.consentRetry),
      choices: [choice('yes', w.yes, [...w.yesAlso, 'yes', 'y']), choice('no', w.no, [...w.noAlso, 'no', 'n'])],
    });
  }

  private async submitStep(step: WaterfallStepContext<LanguageState>): Promise<DialogTurnResult> {
    const state = step.options;
    const w = this.words(state);
    const { hub } = this.deps.profile;
    if ((step.result as FoundChoice).value !== 'yes') {
      await step.context.sendActivity(this.say(w, fill(w.declined, { hubPhone: hub.phone })));
      return step.endDialog({} satisfies LanguageResult);
    }
    state.consentAt = this.deps.clock.now().toISOString();
    const language = isReplyLanguage(state.language) ? LANGUAGE_INFO[state.language].englishName : state.language;
    const forStaff = `Needs an interpreter: ${language} (${state.language}).`;
    const referral = await this.submit(
      step,
      state.kind === 'cost-of-living'
        ? { kind: 'cost-of-living', needs: [state.need ?? 'money-advice'], postcode: '', signposted: [], notes: forStaff }
        : { kind: 'befriending', forWhom: 'self', postcode: '', interests: ['phone-call'], accessNeeds: forStaff },
      { anonymous: false, name: state.name ?? '', method: 'phone', phone: state.phone ?? '', bestTime: 'any' },
      {
        preferredLanguage: state.language,
        // Which notice the resident agreed to: the English one, or a translation (reviewed or not).
        consentWordingVersion: `${wording.PRIVACY_WORDING_VERSION}+${w === wording.interpreter || state.noticeWording === 'interpreter-en' ? 'interpreter-en' : `${w.locale}${w.reviewed ? '' : '-unreviewed'}`}`,
      },
    );
    await step.context.sendActivity(this.say(w, fill(w.done, { reference: referral.reference })));
    return step.endDialog({ reference: referral.reference } satisfies LanguageResult);
  }
}
