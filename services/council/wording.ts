/**
 * The resident-facing wording a council may replace in profile.json `wording`, and the placeholders each may use.
 *
 * The English defaults live with the rest of the bot's words in dialogs/wording.ts (`councilWordingDefaults`); this
 * catalogue is plain data so that the profile loader can check a council's overrides at start-up, next to every
 * other problem in the profile: an unknown id or placeholder is a typo that would otherwise reach residents as
 * "{hubNmae}". Crisis and safeguarding wording is deliberately not here: it is fixed and approved
 * (dialogs/wording.ts, CRISIS_WORDING_VERSION), and a profile cannot change it.
 */

/** Filled from the profile in every template: hub name, phone and email, council names, examples, retention. */
export const PROFILE_PLACEHOLDERS = [
  'hubName',
  'hubPhone',
  'hubEmail',
  'councilName',
  'councilShortName',
  'examplePostcode',
  'exampleLandline',
  /** How long details are kept after a request is closed, in words ("two years"), from retention.closedReferralMonths. */
  'keepFor',
  /** The same in digits for texts ("2 years"). */
  'keepForShort',
  /** What happens then, from retention.closedReferralAction: "delete them" or "remove anything that identifies you". */
  'thenAction',
] as const;
export type ProfilePlaceholder = (typeof PROFILE_PLACEHOLDERS)[number];

/** Each replaceable wording id, with the placeholders it may use besides {@link PROFILE_PLACEHOLDERS}. */
export const COUNCIL_WORDING = {
  /** The first thing a web chat resident reads. */
  'general.welcome': [],
  /** The same, as a text message (keep it short: texts are charged per 153 characters). */
  'sms.welcome': [],
  'befriending.intro': [],
  /** ASB next steps: who the report goes to. {within} is the service level, e.g. "2 days". */
  'asb.passedOn': ['within'],
  /** Consent for an anonymous ASB report: who it is shared with. */
  'asb.consentAnonymous': [],
  'postcode.retry': [],
  'contact.phoneRetry': [],
  /** The privacy notice before consent, on the web (the SMS one is short and fixed in shape). */
  'consent.privacyNotice': [],
  'sms.privacyNotice': [],
} as const satisfies Record<string, readonly string[]>;
export type CouncilWordingId = keyof typeof COUNCIL_WORDING;
export const COUNCIL_WORDING_IDS = Object.keys(COUNCIL_WORDING) as CouncilWordingId[];

/** A council's overrides, checked; ids it does not override keep the English defaults. */
export type CouncilWording = Partial<Record<CouncilWordingId, string>>;

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Problems with one override, as short phrases ("uses {hubNmae}, which is not ..."); empty when it is fine. */
export function wordingProblems(id: string, template: string): string[] {
  if (!(id in COUNCIL_WORDING)) {
    return [`"${id}" is not wording a council can change; known: ${COUNCIL_WORDING_IDS.join(', ')}`];
  }
  const allowed = new Set<string>([...PROFILE_PLACEHOLDERS, ...COUNCIL_WORDING[id as CouncilWordingId]]);
  const problems: string[] = [];
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (name !== undefined && !allowed.has(name)) {
      problems.push(`uses {${name}}, which is not a placeholder here; allowed: ${[...allowed].map((p) => `{${p}}`).join(', ')}`);
    }
  }
  return problems;
}

/** Replaces `{name}` with its value; unknown names are left as they are (the loader has already refused them). */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

const NUMBER_WORDS = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/**
 * A retention period as residents read it: 24 → "two years", 12 → "one year", 18 → "18 months"; with `digits`,
 * 24 → "2 years" (for texts).
 */
export function describeMonths(months: number, digits = false): string {
  if (months % 12 === 0) {
    const years = months / 12;
    return `${digits ? String(years) : (NUMBER_WORDS[years] ?? String(years))} year${years === 1 ? '' : 's'}`;
  }
  return `${months} months`;
}
