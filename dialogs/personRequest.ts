/**
 * "Speak to a person", wherever it is said. Crisis wording has already been sent by the bot if it was needed (the
 * safeguarding check runs before any dialog). In opening hours the resident joins the live queue and hears the likely
 * wait; out of hours they hear when the hub opens, and the bot then offers a call-back (personCallbackDialog).
 */
import type { DialogContext, DialogInstance, DialogState } from 'botbuilder-dialogs';
import { isOpenAt, openingHoursText } from '../services/council/loadProfile';
import { describeOpening, nextOpening } from '../services/council/nextOpening';
import type { DialogDeps } from './deps';
import { TurnKeys } from './ids';
import * as wording from './wording';

export type PersonAnswer = 'queued' | 'closed' | 'contact';

export async function askForPerson(dc: DialogContext, deps: DialogDeps): Promise<PersonAnswer> {
  const { context } = dc;
  const { hub } = deps.profile;
  const now = deps.clock.now();
  const conversationId = context.turnState.get(TurnKeys.conversationId) as string | undefined;
  await deps.referrals.recordPersonRequest(conversationId ?? 'unknown', context.activity.channelId);
  const sms = wording.isShortForm(context.activity.channelId);

  if (!isOpenAt(hub, now)) {
    const opens = nextOpening(hub, now);
    const when = opens ? describeOpening(opens, now) : null;
    await context.sendActivity(sms ? wording.handoff.closedSms(hub, when) : wording.handoff.closed(hub, when, openingHoursText(hub)));
    context.turnState.set(TurnKeys.offerCallback, true);
    return 'closed';
  }
  if (!deps.handoffs) {
    await context.sendActivity(wording.person.contact(hub, openingHoursText(hub), true));
    return 'contact';
  }
  const place = await deps.handoffs.join(context, journeyAnswers(dc.stack));
  if (!place.created) await context.sendActivity(wording.handoff.alreadyQueued(place.position, place.waitMinutes));
  else await context.sendActivity(sms ? wording.handoff.queuedSms(place.position, place.waitMinutes) : wording.handoff.queued(hub, place.position, place.waitMinutes, openingHoursText(hub)));
  return 'queued';
}

const SKIP = new Set(['journeyKey', 'consentAt', 'openingText']);

/** The answers the journeys on the stack hold so far (waterfall options), for the worker who joins. */
export function journeyAnswers(stack: readonly DialogInstance[]): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const instance of stack) {
    const state = instance.state as { options?: unknown; dialogs?: DialogState } | undefined;
    const options = state?.options;
    if (options && typeof options === 'object' && !Array.isArray(options)) {
      for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
        if (SKIP.has(key) || value === undefined || value === null) continue;
        if (['string', 'number', 'boolean'].includes(typeof value) || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) answers[key] = value;
      }
    }
    Object.assign(answers, journeyAnswers(state?.dialogs?.dialogStack ?? []));
  }
  return answers;
}
