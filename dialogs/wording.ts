/**
 * Everything the bot says to residents, in one place, so that the hub, the council's communications team and its
 * safeguarding lead can review it (and later translate it) without reading any flow logic.
 *
 * Plain English: short sentences, "we" for the hub, no jargon. Crisis wording is fixed and approved: change it
 * only with the council's safeguarding lead, and bump {@link CRISIS_WORDING_VERSION}.
 */
import { spokenTime } from '../services/council/loadProfile';
import type { CouncilProfile, DirectoryService, HubContact, RetentionSettings } from '../services/council/types';
import { describeMonths, fillTemplate, type CouncilWordingId } from '../services/council/wording';
import type { Signpost } from '../services/directory/liveDirectory';
import { DAY_NAMES, londonDay, type Opening } from '../services/directory/openingTimes';
import { fill, retentionPeriodIn, type LanguageWording } from './translations';
import type {
  AsbType,
  BefriendingInterest,
  BestTime,
  ContactMethod,
  CostOfLivingNeed,
  ReferralKind,
} from '../services/referrals/model';

/** Recorded with each consent so the hub knows exactly which notice the resident agreed to. */
export const PRIVACY_WORDING_VERSION = 'privacy-2026-11-v2';
/** Recorded with an ASB reporter's answer about sharing their contact details (`asb.sharePrompt`). */
export const SHARING_WORDING_VERSION = 'asb-sharing-2026-11-v1';
/** v2 adds the follow-up check-in and the call-back offer after a risk (`safeguardingFollowUp` below). */
export const CRISIS_WORDING_VERSION = 'crisis-2026-11-v2';

/** Fixed, approved wording. Nothing here is generated or varied. */
export const crisis = {
  suicideSelfHarm: [
    "I'm really sorry you're feeling like this. You don't have to cope on your own.",
    'If your life is at risk right now, call 999.',
    'You can talk to Samaritans any time, day or night, free: call 116 123.',
    'If you would rather text, text SHOUT to 85258.',
    'You can also call NHS 111 and choose the mental health option.',
  ].join('\n'),
  danger: [
    'If you or someone else is in danger right now, call 999 now.',
    'If you cannot speak, call 999 and then press 55 when asked, so the police know it is an emergency.',
    'If you smell gas, leave the building and call 0800 111 999.',
  ].join('\n'),
  afterwards: 'When you feel ready, you can carry on here and we will make sure the hub contacts you as a priority.',
} as const;

/**
 * Fixed wording for after a risk was detected, when the resident's next message brushes it off ("no", "I'm fine"):
 * the bot asks once more, gently, and offers a call-back. Part of the crisis wording (version v2 above): it needs
 * the council safeguarding lead's sign-off like the rest, and nothing here is generated or varied.
 */
export const safeguardingFollowUp = {
  checkIn:
    "Thank you for telling me. I'm still a little worried about what you said earlier, so I'll ask once more: would you like someone from the hub to give you a call? There's no pressure.",
  options: { yes: 'Yes, please call me', no: 'No, thank you' },
  retry: 'Please choose "Yes, please call me" or "No, thank you".',
  declined:
    "That's OK. Samaritans are there any time, day or night, on 116 123, and you can message me here whenever you like. If your life is at risk, call 999.",
  callbackIntro: 'Thank you. I just need your name and a phone number so the hub can call you.',
  callbackDone: (reference: string) =>
    `Thank you. Someone from the hub will call you as soon as they can. Your reference is ${reference}. If you feel unsafe before then, call 999, or Samaritans on 116 123.`,
  callbackConsentDeclined: 'That is fine. Nothing has been sent to the hub. Samaritans are there any time on 116 123. If your life is at risk, call 999.',
} as const;

/**
 * For a resident who wrote in another language when the council does not use unreviewed translations, or in a
 * language we have no translation for: the same offer in plain English. Same shape as dialogs/translations.ts.
 */
export const interpreter: LanguageWording = {
  locale: 'en-GB',
  direction: 'ltr',
  reviewed: true,
  intro:
    'Hello, this is the {hubName}. If English is not your first language, a hub worker can call you back with an interpreter. You can also call us on {hubPhone}. What would you like help with? In an emergency, call 999.',
  options: { befriending: 'Someone to talk to', costOfLiving: 'Help with the cost of living', english: 'Carry on in English' },
  needsPrompt: 'What do you need help with?',
  needs: { food: 'Food', energy: 'Energy and heating', 'money-advice': 'Money and debt advice', 'housing-costs': 'Housing costs' },
  namePrompt: 'What is your name?',
  nameRetry: 'Sorry, please type a name using letters (up to 100 characters).',
  phonePrompt: 'What phone number should we call you on?',
  phoneRetry: 'Sorry, that does not look like a UK phone number. Please type it like 07700 900123 or {exampleLandline}.',
  privacyNotice:
    'Privacy: {councilName} will use these details only to arrange the help you asked for. Hub staff will see them. {retention}',
  consentPrompt: 'Do you agree to the hub keeping these details and calling you?',
  yes: 'Yes',
  no: 'No',
  yesAlso: ['yes', 'y', 'yeah', 'ok', 'i agree'],
  noAlso: ['no', 'n', 'no thanks'],
  consentRetry: 'Please answer yes or no.',
  choiceRetry: 'Please choose one of the options.',
  declined: 'That is fine. Nothing has been sent to the hub. You can call us at any time on {hubPhone}.',
  done: 'Thank you. Your reference is {reference}. A hub worker will call you back with an interpreter.',
};

/**
 * The privacy notice for a resident answering in the language of `w`, with the council's name and retention period,
 * and the wording it is in: the translation when it can say the period, otherwise the English `interpreter` notice
 * (never a translation that gives the wrong period).
 */
export function privacyNoticeFor(
  w: LanguageWording,
  profile: Pick<CouncilProfile, 'name' | 'shortName' | 'hub' | 'examples' | 'retention'>,
): { text: string; wording: LanguageWording } {
  const placeholders = profilePlaceholders(profile);
  if (w !== interpreter) {
    const period = retentionPeriodIn(w, profile.retention.closedReferralMonths);
    const text = period === null ? null : fill(w.privacyNotice, { ...placeholders, keepFor: period, keepForShort: period });
    if (text !== null && !/\{[A-Za-z]+\}/.test(text)) return { text, wording: w };
  }
  return { text: fill(interpreter.privacyNotice, { ...placeholders, retention: retention.afterClosed(profile.retention) }), wording: interpreter };
}

/**
 * The wording a council may replace in its profile.json `wording` (ids and placeholders: services/council/wording.ts),
 * in English as shipped. Placeholders are filled from the profile by {@link councilText}, so nothing here names a
 * council: its name, hub, examples and retention period come from councils/<id>/.
 */
export const councilWordingDefaults = {
  'general.welcome':
    'Hello, this is the {hubName}. I can help you find someone to talk to, get help with the cost of living, or report anti-social behaviour.',
  'sms.welcome': '{hubName}. We can find you someone to talk to, help with the cost of living, or take a report of anti-social behaviour.',
  'befriending.intro': 'We can put you in touch with a friendly volunteer or local groups. I just need to ask a few questions.',
  'asb.passedOn': 'The hub will pass your report to the community safety team and ward councillors within {within}.',
  'asb.consentAnonymous': 'Do you agree to the hub keeping this report and sharing it with the community safety team?',
  'postcode.retry': 'Sorry, that does not look like a UK postcode. Please type it like {examplePostcode}.',
  'contact.phoneRetry': 'Sorry, that does not look like a UK phone number. Please type it like 07700 900123 or {exampleLandline}.',
  'consent.privacyNotice': [
    'Privacy: {councilName} will use these details only to arrange the help you asked for.',
    'Hub staff will see them, and may share them with a partner organisation if you need their help.',
    'We keep them for {keepForShort} after your request is closed, then {thenAction}.',
    'You can ask to see or delete your details at any time by contacting the hub.',
  ].join(' '),
  'sms.privacyNotice':
    'Privacy: {councilName} uses your details only to arrange this help and shares them only with partners who help you. We keep them {keepForShort} after your request is closed, then {thenAction}.',
} as const satisfies Record<CouncilWordingId, string>;

/** The placeholders every council template can use, from the profile. */
export function profilePlaceholders(
  profile: Pick<CouncilProfile, 'name' | 'shortName' | 'hub' | 'examples' | 'retention'>,
): Record<string, string> {
  return {
    hubName: profile.hub.name,
    hubPhone: profile.hub.phone,
    hubEmail: profile.hub.email,
    councilName: profile.name,
    councilShortName: profile.shortName,
    examplePostcode: profile.examples.postcode,
    exampleLandline: profile.examples.landline,
    keepFor: describeMonths(profile.retention.closedReferralMonths),
    keepForShort: describeMonths(profile.retention.closedReferralMonths, true),
    thenAction: retention.then(profile.retention),
  };
}

/** The council's wording for `id` (its override, or the default), with placeholders filled. */
export function councilText(
  profile: Pick<CouncilProfile, 'name' | 'shortName' | 'hub' | 'examples' | 'retention' | 'wording'>,
  id: CouncilWordingId,
  values: Readonly<Record<string, string>> = {},
): string {
  return fillTemplate(profile.wording[id] ?? councilWordingDefaults[id], { ...profilePlaceholders(profile), ...values });
}

export const general = {
  menuPrompt: 'What would you like help with today?',
  menuRetry: 'Sorry, I did not catch that. Please choose one of the options, or tell me in a few words what you need.',
  menuOptions: {
    befriending: 'Someone to talk to',
    'cost-of-living': 'Help with the cost of living',
    asb: 'Report anti-social behaviour',
  } satisfies Record<ReferralKind, string>,
  anythingElse: 'If there is anything else, just send me a message.',
  cancelled: 'OK, I have stopped that. Nothing has been sent to the hub.',
  help: (journey: string | null) =>
    [
      journey ? `You are ${journey}.` : 'I can help you find someone to talk to, get help with the cost of living, or report anti-social behaviour.',
      'You can type "start again" at any time, or "speak to a person" to contact the hub.',
      'If anyone is in danger, call 999.',
    ].join('\n'),
  carryOn: "Let's carry on.",
  turnError: (hubPhone: string) =>
    `Sorry, something went wrong on our side. What you have told me so far is safe. Please send your last message again, or call the hub on ${hubPhone}.`,
  emptyMessage: 'Sorry, I can only read text messages. Please type your answer.',
} as const;

export const person = {
  contact: (hub: HubContact, hoursText: string, openNow: boolean) =>
    [
      `You can speak to someone at ${hub.name} on ${hub.phone}${openNow ? ' (open now)' : ''}, or email ${hub.email}.`,
      `Opening hours: ${hoursText}.`,
      openNow ? '' : 'We are closed at the moment. You can carry on here and we will call you back when we open.',
      'If anyone is in danger, call 999.',
    ]
      .filter(Boolean)
      .join('\n'),
} as const;

/**
 * Live handoff to a hub worker ("speak to a person"). In hours the resident joins a live queue with a wait estimate;
 * out of hours they hear when the hub opens and are offered a call-back. Short forms for SMS where the web form is long.
 */
export const handoff = {
  queued: (hub: HubContact, position: number, waitMinutes: number, hoursText: string) =>
    [
      `I have asked for someone from the hub to join this chat. You are number ${position} in the queue and the wait is likely to be about ${minutes(waitMinutes)}.`,
      'While you wait, you can carry on here. When a hub worker joins, I will let you know and stay quiet while you talk.',
      `You can also call ${hub.name} on ${hub.phone} (open now). Opening hours: ${hoursText}.`,
      'If anyone is in danger, call 999.',
    ].join('\n'),
  queuedSms: (position: number, waitMinutes: number) =>
    `A hub worker will join this chat soon: you are number ${position} in the queue, about ${minutes(waitMinutes)}. Carry on here while you wait. In danger? Call 999.`,
  alreadyQueued: (position: number, waitMinutes: number) =>
    position > 0
      ? `You are already in the queue (number ${position}, about ${minutes(waitMinutes)}). A hub worker will join this chat soon.`
      : 'A hub worker is already with you in this chat.',
  closed: (hub: HubContact, opens: string | null, hoursText: string) =>
    [
      `We are closed at the moment${opens ? `; we open again ${opens}` : ''}. Opening hours: ${hoursText}.`,
      `You can call ${hub.name} on ${hub.phone} then, or email ${hub.email}.`,
      'If anyone is in danger, call 999.',
    ].join('\n'),
  closedSms: (hub: HubContact, opens: string | null) =>
    `The hub is closed${opens ? ` and opens ${opens}` : ''}. Call ${hub.phone} then. In danger? Call 999.`,
  callbackOffer: 'Would you like the hub to call you back when it opens?',
  callbackOptions: { yes: 'Yes, call me back', no: 'No, thank you' },
  callbackRetry: 'Please choose "Yes, call me back" or "No, thank you".',
  callbackIntro: 'I just need your name and a phone number so the hub can call you.',
  callbackDone: (reference: string) => `Thank you. Someone from the hub will call you back after we open. Your reference is ${reference}.`,
  callbackDeclined: "That's fine. If there is anything else, just send me a message.",
  callbackConsentDeclined: 'That is fine. Nothing has been sent to the hub.',
  accepted: 'A hub worker has joined the chat. You are now talking to a person. The automated assistant will stay quiet until they finish.',
  acceptedSms: 'A hub worker has joined. You are now texting a person.',
  endedByWorker:
    'The hub worker has ended the chat. You are talking to the automated assistant again: type "start again" for the menu, or "speak to a person" to ask for someone.',
  endedByWorkerSms: 'The hub worker has ended the chat. You are texting the automated assistant again. Text "start again" for the menu.',
  waitTimedOut: (hub: HubContact) =>
    `Sorry, nobody from the hub could join the chat in time. You are talking to the automated assistant again. Type "speak to a person" to try again, or call ${hub.phone}. Out of hours we can arrange a call-back.`,
  waitTimedOutSms: (hub: HubContact) => `Sorry, nobody could join in time. Call ${hub.phone}, or text "speak to a person" to try again.`,
  idleTimedOut: 'This chat with the hub worker has ended because nobody has written for a while. You are talking to the automated assistant again.',
  idleTimedOutSms: 'The chat with the hub worker has ended. You are texting the automated assistant again.',
  failed: (hub: HubContact) => `Sorry, we could not connect you to a hub worker. You are talking to the automated assistant again. You can call ${hub.phone}.`,
} as const;

function minutes(n: number): string {
  return n === 1 ? '1 minute' : `${n} minutes`;
}

const contactMethodLabels: Record<ContactMethod, string> = { phone: 'Phone call', sms: 'Text message', email: 'Email' };
const bestTimeLabels: Record<BestTime, string> = {
  morning: 'Morning',
  afternoon: 'Afternoon',
  evening: 'Early evening',
  any: 'Any time',
};

export const contact = {
  nameForSelf: 'What is your name?',
  nameForOther: 'What is their name?',
  nameRetry: 'Sorry, please type a name using letters (up to 100 characters).',
  methodPrompt: (forOther: boolean) =>
    forOther ? 'How should the hub contact them?' : 'How would you like the hub to contact you?',
  methodRetry: 'Please choose phone call, text message or email.',
  methodLabels: contactMethodLabels,
  phonePrompt: (forOther: boolean) => (forOther ? 'What is their phone number?' : 'What is your phone number?'),
  mobilePrompt: (forOther: boolean) => (forOther ? 'What is their mobile number?' : 'What is your mobile number?'),
  // phoneRetry: councilText(profile, 'contact.phoneRetry'), with the council's example landline.
  mobileRetry: 'Sorry, that does not look like a UK mobile number. Please type it like 07700 900123.',
  emailPrompt: (forOther: boolean) => (forOther ? 'What is their email address?' : 'What is your email address?'),
  emailRetry: 'Sorry, that does not look like an email address. Please type it like name@example.com.',
  bestTimePrompt: 'When is the best time to get in touch?',
  bestTimeRetry: 'Please choose morning, afternoon, early evening or any time.',
  bestTimeLabels,
} as const;

export const postcode = {
  prompt: (forOther: boolean) => (forOther ? 'What is their postcode?' : 'What is your postcode?'),
  // retry: councilText(profile, 'postcode.retry'), with the council's example postcode.
} as const;

/**
 * What residents are told about how long their details are kept, built from the council profile's retention settings
 * (services/retention.ts does what they say): "2 years" and "remove anything that identifies you" when the council
 * anonymises, "delete them" when it erases. Changing the sentences here needs a new PRIVACY_WORDING_VERSION.
 */
export const retention = {
  period: (months: number): string =>
    months % 12 === 0 ? `${months / 12} ${months === 12 ? 'year' : 'years'}` : `${months} ${months === 1 ? 'month' : 'months'}`,
  /** "delete them" or "remove anything that identifies you", after "then". */
  then: (r: RetentionSettings): string => (r.closedReferralAction === 'erase' ? 'delete them' : 'remove anything that identifies you'),
  afterClosed: (r: RetentionSettings): string =>
    `We keep them for ${retention.period(r.closedReferralMonths)} after your request is closed, then ${retention.then(r)}.`,
  chatPage: (r: RetentionSettings): string =>
    `We keep your request and the answers you give here for ${retention.period(r.closedReferralMonths)} after your request is closed, then ${retention.then(r)}. The record of this chat itself is deleted ${r.directLineLogDays} days after it was last used.`,
};

export const consent = {
  // privacyNotice: councilText(profile, 'consent.privacyNotice'), with the council's retention period.
  prompt: 'Do you agree to the hub keeping these details and contacting you?',
  promptForOther: 'Do you agree to the hub keeping these details and contacting them?',
  retry: 'Please answer yes or no.',
  declined: 'That is fine. Nothing has been sent to the hub. You can call the hub instead at any time.',
} as const;

export const summary = {
  intro: 'Please check this is right:',
  confirmPrompt: 'Shall I send this to the hub?',
  confirmOptions: { send: 'Yes, send it', change: 'Change something' },
  retry: 'Please choose "Yes, send it" or "Change something".',
  whichPrompt: 'What would you like to change?',
  whichRetry: 'Please choose one of the options.',
} as const;

export const befriending = {
  journeyName: 'asking for someone to talk to (befriending)',
  // intro: councilText(profile, 'befriending.intro').
  forWhomPrompt: 'Is this for you, or for someone else?',
  forWhomOptions: { self: 'For me', 'someone-else': 'For someone else' },
  forWhomRetry: 'Please choose "For me" or "For someone else".',
  agreedPrompt: 'Have they agreed to you asking us to contact them?',
  agreedRetry: 'Please answer yes or no.',
  notAgreed:
    'We can only contact someone who has agreed to it. Please talk to them first, then come back to us, or give them the hub number so they can call us.',
  interestsPrompt: (forOther: boolean) =>
    `What would ${forOther ? 'they' : 'you'} enjoy? You can choose more than one, for example "1 and 3".`,
  interestsRetry: 'Sorry, please choose one or more: a regular phone call, a visit, or groups and activities nearby.',
  interestLabels: {
    'phone-call': 'A regular phone call',
    visit: 'A visit at home',
    groups: 'Groups and activities nearby',
  } satisfies Record<BefriendingInterest, string>,
  needsPrompt: (forOther: boolean) =>
    `Is there anything that would help ${forOther ? 'them' : 'you'}, like access needs or a language other than English? Type it, or type "no".`,
  needsRetry: 'Please keep it to 500 characters or fewer, or type "no".',
  meanwhileIntro: (forOther: boolean) => `In the meantime, these are near ${forOther ? 'them' : 'you'}:`,
  nextSteps: (reference: string, hub: HubContact, withinHours: number, urgent: boolean) =>
    [
      `Thank you. Your reference is ${reference}.`,
      urgent
        ? 'Someone from the hub will be in touch as soon as possible.'
        : `Someone from the hub will contact you within ${describeHours(withinHours)} to talk about what would suit you best.`,
      `If you need us sooner, call ${hub.phone} and give your reference.`,
    ].join('\n'),
} as const;

export const costOfLiving = {
  journeyName: 'asking for help with the cost of living',
  needsPrompt: 'What do you need help with? You can choose more than one, for example "1 and 2".',
  needsRetry: 'Sorry, please choose one or more: food, energy and heating, money and debt advice, warm spaces, or housing costs.',
  needLabels: {
    food: 'Food',
    energy: 'Energy and heating',
    'money-advice': 'Money and debt advice',
    'warm-spaces': 'Warm spaces',
    'housing-costs': 'Housing costs',
  } satisfies Record<CostOfLivingNeed, string>,
  signpostIntro: 'These services can help now:',
  signpostExampleNote: '(These are example listings while the council sets up its directory.)',
  nearYouIntro: 'Near you there is also:',
  noServices: 'I could not find a listed service for that, but the hub can help.',
  callbackPrompt: 'Would you like someone from the hub to call you back to talk it through?',
  callbackRetry: 'Please answer yes or no.',
  noCallback: (hub: HubContact) => `OK. If you change your mind, call the hub on ${hub.phone} or message me again.`,
  notesPrompt: 'Is there anything else the hub should know before they contact you? Type it, or type "no".',
  notesRetry: 'Please keep it to 1,000 characters or fewer, or type "no".',
  nextSteps: (reference: string, hub: HubContact, withinHours: number, urgent: boolean) =>
    [
      `Thank you. Your reference is ${reference}.`,
      urgent
        ? 'Someone from the hub will be in touch as soon as possible.'
        : `Someone from the hub will contact you within ${describeHours(withinHours)}.`,
      `If things get worse before then, call ${hub.phone} and give your reference.`,
    ].join('\n'),
} as const;

export const asb = {
  journeyName: 'reporting anti-social behaviour',
  typePrompt: 'What kind of problem is it?',
  typeRetry: 'Please choose one of the options, or type "other".',
  typeLabels: {
    noise: 'Noise',
    vandalism: 'Vandalism or damage',
    drugs: 'Drug activity',
    intimidation: 'Intimidation or harassment',
    vehicles: 'Vehicles',
    other: 'Something else',
  } satisfies Record<AsbType, string>,
  wherePrompt: 'Where is it happening? Type a street, a landmark or a postcode.',
  whereRetry: 'Please tell me the street, landmark or postcode in 300 characters or fewer.',
  whenPrompt: 'When is it happening?',
  whenRetry: 'Please choose one of the options.',
  whenLabels: { now: 'Happening now', 'earlier-today': 'Earlier today', ongoing: 'It keeps happening' },
  frequencyPrompt: 'How often does it happen?',
  frequencyLabels: {
    daily: 'Every day',
    'few-times-a-week': 'A few times a week',
    weekly: 'About once a week',
    'less-often': 'Less often',
  },
  dangerPrompt: 'Is anyone in danger right now?',
  dangerRetry: 'Please answer yes or no. If anyone is in danger, call 999 now.',
  dangerCall999: 'Please call 999 now. The police can act straight away; the hub cannot.',
  keepDraftPrompt: 'Would you like us to keep what you have told us as an urgent report for the hub?',
  draftKept: (reference: string) => `I have saved it as an urgent report. Your reference is ${reference}. Please call 999 now if you have not already.`,
  draftDiscarded: 'OK, nothing has been saved. Please call 999 now if you have not already.',
  descriptionPrompt: 'Please describe what is happening. Include anything that would help, like times or descriptions of vehicles.',
  descriptionRetry: 'Please describe it in 1,000 characters or fewer.',
  anonymousPrompt: 'Would you like to report this anonymously, or give your contact details so the hub can update you?',
  anonymousOptions: { anonymous: 'Report anonymously', contact: 'Give my contact details' },
  anonymousRetry: 'Please choose "Report anonymously" or "Give my contact details".',
  // consentAnonymous: councilText(profile, 'asb.consentAnonymous').
  sharePrompt: (bodyName: string) =>
    `May the hub share your name and contact details with ${bodyName}, so they can contact you about this report? If you say no, they will get the report without your details.`,
  shareRetry: 'Please answer yes or no.',
  shareSummary: (bodyName: string) => `Share my details with ${bodyName}`,
  /** `passedOn`: councilText(profile, 'asb.passedOn', { within }). */
  nextSteps: (reference: string, passedOn: string, anonymous: boolean) =>
    [
      `Thank you. Your reference is ${reference}.`,
      passedOn,
      anonymous ? 'As you reported anonymously, we will not contact you about it.' : 'We will let you know what happens.',
      'For police matters that are not an emergency, call 101. If anyone is in danger, call 999.',
    ].join('\n'),
} as const;

export const validation = {
  tooLong: (max: number) => `Please keep it to ${max.toLocaleString('en-GB')} characters or fewer.`,
} as const;

export function describeHours(hours: number): string {
  if (hours <= 24) return `${hours} hours`;
  const days = Math.round(hours / 24);
  return days === 1 ? '1 day' : `${days} days`;
}

/** A directory listing in a few lines: name, what it is, how to reach it, when. */
export function describeService(service: DirectoryService): string {
  const lines = [`${service.name}: ${service.description}`];
  const reach = [service.phone && `call ${service.phone}`, service.url].filter(Boolean).join(' or ');
  if (reach) lines.push(`  ${reach.charAt(0).toUpperCase()}${reach.slice(1)}`);
  if (service.schedule) lines.push(`  Open ${service.schedule}`);
  return lines.join('\n');
}

function sessionTimes(openings: readonly Opening[]): string {
  return openings.map((o) => `${spokenTime(o.opens)} to ${spokenTime(o.closes)}`).join(' and ');
}

/** "Wednesday" within the coming week, "Tuesday 1 December" beyond it; short: "Wed", "Tue 1 Dec". */
function dayOf(opening: Opening, now: Date, short = false): string {
  const today = londonDay(now).date;
  const days = Math.round((Date.parse(`${opening.date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  if (days === 1) return 'tomorrow';
  const cut = (word: string): string => (short ? word.slice(0, 3) : word);
  const name = cut(DAY_NAMES[opening.weekday] ?? '');
  if (days < 7) return name;
  const [, month = 1, day = 1] = opening.date.split('-').map(Number);
  return `${name} ${day} ${cut(MONTHS[month - 1] ?? '')}`;
}
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Distance in miles, as UK residents judge it; a postcode centroid is only roughly where someone lives. */
export function describeDistance(km: number): string {
  const miles = km / 1.609344;
  if (miles < 0.5) return 'under half a mile away';
  return `about ${miles < 10 ? miles.toFixed(1) : Math.round(miles)} miles away`;
}

/** Whether it is open today, or when next: "Open today 10am to 1pm", "Next open Wednesday 10am to 1pm". */
export function describeToday(signpost: Signpost, now: Date): string | null {
  if (signpost.openToday.length > 0) return `Open today ${sessionTimes(signpost.openToday)}`;
  if (signpost.nextOpening) return `Next open ${dayOf(signpost.nextOpening, now)} ${sessionTimes([signpost.nextOpening])}`;
  return null;
}

/** A listing for a resident: the service as describeService shows it, then today's opening and how far it is. */
export function describeSignpost(signpost: Signpost, now: Date): string {
  const extra = [describeToday(signpost, now), signpost.distanceKm === null ? null : describeDistance(signpost.distanceKm)].filter(Boolean);
  const base = describeService(signpost.service);
  return extra.length > 0 ? `${base}\n  ${extra.join(', ')}` : base;
}

export const summaryLabels = {
  forWhom: 'For',
  name: 'Name',
  contactMethod: 'Contact by',
  phone: 'Phone',
  email: 'Email',
  bestTime: 'Best time',
  postcode: 'Postcode',
  interests: 'Would enjoy',
  accessNeeds: 'Other needs',
  needs: 'Help with',
  notes: 'Anything else',
  asbType: 'Problem',
  location: 'Where',
  when: 'When',
  description: 'What is happening',
  anonymous: 'Anonymous',
} as const;

/**
 * SMS-only wording: keyword replies, and short forms where the web wording is long. Texts cost the council per
 * 153 characters, and long texts arrive in pieces on older phones.
 */
export const sms = {
  help: (hub: HubContact, hoursText: string) =>
    `${hub.name}: call ${hub.phone} (${hoursText}) or email ${hub.email}. In an emergency call 999. Reply STOP to stop texts.`,
  optedIn: (hub: HubContact) => `You will get texts from ${hub.name} again. Send us a message to start, or reply STOP to stop.`,
  slowDown: 'You have sent a lot of messages in a short time. Please wait a few minutes, or call the hub.',
  noPictures: 'Sorry, we cannot use pictures or files sent by text. Please describe it in words instead.',
  // privacyNotice and welcome: councilText(profile, 'sms.privacyNotice' | 'sms.welcome').
  asbSharePrompt: (bodyName: string) => `Can we give your name and contact details to ${bodyName} about this report? If not, they get it without them.`,
  describeService: (service: DirectoryService) => [service.name, service.phone ? `call ${service.phone}` : service.url].filter(Boolean).join(': '),
  /** The short listing plus "(open today)" or "(next open Wed)": a text has no room for hours. */
  describeSignpost: (signpost: Signpost, now: Date) => {
    const base = sms.describeService(signpost.service);
    if (signpost.openToday.length > 0) return `${base} (open today)`;
    if (signpost.nextOpening) return `${base} (next open ${dayOf(signpost.nextOpening, now, true)})`;
    return base;
  },
} as const;

/** True for channels where every character costs money: use the short forms above. */
export function isShortForm(channelId: string): boolean {
  return channelId === 'sms';
}
