/**
 * A council profile: everything that differs between councils, as data. See councils/<id>/.
 */
import type { BefriendingInterest, CostOfLivingNeed, ReferralKind } from '../referrals/model';
import type { CouncilSafeguarding } from '../safeguarding/councilBook';

export interface Ward {
  /** ONS GSS code, e.g. E05012996. */
  code: string;
  name: string;
}

/** One day's opening, in the council's local time (Europe/London). */
export interface OpeningHours {
  /** 0 = Sunday … 6 = Saturday, as Date#getDay. */
  day: number;
  opens: string; // "09:00"
  closes: string; // "17:00"
}

export interface HubContact {
  name: string;
  phone: string;
  /** Phone number in E.164 for tel: links. */
  phoneE164: string;
  email: string;
  address: string;
  website: string;
  openingHours: OpeningHours[];
}

/** Hours from submission until the hub should have made contact, by kind and urgency. */
export type ServiceLevels = Record<ReferralKind, { standardHours: number; urgentHours: number }>;

/** A service from the directory in the shape the journeys need (the source of truth is Open Referral UK JSON). */
export interface DirectoryService {
  id: string;
  name: string;
  description: string;
  organisation: string;
  phone: string | null;
  email: string | null;
  url: string | null;
  /** Human-readable opening times, e.g. "Mon to Fri 10am to 2pm". */
  schedule: string | null;
  /** Which cost-of-living needs or befriending interests it serves, from its taxonomy terms. */
  needs: (CostOfLivingNeed | BefriendingInterest | 'befriending')[];
  /** Ward codes it serves; empty means borough-wide. */
  wardCodes: string[];
}

/** Where a referral's ward came from, as recorded on the referral. */
export type WardSource = 'postcode-table' | 'postcodes.io' | 'onspd';

/** A ward found for a postcode, and where the answer came from ('postcode-table' when not said). */
export interface WardMatch extends Ward {
  source?: WardSource;
}

export interface PostcodeLookup {
  /** The ward for a normalised postcode (e.g. "S60 1AE"), or null when the table does not know it. */
  wardFor(postcode: string): Promise<WardMatch | null>;
}

export interface CouncilProfile {
  id: string;
  /** e.g. "Rotherham Metropolitan Borough Council" */
  name: string;
  shortName: string;
  /** Local authority GSS code, e.g. E08000018. */
  ladCode: string;
  wards: Ward[];
  hub: HubContact;
  serviceLevels: ServiceLevels;
  directory: {
    /** True when the shipped directory is illustrative and must be replaced before go-live. */
    exampleData: boolean;
    services: DirectoryService[];
  };
  postcodes: PostcodeLookup;
  wardByCode(code: string): Ward | null;
  /** The safeguarding phrase book in force: the shipped book with councils/<id>/safeguarding.json laid over it. */
  safeguarding: CouncilSafeguarding;
  /** profile.json "languages". */
  languages: LanguageSettings;
  /** profile.json "retention": how long personal data is kept (services/retention.ts). */
  retention: RetentionSettings;
}

/** Retention periods; the defaults are in services/council/loadProfile.ts and the README. */
export interface RetentionSettings {
  /** Closed, referred-on and withdrawn referrals are anonymised (or erased) this many months after their last change. */
  closedReferralMonths: number;
  /** anonymise: keep kind, ward, dates and outcome for statistics; erase: delete the referral outright. */
  closedReferralAction: 'anonymise' | 'erase';
  /** Bot conversation state not written for this many days is deleted (the resident starts afresh). */
  conversationStateDays: number;
  /** Inbound and outbound SMS rows (once settled) are deleted after this many days. */
  smsDays: number;
  /** Embedded Direct Line conversation logs not written for this many days are deleted. */
  directLineLogDays: number;
  /** Live handoff transcripts (services/handoff) this many days after the chat ended are deleted. */
  handoffTranscriptDays: number;
}

export interface LanguageSettings {
  /**
   * Reply in a resident's language with translations no qualified translator has reviewed yet. When false, the
   * bot says in plain English that a worker can call back with an interpreter. See dialogs/translations.ts.
   */
  useUnreviewedTranslations: boolean;
}
