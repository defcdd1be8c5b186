/**
 * A council profile: everything that differs between councils, as data. See councils/<id>/.
 */
import type { BefriendingInterest, CostOfLivingNeed, ReferralKind } from '../referrals/model';
import type { CouncilSafeguarding } from '../safeguarding/councilBook';
import type { CouncilWording } from './wording';

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
  /** When it opens, from its ORUK schedules, for "open today" and "next open" (UK local time). */
  sessions: ServiceSession[];
  /** Where it is delivered, from service_at_locations[].location (WGS84), for distance from a postcode. */
  locations: GeoPoint[];
}

/** A point in WGS84 degrees, as ONSPD, postcodes.io and ORUK locations give it. */
export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/**
 * One recurring opening from an ORUK schedule (an RFC 5545 rule cut down to what directories use): weekly on some
 * days (every `interval` weeks from `dtstart`), or monthly on the nth weekday ("1TU", "-1FR").
 */
export interface ServiceSession {
  /** Date#getDay numbers it opens on; with `ordinal`, which weekday of the month. */
  days: number[];
  /** Monthly only: 1..5 from the start of the month, -1..-5 from its end. */
  ordinal: number | null;
  /** Weeks between openings (2 = fortnightly), counted from `dtstart`; 1 when not said. */
  interval: number;
  /** "YYYY-MM-DD" or null. */
  dtstart: string | null;
  validFrom: string | null;
  validTo: string | null;
  opens: string; // "10:00"
  closes: string; // "13:00"
}

/** A need a directory service can meet: a cost-of-living need, a befriending interest, or befriending at all. */
export type DirectoryNeedName = CostOfLivingNeed | BefriendingInterest | 'befriending';

/** Where a referral's ward came from, as recorded on the referral. */
export type WardSource = 'postcode-table' | 'postcodes.io' | 'onspd';

/** A ward found for a postcode, and where the answer came from ('postcode-table' when not said). */
export interface WardMatch extends Ward {
  source?: WardSource;
  /** The postcode's centroid when the source has it (ONSPD-built tables with lat/long columns, postcodes.io). */
  location?: GeoPoint;
}

export interface PostcodeLookup {
  /** The ward for a normalised postcode (e.g. "S60 1AE"), or null when the table does not know it. */
  wardFor(postcode: string): Promise<WardMatch | null>;
}

/**
 * A group of wards the council works by (Middlesbrough's four Neighbourhood Model areas, a locality, a district):
 * the hub console can filter its queue by one, and digests can roll one up for the area's manager.
 */
export interface Area {
  /** Short and stable, used in URLs and the digest CLI, e.g. "north". */
  id: string;
  name: string;
  /** Ward GSS codes, each in at most one area, in wards.csv order. */
  wardCodes: string[];
}

export interface CouncilProfile {
  id: string;
  /** The folder the profile was read from (places.csv and other optional files live there too). */
  dir: string;
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
    /**
     * The ORUK records behind `services` (every status, as read) and the taxonomies with their terms, for the
     * read-only directory API. An import replaces both (services/directory/liveDirectory.ts).
     */
    oruk: { services: Record<string, unknown>[]; taxonomies: Record<string, unknown>[] };
    /**
     * profile.json "directory.taxonomyNeeds": taxonomy term (its `term` code, id or term_uri) → the need it
     * stands for. Defaults to the local codes the shipped directories use (col-food, bef-visit, ...).
     */
    taxonomyNeeds: Readonly<Record<string, DirectoryNeedName>>;
  };
  postcodes: PostcodeLookup;
  wardByCode(code: string): Ward | null;
  /** The safeguarding phrase book in force: the shipped book with councils/<id>/safeguarding.json laid over it. */
  safeguarding: CouncilSafeguarding;
  /** profile.json "languages". */
  languages: LanguageSettings;
  /** profile.json "retention": how long personal data is kept (services/retention.ts). */
  retention: RetentionSettings;
  /** profile.json "exampleData": true while the hub's contact details are placeholders. */
  exampleData: boolean;
  /** profile.json "areas": groups of wards; empty when the council does not use any. */
  areas: Area[];
  /** profile.json "areas.exampleData": true while the grouping is a guess the council has not confirmed. */
  areasAreExamples: boolean;
  /** What the council calls an area, e.g. "Neighbourhood area" or "Locality" (default "Area"). */
  areaLabel: string;
  areaById(id: string): Area | null;
  /** The area a ward is in, or null. */
  areaOfWard(wardCode: string): Area | null;
  /** profile.json "wording": the council's own words for the ids in services/council/wording.ts. */
  wording: CouncilWording;
  /** profile.json "examples": what residents are shown as an example postcode and landline in re-prompts. */
  examples: { postcode: string; landline: string };
  /** profile.json "open311": who receives ASB reports over Open311 (bot/routes/open311.ts). Absent: no sharing question. */
  open311?: Open311Settings;
}

/** A body that may consume ASB reports over Open311 and whom residents can agree to share their details with. */
export interface SharingBody {
  /** e.g. "rotherham-asb-team"; Open311 API keys are issued for one body. */
  id: string;
  /** As residents read it: "Rotherham Council's anti-social behaviour team". */
  name: string;
}

export interface Open311Settings {
  /** `agency_responsible` in every service request. */
  agencyResponsible: string;
  /** `service_notice`: what happens next, for the consumer. */
  serviceNotice: string;
  bodies: SharingBody[];
  /** The body that handles ASB: the ASB journey asks residents who give contact details whether it may have them. */
  asbBody: string;
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
