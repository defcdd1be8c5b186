/**
 * What the three journeys share at their end: the privacy notice and consent, the summary with "change
 * something", and the hand-over of a typed draft to the referral service. Dialogs collect; services act.
 */
import type { DialogTurnResult, FoundChoice, WaterfallStepContext } from 'botbuilder-dialogs';
import type { Channel, ContactDetails, Referral, ReferralAnswers, UrgencyReason } from '../services/referrals/model';
import { optionsFrom, toChoices } from './choices';
import type { ContactAnswers } from './contactDialog';
import type { DialogDeps } from './deps';
import { PromptIds, TurnKeys } from './ids';
import { InterruptibleDialog } from './interruptibleDialog';
import { summaryMessage } from './summaryCard';
import * as wording from './wording';

/** Every journey's state carries the key that makes its submission idempotent. */
export interface JourneyState {
  journeyKey: string;
  consentAt?: string;
  /** The free-text message that started the journey ("can't afford the electric"), used once to skip a question. */
  openingText?: string;
}

export type SummaryLine = readonly [label: string, value: string];

/** "Change something": each option's label and the answers it clears (so only those are asked again). */
export type ChangeTable<S> = Record<string, { label: string; clears: (keyof S)[] }>;

const confirmOptions = optionsFrom(wording.summary.confirmOptions, {
  send: ['yes', 'send', 'send it', 'yes please', 'correct', 'ok', 'confirm', 'y'],
  change: ['change', 'no', 'edit', 'wrong', 'n'],
});

export function channelOf(channelId: string): Channel {
  switch (channelId) {
    case 'webchat':
    case 'emulator':
    case 'directline':
    case 'sms':
    case 'test':
      return channelId;
    default:
      return 'other';
  }
}

export abstract class JourneyDialog extends InterruptibleDialog {
  protected async promptConsent(step: WaterfallStepContext<JourneyState>, prompt: string): Promise<DialogTurnResult> {
    if (step.options.consentAt) return step.next(true);
    const notice = wording.isShortForm(step.context.activity.channelId) ? wording.sms.privacyNotice : wording.consent.privacyNotice;
    await step.context.sendActivity(notice(this.deps.profile.name, this.deps.profile.retention));
    return step.prompt(PromptIds.confirm, { prompt, retryPrompt: wording.consent.retry });
  }

  /** Returns false (and ends the journey politely) when the resident said no to consent. */
  protected async recordConsent(step: WaterfallStepContext<JourneyState>): Promise<boolean> {
    if (step.result !== true) {
      await step.context.sendActivity(wording.consent.declined);
      return false;
    }
    step.options.consentAt ??= this.deps.clock.now().toISOString();
    return true;
  }

  protected async promptSummary(step: WaterfallStepContext<JourneyState>, lines: SummaryLine[]): Promise<DialogTurnResult> {
    await step.context.sendActivity(summaryMessage(step.context.activity.channelId, lines));
    return step.prompt(PromptIds.choice, {
      prompt: wording.summary.confirmPrompt,
      retryPrompt: wording.summary.retry,
      choices: toChoices(confirmOptions),
    });
  }

  protected wantsChange(step: WaterfallStepContext<JourneyState>): boolean {
    return (step.result as FoundChoice).value === 'change';
  }

  protected async promptWhichToChange<S>(step: WaterfallStepContext<JourneyState>, change: ChangeTable<S>): Promise<DialogTurnResult> {
    return step.prompt(PromptIds.choice, {
      prompt: wording.summary.whichPrompt,
      retryPrompt: wording.summary.whichRetry,
      choices: toChoices(Object.entries(change).map(([value, { label }]) => ({ value, label }))),
    });
  }

  /** Forgets the answers behind the chosen summary line and runs the waterfall again: only those are re-asked. */
  protected async applyChange<S extends JourneyState>(step: WaterfallStepContext<S>, change: ChangeTable<S>, waterfallId: string): Promise<DialogTurnResult> {
    const state = step.options;
    for (const key of change[(step.result as FoundChoice).value]?.clears ?? []) delete state[key];
    return step.replaceDialog(waterfallId, state);
  }

  protected async submit(
    step: WaterfallStepContext<JourneyState>,
    answers: ReferralAnswers,
    contact: ContactDetails,
    options: { partial?: boolean; extraUrgency?: UrgencyReason[]; preferredLanguage?: string; consentWordingVersion?: string } = {},
  ): Promise<Referral> {
    const conversationId = (step.context.turnState.get(TurnKeys.conversationId) as string | undefined) ?? step.context.activity.conversation.id;
    const flagged = (step.context.turnState.get(TurnKeys.urgency) as UrgencyReason[] | undefined) ?? [];
    const { referral } = await this.deps.referrals.submitReferral(
      {
        kind: answers.kind,
        answers,
        contact,
        consent: {
          given: true,
          wordingVersion: options.consentWordingVersion ?? wording.PRIVACY_WORDING_VERSION,
          at: step.options.consentAt ?? this.deps.clock.now().toISOString(),
        },
        channel: channelOf(step.context.activity.channelId),
        conversationId,
        urgencyReasons: [...flagged, ...(options.extraUrgency ?? [])],
        partial: options.partial ?? false,
        preferredLanguage: options.preferredLanguage ?? null,
      },
      `${conversationId}:${step.options.journeyKey}`,
    );
    return referral;
  }

  protected serviceLevelHours(referral: Referral): number {
    const levels = this.deps.profile.serviceLevels[referral.kind];
    return referral.urgent ? levels.urgentHours : levels.standardHours;
  }
}

export function toContactDetails(answers: ContactAnswers): ContactDetails {
  return {
    anonymous: false,
    name: answers.name,
    method: answers.method,
    ...(answers.phone ? { phone: answers.phone } : {}),
    ...(answers.email ? { email: answers.email } : {}),
    bestTime: answers.bestTime,
  };
}

export function contactSummary(contact: ContactAnswers): SummaryLine[] {
  const lines: SummaryLine[] = [
    [wording.summaryLabels.name, contact.name],
    [wording.summaryLabels.contactMethod, wording.contact.methodLabels[contact.method]],
  ];
  if (contact.phone) lines.push([wording.summaryLabels.phone, contact.phone]);
  if (contact.email) lines.push([wording.summaryLabels.email, contact.email]);
  lines.push([wording.summaryLabels.bestTime, wording.contact.bestTimeLabels[contact.bestTime]]);
  return lines;
}
