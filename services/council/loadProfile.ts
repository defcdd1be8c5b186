/**
 * Loads a council profile from councils/<id>/ and answers the questions the journeys ask of it: which directory
 * services fit these needs here, when is the hub open, how to say so.
 *
 * Everything a council changes lives in data files, so a mistake in one of them must stop the bot at start-up
 * with a message a council officer can act on: the file, the line or field, and what was expected. All problems
 * across the four files are gathered and reported together, so fixing a profile takes one pass, not many.
 *
 * Files (see councils/rotherham/SOURCES.md, and "Adding a council" in the README):
 * - profile.json: names, GSS code, hub contact and opening hours, service levels, wording overrides (checked against
 *   services/council/wording.ts), example postcode and landline, areas (groups of wards), retention, languages.
 * - wards.csv: `ward_code,ward_name[,lad_code,lad_name]`.
 * - directory.json: services in the Open Referral UK shape (HSDS 3.0 UK profile); needs come from our local
 *   taxonomy term codes (`term`), ward coverage from ONS GSS codes at the end of `service_areas[].uri`.
 * - postcodes.csv: `postcode,ward_code` (may hold only the header).
 * - safeguarding.json (optional): the council's safeguarding phrase book over the shipped one, with who reviewed
 *   it and when (services/safeguarding/councilBook.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  BEFRIENDING_INTERESTS,
  COST_OF_LIVING_NEEDS,
  REFERRAL_KINDS,
  type BefriendingInterest,
  type CostOfLivingNeed,
} from '../referrals/model';
import { councilPhraseBookFile, mergeCouncilPhraseBook, shippedSafeguarding, type CouncilSafeguarding } from '../safeguarding/councilBook';
import { fromRoot } from '../paths';
import { normalisePostcode } from './postcode';
import { CsvFormatError, parseCsv, TablePostcodeLookup } from './postcodeTable';
import { wordingProblems, type CouncilWording } from './wording';
import type {
  Area,
  RetentionSettings,
  CouncilProfile,
  DirectoryNeedName,
  DirectoryService,
  GeoPoint,
  ServiceSession,
  HubContact,
  Open311Settings,
  OpeningHours,
  PostcodeLookup,
  ServiceLevels,
  Ward,
} from './types';

/** A need a directory service can meet: a cost-of-living need, a befriending interest, or befriending at all. */
export type DirectoryNeed = DirectoryNeedName;

/** The shipped councils/ folder, at the project root. COUNCILS_DIR (bot/config.ts) points elsewhere. */
export const DEFAULT_COUNCILS_DIR = fromRoot('councils');

/** A council profile that cannot be used. `problems` holds one line per problem, each naming its file. */
export class CouncilProfileError extends Error {
  constructor(
    readonly councilId: string,
    readonly problems: readonly string[],
    summary = `Council profile "${councilId}" cannot be used`,
  ) {
    super(problems.length === 0 ? summary : `${summary}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CouncilProfileError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Local taxonomy: term codes in directory.json → needs

/**
 * Our local taxonomy term codes (the ORUK `term` field) and the need each stands for: the mapping a profile uses
 * unless its profile.json gives its own under "directory.taxonomyNeeds" (for a directory that uses another
 * taxonomy, e.g. one imported from the council's Open Referral UK feed).
 */
export const TAXONOMY_NEEDS: Readonly<Record<string, DirectoryNeed>> = {
  'col-food': 'food',
  'col-energy': 'energy',
  'col-money-advice': 'money-advice',
  'col-warm-spaces': 'warm-spaces',
  'col-housing-costs': 'housing-costs',
  'bef-phone-call': 'phone-call',
  'bef-visit': 'visit',
  'bef-groups': 'groups',
  befriending: 'befriending',
};

/** The order needs are listed in on a service, so output does not depend on the order of attributes. */
const NEED_ORDER: readonly DirectoryNeed[] = [...COST_OF_LIVING_NEEDS, 'befriending', ...BEFRIENDING_INTERESTS];
const NEED_NAMES = [...COST_OF_LIVING_NEEDS, 'befriending', ...BEFRIENDING_INTERESTS] as [DirectoryNeed, ...DirectoryNeed[]];

/** Codes that look like ours; an unknown one is a typo worth failing on rather than a service that never shows. */
const LOCAL_TERM_CODE = /^(col-|bef-|befriending$)/;

// ---------------------------------------------------------------------------------------------------------------
// Schemas

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const SHORT_DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
/** Monday first, as people in the UK read a week. Values are Date#getDay numbers. */
const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;

const text = z.string().trim().min(1, 'must not be empty');
const time24 = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time such as "09:00"');
const gssCode = z.string().regex(/^[ENSW]\d{8}$/, 'must be an ONS GSS code such as "E08000018"');
const wardCode = z
  .string()
  .trim()
  .regex(/^(E05|W05|S13|N08)\d{6}$/, 'must be an ONS ward GSS code such as "E05012996"');
const ukPhone = z
  .string()
  .trim()
  .regex(/^0[\d ]+$/, 'must be a UK phone number in national format such as "0114 496 0000"')
  .refine((p) => [10, 11].includes(p.replace(/ /g, '').length), 'must have 10 or 11 digits');
const webUrl = z.url({ protocol: /^https?$/, error: 'must be a web address starting https:// or http://' });
const emailAddress = z.email({ error: 'must be an email address' });

const openingHoursEntry = z
  .strictObject({
    day: z.enum(DAY_NAMES, { error: `must be one of ${DAY_NAMES.join(', ')}` }),
    opens: time24,
    closes: time24,
  })
  .refine((h) => h.closes > h.opens, { message: 'closes must be later than opens', path: ['closes'] });

const serviceLevel = z
  .strictObject({ standardHours: z.number().positive(), urgentHours: z.number().positive() })
  .refine((s) => s.urgentHours <= s.standardHours, {
    message: 'urgentHours must not be longer than standardHours',
    path: ['urgentHours'],
  });

/** Retention when profile.json says nothing: closed referrals anonymised after 24 months, conversation state after
 * 90 days, SMS rows, Direct Line logs and live handoff transcripts after 30 days. */
export const RETENTION_DEFAULTS: RetentionSettings = {
  closedReferralMonths: 24,
  closedReferralAction: 'anonymise',
  conversationStateDays: 90,
  smsDays: 30,
  directLineLogDays: 30,
  handoffTranscriptDays: 30,
};

const areaId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a short id of lower-case letters, digits and hyphens, e.g. "north"');

/** Groups of wards (localities, neighbourhood areas). Ward codes are checked against wards.csv after it is read. */
const areasSection = z.strictObject({
  /** What the council calls one, for the console and digests: "Neighbourhood area", "Locality". */
  label: text.default('Area'),
  /** True while the grouping is a guess the council has not confirmed. */
  exampleData: z.boolean().default(false),
  note: z.string().optional(),
  list: z.array(z.strictObject({ id: areaId, name: text, wardCodes: z.array(wardCode).min(1, 'must list at least one ward') })),
});

const profileFile = z
  .strictObject({
    /** True while the contact details are placeholders. */
    exampleData: z.boolean().default(false),
    note: z.string().optional(),
    name: text,
    shortName: text,
    ladCode: gssCode,
    hub: z.strictObject({
      name: text,
      phone: ukPhone,
      phoneE164: z.string().regex(/^\+44\d{9,10}$/, 'must be the phone number in E.164 form such as "+441144960000"'),
      email: emailAddress,
      address: text,
      website: webUrl,
      openingHours: z.array(openingHoursEntry),
    }),
    serviceLevels: z.record(z.enum(REFERRAL_KINDS), serviceLevel),
    /** Per-council wording, keyed by wording id (services/council/wording.ts); checked here, used by the dialogs. */
    wording: z.record(z.string(), text).default({}),
    /** Shown to residents in re-prompts ("Please type it like ..."): a postcode and a landline of the area. */
    examples: z
      .strictObject({
        postcode: text
          .refine((v) => normalisePostcode(v) === v, 'must be a UK postcode written the usual way, e.g. "TS1 2AB"')
          .optional(),
        landline: ukPhone.optional(),
        note: z.string().optional(),
      })
      .default({}),
    areas: areasSection.optional(),
    /** Replies in residents' languages; see dialogs/translations.ts. */
    languages: z
      .strictObject({ useUnreviewedTranslations: z.boolean(), note: z.string().optional() })
      .default({ useUnreviewedTranslations: false }),
    /** How long personal data is kept; every period has a default (see RETENTION_DEFAULTS). */
    retention: z
      .strictObject({
        closedReferralMonths: z.number().int().min(1).max(120).default(RETENTION_DEFAULTS.closedReferralMonths),
        closedReferralAction: z.enum(['anonymise', 'erase']).default(RETENTION_DEFAULTS.closedReferralAction),
        conversationStateDays: z.number().int().min(1).max(3650).default(RETENTION_DEFAULTS.conversationStateDays),
        smsDays: z.number().int().min(1).max(3650).default(RETENTION_DEFAULTS.smsDays),
        directLineLogDays: z.number().int().min(1).max(3650).default(RETENTION_DEFAULTS.directLineLogDays),
        handoffTranscriptDays: z.number().int().min(1).max(3650).default(RETENTION_DEFAULTS.handoffTranscriptDays),
        note: z.string().optional(),
      })
      .default(RETENTION_DEFAULTS),
    /** Open311 GeoReport v2 for ASB: the bodies that may receive reports, and which one handles ASB. */
    open311: z
      .strictObject({
        agencyResponsible: text,
        serviceNotice: text,
        bodies: z.array(z.strictObject({ id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower case letters, digits and dashes'), name: text })).min(1),
        asbBody: text,
        note: z.string().optional(),
      })
      .refine((o) => o.bodies.some((b) => b.id === o.asbBody), { message: 'must be the id of one of open311.bodies', path: ['asbBody'] })
      .optional(),
    /** How the directory's taxonomy terms become needs; see TAXONOMY_NEEDS. */
    directory: z
      .strictObject({
        taxonomyNeeds: z.record(
          z.string().trim().min(1),
          z.enum(NEED_NAMES, { error: `must be one of ${NEED_NAMES.join(', ')}` }),
        ),
        note: z.string().optional(),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    for (const [id, template] of Object.entries(p.wording)) {
      for (const message of wordingProblems(id, template)) ctx.addIssue({ code: 'custom', path: ['wording', id], message });
    }
    const expected = `+44${p.hub.phone.replace(/ /g, '').slice(1)}`;
    if (p.hub.phoneE164 !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['hub', 'phoneE164'],
        message: `does not match hub.phone "${p.hub.phone}" (expected "${expected}")`,
      });
    }
  });

const wardRow = z.object({
  ward_code: wardCode,
  ward_name: text,
  lad_code: z.string().optional(),
});

const uuid = z.guid({ error: 'must be a UUID' });
const orukTime = z
  .string()
  .regex(
    /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-]\d{2}:?\d{2})?$/,
    'must be a time such as "09:00" or "09:00:00" (UK local time)',
  );
const BYDAY_PART = /^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$/;
const byday = z
  .string()
  .refine(
    (v) => v.split(',').every((part) => BYDAY_PART.test(part.trim())),
    'must be iCal days such as "MO,TU,WE" (monthly: "1TU", "-1FR")',
  );

const orukPhone = z.looseObject({ id: uuid, number: text, description: z.string().optional() });
const orukTerm = z.looseObject({
  id: uuid,
  name: text,
  description: z.string(),
  term: z.string().optional(),
  parent_id: uuid.optional(),
  taxonomy_id: uuid.optional(),
});
const orukService = z.looseObject({
  id: uuid,
  name: text,
  description: z.string().optional(),
  status: z.enum(['active', 'inactive', 'defunct', 'temporarily closed']),
  url: webUrl.optional(),
  email: emailAddress.optional(),
  organization: z.looseObject({
    id: uuid,
    name: text,
    email: emailAddress.optional(),
    website: webUrl.optional(),
  }),
  /** HSDS 3.0 core puts phones here; the UK profile links them to contacts. Both are read. */
  phones: z.array(orukPhone).optional(),
  contacts: z
    .array(z.looseObject({ id: uuid, name: z.string().optional(), phones: z.array(orukPhone).optional() }))
    .optional(),
  schedules: z
    .array(
      z.looseObject({
        id: uuid,
        freq: z.enum(['WEEKLY', 'MONTHLY']).optional(),
        byday: byday.optional(),
        opens_at: orukTime.optional(),
        closes_at: orukTime.optional(),
        description: z.string().optional(),
      }),
    )
    .optional(),
  service_areas: z
    .array(z.looseObject({ id: uuid, name: z.string().optional(), uri: z.string().optional() }))
    .optional(),
  attributes: z
    .array(
      z
        .looseObject({ id: uuid, taxonomy_term_id: uuid.optional(), taxonomy_term: orukTerm.optional() })
        .refine((a) => a.taxonomy_term !== undefined || a.taxonomy_term_id !== undefined, {
          message: 'needs taxonomy_term or taxonomy_term_id',
        }),
    )
    .optional(),
});
export type OrukService = z.infer<typeof orukService>;
export type OrukTerm = z.infer<typeof orukTerm>;
/** What the journeys need of an ORUK service record, checked with the messages a council officer can act on. */
export const orukServiceSchema = orukService;
export const orukTermSchema = orukTerm;

const directoryFile = z.looseObject({
  /** True for an illustrative directory: the bot and hub say "example directory". */
  exampleData: z.boolean().default(false),
  note: z.string().optional(),
  services: z.array(orukService),
  taxonomies: z.array(z.looseObject({ id: uuid, name: text })).optional(),
  taxonomy_terms: z.array(orukTerm).optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// Loading

/**
 * Reads and checks councils/<id>/. Synchronous because it runs once at start-up, before anything listens.
 *
 * @param opts.councilsDir where the council folders are (tests use a temporary copy).
 * @param opts.postcodeLookup used instead of postcodes.csv (e.g. postcodes.io); postcodes.csv is then not read.
 * @throws CouncilProfileError naming every problem found, each with its file and field or line.
 */
export function loadCouncilProfile(
  id: string,
  opts: { councilsDir?: string; postcodeLookup?: PostcodeLookup } = {},
): CouncilProfile {
  const councilsDir = opts.councilsDir ?? DEFAULT_COUNCILS_DIR;
  const available = availableProfiles(councilsDir);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || !available.includes(id)) {
    throw new CouncilProfileError(
      id,
      [],
      `Unknown council profile "${id}". Available profiles: ` +
        `${available.length > 0 ? available.join(', ') : '(none)'} (in ${display(councilsDir)}). ` +
        'Set COUNCIL to one of them.',
    );
  }
  const dir = path.join(councilsDir, id);
  const problems: string[] = [];

  const { profile, ladCode, taxonomyNeeds } = readProfileJson(path.join(dir, 'profile.json'), problems);
  const wards = readWards(path.join(dir, 'wards.csv'), ladCode, problems);
  const directory = readDirectory(path.join(dir, 'directory.json'), wards, ladCode, taxonomyNeeds, problems);
  const safeguarding = readSafeguarding(path.join(dir, 'safeguarding.json'), problems);
  let postcodes: PostcodeLookup | null = opts.postcodeLookup ?? null;
  if (postcodes === null && wards !== null) {
    postcodes = readPostcodes(path.join(dir, 'postcodes.csv'), wards, problems);
  }

  if (problems.length > 0 || profile === null || wards === null || directory === null || postcodes === null || safeguarding === null) {
    throw new CouncilProfileError(id, problems);
  }

  const areas = checkAreas(path.join(dir, 'profile.json'), profile.areas.list, wards, problems);
  if (problems.length > 0) throw new CouncilProfileError(id, problems);

  const byCode = new Map(wards.map((w) => [w.code, w]));
  const areaOf = new Map(areas.flatMap((a) => a.wardCodes.map((code) => [code, a] as const)));
  return {
    id,
    dir,
    name: profile.name,
    shortName: profile.shortName,
    ladCode: profile.ladCode,
    wards,
    hub: profile.hub,
    serviceLevels: profile.serviceLevels,
    directory,
    postcodes,
    wardByCode: (code: string) => byCode.get(code.trim().toUpperCase()) ?? null,
    safeguarding,
    languages: profile.languages,
    retention: profile.retention,
    exampleData: profile.exampleData,
    areas,
    areasAreExamples: profile.areas.exampleData,
    areaLabel: profile.areas.label,
    areaById: (areaIdValue: string) => areas.find((a) => a.id === areaIdValue) ?? null,
    areaOfWard: (code: string) => areaOf.get(code.trim().toUpperCase()) ?? null,
    wording: profile.wording,
    examples: {
      // Without a council example, a pattern no resident will take for a real postcode, and the hub's own number.
      postcode: profile.examples.postcode ?? 'AB1 2CD',
      landline: profile.examples.landline ?? profile.hub.phone,
    },
    ...(profile.open311 ? { open311: profile.open311 } : {}),
  };
}

/**
 * Every area's wards must be wards of this council, and a ward may be in one area at most (an area digest must not
 * count a referral twice). Areas keep wards.csv order so lists read the same everywhere.
 */
function checkAreas(file: string, list: readonly { id: string; name: string; wardCodes: string[] }[], wards: readonly Ward[], problems: string[]): Area[] {
  const order = new Map(wards.map((w, i) => [w.code, i]));
  const firstArea = new Map<string, string>();
  const ids = new Set<string>();
  return list.map((area, index) => {
    const where = `${display(file)}: areas.list[${index}] ("${area.name}")`;
    if (ids.has(area.id)) problems.push(`${where}.id: "${area.id}" is used by another area`);
    ids.add(area.id);
    const codes: string[] = [];
    for (const raw of area.wardCodes) {
      const code = raw.trim().toUpperCase();
      if (!order.has(code)) {
        problems.push(`${where}.wardCodes: ${code} is not a ward in wards.csv`);
        continue;
      }
      const other = firstArea.get(code);
      if (other !== undefined) {
        problems.push(`${where}.wardCodes: ${code} is already in area "${other}"; a ward can be in one area at most`);
        continue;
      }
      firstArea.set(code, area.id);
      codes.push(code);
    }
    return { id: area.id, name: area.name, wardCodes: codes.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)) };
  });
}

/** Folders under councilsDir that hold a profile.json, sorted. */
export function availableProfiles(councilsDir: string = DEFAULT_COUNCILS_DIR): string[] {
  if (!existsSync(councilsDir)) return [];
  return readdirSync(councilsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(councilsDir, e.name, 'profile.json')))
    .map((e) => e.name)
    .sort();
}

/** A path as short as it can be while still findable: relative to the working directory when inside it. */
function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? String(s) : `.${String(s)}`;
  }
  return out === '' ? '(top level)' : out;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
    return `is missing (expected ${issue.expected})`;
  }
  return issue.message;
}

/** One line per zod issue: `file: field: problem`. `describe` can add context to a path (e.g. a service name). */
function zodProblems(file: string, error: z.ZodError, describe?: (p: readonly PropertyKey[]) => string): string[] {
  return error.issues.map((issue) => {
    const where = describe ? describe(issue.path) : formatPath(issue.path);
    return `${display(file)}: ${where}: ${issueMessage(issue)}`;
  });
}

function readText(file: string, problems: string[]): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push(`${display(file)}: ${code === 'ENOENT' ? 'file is missing' : `cannot be read (${code ?? 'error'})`}`);
    return null;
  }
}

function readJson(file: string, problems: string[]): unknown {
  const raw = readText(file, problems);
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw.startsWith('\uFEFF') ? raw.slice(1) : raw) as unknown;
  } catch (err) {
    problems.push(`${display(file)}: is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  }
}

/**
 * profile.json, checked. `ladCode` is returned even when other fields are wrong, so wards.csv and directory.json
 * can still be checked against it and every problem is reported in one run.
 */
function readProfileJson(
  file: string,
  problems: string[],
): {
  profile: {
    name: string;
    shortName: string;
    ladCode: string;
    hub: HubContact;
    serviceLevels: ServiceLevels;
    languages: { useUnreviewedTranslations: boolean };
    retention: RetentionSettings;
    exampleData: boolean;
    areas: { label: string; exampleData: boolean; list: { id: string; name: string; wardCodes: string[] }[] };
    wording: CouncilWording;
    examples: { postcode?: string | undefined; landline?: string | undefined };
    open311?: Open311Settings;
  } | null;
  ladCode: string | null;
  taxonomyNeeds: Readonly<Record<string, DirectoryNeed>>;
} {
  const json = readJson(file, problems);
  if (json === undefined) return { profile: null, ladCode: null, taxonomyNeeds: TAXONOMY_NEEDS };
  const parsed = profileFile.safeParse(json);
  if (!parsed.success) {
    problems.push(...zodProblems(file, parsed.error));
    const lad = z.object({ ladCode: gssCode }).safeParse(json);
    return { profile: null, ladCode: lad.success ? lad.data.ladCode : null, taxonomyNeeds: TAXONOMY_NEEDS };
  }
  const p = parsed.data;
  const openingHours: OpeningHours[] = p.hub.openingHours.map((h) => ({
    day: DAY_NAMES.indexOf(h.day),
    opens: h.opens,
    closes: h.closes,
  }));
  const serviceLevels = Object.fromEntries(
    REFERRAL_KINDS.map((k) => {
      const level = p.serviceLevels[k];
      return [k, { standardHours: level.standardHours, urgentHours: level.urgentHours }];
    }),
  ) as ServiceLevels;
  return {
    profile: {
      name: p.name,
      shortName: p.shortName,
      ladCode: p.ladCode,
      hub: { ...p.hub, openingHours },
      serviceLevels,
      languages: { useUnreviewedTranslations: p.languages.useUnreviewedTranslations },
      retention: {
        closedReferralMonths: p.retention.closedReferralMonths,
        closedReferralAction: p.retention.closedReferralAction,
        conversationStateDays: p.retention.conversationStateDays,
        smsDays: p.retention.smsDays,
        directLineLogDays: p.retention.directLineLogDays,
        handoffTranscriptDays: p.retention.handoffTranscriptDays,
      },
      exampleData: p.exampleData,
      areas: { label: p.areas?.label ?? 'Area', exampleData: p.areas?.exampleData ?? false, list: p.areas?.list ?? [] },
      // The superRefine above has refused any id that is not a CouncilWordingId.
      wording: p.wording as CouncilWording,
      examples: { postcode: p.examples.postcode, landline: p.examples.landline },
      ...(p.open311
        ? { open311: { agencyResponsible: p.open311.agencyResponsible, serviceNotice: p.open311.serviceNotice, bodies: p.open311.bodies, asbBody: p.open311.asbBody } }
        : {}),
    },
    ladCode: p.ladCode,
    // Laid over the local codes, so a council adding its feed's terms keeps its directory.json working.
    taxonomyNeeds: { ...TAXONOMY_NEEDS, ...(p.directory?.taxonomyNeeds ?? {}) },
  };
}

function readWards(file: string, ladCode: string | null, problems: string[]): Ward[] | null {
  const raw = readText(file, problems);
  if (raw === null) return null;
  let records;
  try {
    records = parseCsv(raw, display(file), ['ward_code', 'ward_name']);
  } catch (err) {
    if (!(err instanceof CsvFormatError)) throw err;
    problems.push(err.message);
    return null;
  }
  const before = problems.length;
  const wards: Ward[] = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    const row = wardRow.safeParse(record.values);
    if (!row.success) {
      problems.push(...zodProblems(file, row.error, (p) => `line ${record.line}: ${formatPath(p)}`));
      continue;
    }
    const { ward_code: code, ward_name: name, lad_code: lad } = row.data;
    const first = seen.get(code);
    if (first !== undefined) {
      problems.push(`${display(file)}: line ${record.line}: ward_code: ${code} is already on line ${first}`);
      continue;
    }
    seen.set(code, record.line);
    if (ladCode !== null && lad !== undefined && lad.trim() !== '' && lad.trim() !== ladCode) {
      problems.push(
        `${display(file)}: line ${record.line}: lad_code: ${lad.trim()} is not this council's ladCode ${ladCode} ` +
          '(from profile.json)',
      );
    }
    wards.push({ code, name });
  }
  if (records.length === 0) problems.push(`${display(file)}: has no wards`);
  return problems.length === before ? wards : null;
}

/** safeguarding.json is optional: without it the shipped phrase book is used as it is. */
function readSafeguarding(file: string, problems: string[]): CouncilSafeguarding | null {
  if (!existsSync(file)) return shippedSafeguarding();
  const json = readJson(file, problems);
  if (json === undefined) return null;
  const parsed = councilPhraseBookFile.safeParse(json);
  if (!parsed.success) {
    problems.push(...zodProblems(file, parsed.error));
    return null;
  }
  try {
    return mergeCouncilPhraseBook(parsed.data);
  } catch (err) {
    problems.push(`${display(file)}: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

function readPostcodes(file: string, wards: readonly Ward[], problems: string[]): PostcodeLookup | null {
  const raw = readText(file, problems);
  if (raw === null) return null;
  try {
    return TablePostcodeLookup.fromCsv(raw, wards, display(file));
  } catch (err) {
    if (!(err instanceof CsvFormatError)) throw err;
    problems.push(err.message);
    return null;
  }
}

function readDirectory(
  file: string,
  wards: readonly Ward[] | null,
  ladCode: string | null,
  taxonomyNeeds: Readonly<Record<string, DirectoryNeed>>,
  problems: string[],
): CouncilProfile['directory'] | null {
  const json = readJson(file, problems);
  if (json === undefined) return null;
  const parsed = directoryFile.safeParse(json);
  if (!parsed.success) {
    // Name the service as well as its index: "services[3]" alone is hard to find in a long file.
    const names = (json as { services?: { name?: unknown }[] } | null)?.services;
    problems.push(
      ...zodProblems(file, parsed.error, (p) => {
        const at = formatPath(p);
        if (p[0] !== 'services' || typeof p[1] !== 'number') return at;
        const name = Array.isArray(names) ? names[p[1]]?.name : undefined;
        return typeof name === 'string' ? `${at} ("${name}")` : at;
      }),
    );
    return null;
  }
  const doc = parsed.data;
  const termsById = new Map((doc.taxonomy_terms ?? []).map((t) => [t.id, t]));
  const wardCodes = wards === null ? null : new Set(wards.map((w) => w.code));
  const context: MappingContext = { termsById, wardCodes, ladCode, taxonomyNeeds };
  const before = problems.length;
  const seenIds = new Set<string>();
  const services: DirectoryService[] = [];
  doc.services.forEach((service, index) => {
    const where = `${display(file)}: services[${index}] ("${service.name}")`;
    if (seenIds.has(service.id)) problems.push(`${where}.id: ${service.id} is used by another service`);
    seenIds.add(service.id);
    const mapped = mapOrukService(service, context, (field, problem) => problems.push(`${where}.${field}: ${problem}`));
    // Only active services are offered to residents; the rest stay in the file for the council's records.
    if (service.status === 'active') services.push(mapped);
  });
  if (problems.length !== before) return null;
  const raw = json as { services: Record<string, unknown>[] };
  return {
    exampleData: doc.exampleData,
    services,
    oruk: { services: raw.services, taxonomies: nestTerms(doc.taxonomies ?? [], doc.taxonomy_terms ?? []) },
    taxonomyNeeds,
  };
}

/** directory.json keeps terms beside their taxonomies; the API serves each taxonomy with its terms inside it. */
function nestTerms(
  taxonomies: readonly Record<string, unknown>[],
  terms: readonly OrukTerm[],
): Record<string, unknown>[] {
  return taxonomies.map((t) => ({ ...t, taxonomy_terms: terms.filter((term) => term.taxonomy_id === t['id']) }));
}

/** What mapping an ORUK service needs besides the record: the terms it may refer to by id, and the council's areas. */
export interface MappingContext {
  termsById: ReadonlyMap<string, OrukTerm>;
  /** This council's ward codes, or null when wards.csv could not be read (then any ward is accepted). */
  wardCodes: ReadonlySet<string> | null;
  ladCode: string | null;
  taxonomyNeeds: Readonly<Record<string, DirectoryNeed>>;
}

/**
 * An ORUK service as the journeys use it. `problem` is told about anything that would make the service wrong for
 * residents (an unknown local term, a ward of another council); the caller decides whether that stops the start-up
 * (a shipped file) or rejects the record (an import).
 */
export function mapOrukService(
  s: OrukService,
  { termsById, wardCodes, ladCode, taxonomyNeeds }: MappingContext,
  problem: (field: string, message: string) => void,
): DirectoryService {
  const needs = new Set<DirectoryNeed>();
  (s.attributes ?? []).forEach((attribute, i) => {
    const term = attribute.taxonomy_term ?? termsById.get(attribute.taxonomy_term_id ?? '');
    if (term === undefined) {
      problem(`attributes[${i}].taxonomy_term_id`, `${attribute.taxonomy_term_id ?? ''} is not in taxonomy_terms`);
      return;
    }
    const code = term.term?.trim();
    const need =
      (code === undefined ? undefined : taxonomyNeeds[code]) ??
      taxonomyNeeds[term.id] ??
      (typeof term['term_uri'] === 'string' ? taxonomyNeeds[term['term_uri']] : undefined);
    if (need !== undefined) needs.add(need);
    else if (code !== undefined && LOCAL_TERM_CODE.test(code)) {
      const known = Object.keys(taxonomyNeeds).join(', ');
      problem(`attributes[${i}].taxonomy_term.term`, `unknown term "${code}"; known: ${known}`);
    }
  });

  const serviceWards: string[] = [];
  let boroughWide = false;
  (s.service_areas ?? []).forEach((area, i) => {
    const code = /([ENSW]\d{8})\/?$/.exec(area.uri ?? '')?.[1];
    if (code === undefined) return; // a free-text area: no coverage we can check, so treat as unrestricted
    if (code === ladCode) boroughWide = true;
    else if (wardCodes === null || wardCodes.has(code)) serviceWards.push(code);
    else {
      problem(`service_areas[${i}].uri`, `${code} is neither a ward in wards.csv nor the council (${ladCode ?? '?'})`);
    }
  });

  const phones = [...(s.phones ?? []), ...(s.contacts ?? []).flatMap((c) => c.phones ?? [])];
  const schedule = (s.schedules ?? []).map(describeSchedule).filter((t): t is string => t !== null);

  return {
    id: s.id,
    name: s.name,
    description: s.description ?? '',
    organisation: s.organization.name,
    phone: phones[0]?.number ?? null,
    email: s.email ?? s.organization.email ?? null,
    url: s.url ?? s.organization.website ?? null,
    schedule: schedule.length > 0 ? schedule.join('; ') : null,
    needs: NEED_ORDER.filter((n) => needs.has(n)),
    wardCodes: boroughWide ? [] : [...new Set(serviceWards)].sort(),
    sessions: (s.schedules ?? []).flatMap(toSession),
    locations: locationsOf(s),
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const optionalDate = (v: unknown): string | null => (typeof v === 'string' && ISO_DATE.test(v.slice(0, 10)) ? v.slice(0, 10) : null);

/** A schedule the bot can reason about (days and times given); others are still described in words. */
function toSession(s: NonNullable<OrukService['schedules']>[number]): ServiceSession[] {
  if (s.opens_at === undefined || s.closes_at === undefined || s.byday === undefined) return [];
  const parts = s.byday
    .split(',')
    .map((p) => BYDAY_PART.exec(p.trim()))
    .filter((m): m is RegExpExecArray => m !== null);
  const interval = typeof s['interval'] === 'number' && Number.isInteger(s['interval']) && s['interval'] > 0 ? s['interval'] : 1;
  const base = {
    interval: s.freq === 'MONTHLY' ? 1 : interval,
    dtstart: optionalDate(s['dtstart']),
    validFrom: optionalDate(s['valid_from']),
    validTo: optionalDate(s['valid_to']),
    opens: s.opens_at.slice(0, 5),
    closes: s.closes_at.slice(0, 5),
  };
  const weekly = parts.filter((m) => m[1] === undefined).map((m) => ICAL_DAYS[m[2] ?? ''] ?? 0);
  const sessions: ServiceSession[] = weekly.length > 0 ? [{ ...base, days: weekly, ordinal: null }] : [];
  for (const m of parts.filter((p) => p[1] !== undefined)) {
    sessions.push({ ...base, interval: 1, days: [ICAL_DAYS[m[2] ?? ''] ?? 0], ordinal: Number(m[1]) });
  }
  return sessions;
}

const geoPoint = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });

/** Points from service_at_locations[].location; a location without usable coordinates is left out, not an error. */
function locationsOf(s: OrukService): GeoPoint[] {
  const sals = Array.isArray(s['service_at_locations']) ? (s['service_at_locations'] as unknown[]) : [];
  return sals.flatMap((sal) => {
    const location = typeof sal === 'object' && sal !== null ? (sal as { location?: unknown }).location : undefined;
    const point = geoPoint.safeParse(location);
    return point.success ? [{ latitude: point.data.latitude, longitude: point.data.longitude }] : [];
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Human-readable times

/** "9am", "5:30pm", "midday", "midnight" (GOV.UK style). Accepts "HH:MM" with optional seconds and zone. */
export function spokenTime(hhmm: string): string {
  const [h = 0, m = 0] = hhmm.slice(0, 5).split(':').map(Number);
  if (m === 0 && h === 12) return 'midday';
  if (m === 0 && h === 0) return 'midnight';
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return `${hour12}${m === 0 ? '' : `:${String(m).padStart(2, '0')}`}${h < 12 ? 'am' : 'pm'}`;
}

function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/**
 * Days (Date#getDay numbers) as people say them: runs of three or more become "Monday to Friday",
 * the rest are listed: "Monday to Wednesday and Friday", "Saturday and Sunday".
 */
function describeDays(days: Iterable<number>, names: readonly string[]): string {
  const set = new Set(days);
  const ordered = WEEK_ORDER.filter((d) => set.has(d));
  const parts: string[] = [];
  let i = 0;
  while (i < ordered.length) {
    let j = i;
    while (j + 1 < ordered.length && WEEK_ORDER.indexOf(ordered[j + 1]!) === WEEK_ORDER.indexOf(ordered[j]!) + 1) j++;
    const run = ordered.slice(i, j + 1);
    if (run.length >= 3) parts.push(`${names[run[0]!]} to ${names[run[run.length - 1]!]}`);
    else parts.push(...run.map((d) => names[d] ?? ''));
    i = j + 1;
  }
  return joinList(parts);
}

const ICAL_DAYS: Readonly<Record<string, number>> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };
const ORDINALS: Readonly<Record<string, string>> = {
  '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', '5': 'fifth', '-1': 'last', '-2': 'second to last',
};

/** One ORUK schedule as "Mon to Fri, 9am to 5pm" or "First Tue of the month, 10am to midday"; else its description. */
function describeSchedule(s: NonNullable<OrukService['schedules']>[number]): string | null {
  const times =
    s.opens_at !== undefined && s.closes_at !== undefined
      ? `${spokenTime(s.opens_at)} to ${spokenTime(s.closes_at)}`
      : null;
  const parts = (s.byday ?? '')
    .split(',')
    .map((p) => BYDAY_PART.exec(p.trim()))
    .filter((m): m is RegExpExecArray => m !== null);
  let days: string | null = null;
  if (parts.length > 0) {
    const monthly = s.freq === 'MONTHLY' || parts.some((m) => m[1] !== undefined);
    if (monthly) {
      const each = parts.map((m) => {
        const ordinal = m[1] === undefined ? 'every' : (ORDINALS[m[1].replace('+', '')] ?? `number ${m[1]}`);
        return `${ordinal} ${SHORT_DAY_NAMES[ICAL_DAYS[m[2] ?? ''] ?? 0]}`;
      });
      const phrase = `${joinList(each)} of the month`;
      days = phrase.charAt(0).toUpperCase() + phrase.slice(1);
    } else {
      days = describeDays(
        parts.map((m) => ICAL_DAYS[m[2] ?? ''] ?? 0),
        SHORT_DAY_NAMES,
      );
    }
  }
  if (days !== null && times !== null) return `${days}, ${times}`;
  if (days === null && times === null) return s.description?.trim() || null;
  return days ?? times;
}

/**
 * The hub's opening hours as one line for a resident, e.g. "Monday to Friday, 9am to 5pm; Thursday until 7pm".
 *
 * The most common day's hours lead; a day inside that run that opens at the same time but closes differently is
 * an "until" exception; any other day is listed with its own hours.
 */
export function openingHoursText(hub: Pick<HubContact, 'openingHours'>): string {
  const byDay = new Map<number, OpeningHours[]>();
  for (const h of hub.openingHours) byDay.set(h.day, [...(byDay.get(h.day) ?? []), h]);
  for (const list of byDay.values()) list.sort((a, b) => a.opens.localeCompare(b.opens));
  const openDays = WEEK_ORDER.filter((d) => byDay.has(d));
  if (openDays.length === 0) return 'No regular opening hours';

  const sessionsKey = (d: number): string => (byDay.get(d) ?? []).map((h) => `${h.opens}-${h.closes}`).join(',');
  const single = openDays.filter((d) => (byDay.get(d) ?? []).length === 1);
  const counts = new Map<string, number>();
  for (const d of single) counts.set(sessionsKey(d), (counts.get(sessionsKey(d)) ?? 0) + 1);
  let mainKey: string | null = null;
  for (const d of single) {
    const key = sessionsKey(d);
    if (mainKey === null || (counts.get(key) ?? 0) > (counts.get(mainKey) ?? 0)) mainKey = key;
  }

  const phrases: string[] = [];
  const described = new Set<number>();
  if (mainKey !== null) {
    const [opens = '', closes = ''] = mainKey.split('-');
    const mainDays = single.filter((d) => sessionsKey(d) === mainKey);
    const first = WEEK_ORDER.indexOf(mainDays[0] as (typeof WEEK_ORDER)[number]);
    const last = WEEK_ORDER.indexOf(mainDays[mainDays.length - 1] as (typeof WEEK_ORDER)[number]);
    const variants = single.filter((d) => {
      const pos = WEEK_ORDER.indexOf(d as (typeof WEEK_ORDER)[number]);
      return sessionsKey(d) !== mainKey && pos > first && pos < last && byDay.get(d)?.[0]?.opens === opens;
    });
    const days = describeDays([...mainDays, ...variants], DAY_NAMES);
    phrases.push(`${days}, ${spokenTime(opens)} to ${spokenTime(closes)}`);
    mainDays.forEach((d) => described.add(d));
    const byClose = new Map<string, number[]>();
    for (const d of variants) {
      const close = byDay.get(d)?.[0]?.closes ?? '';
      byClose.set(close, [...(byClose.get(close) ?? []), d]);
      described.add(d);
    }
    for (const [close, days] of byClose) phrases.push(`${describeDays(days, DAY_NAMES)} until ${spokenTime(close)}`);
  }
  const rest = new Map<string, number[]>();
  for (const d of openDays) {
    if (described.has(d)) continue;
    rest.set(sessionsKey(d), [...(rest.get(sessionsKey(d)) ?? []), d]);
  }
  for (const [, days] of rest) {
    const sessions = (byDay.get(days[0] ?? -1) ?? []).map((h) => `${spokenTime(h.opens)} to ${spokenTime(h.closes)}`);
    phrases.push(`${describeDays(days, DAY_NAMES)}, ${joinList(sessions)}`);
  }
  return phrases.join('; ');
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Day of week (Date#getDay numbering) and "HH:MM" in UK local time, whatever the machine's time zone. */
export function londonDayAndTime(date: Date): { day: number; time: string } {
  const parts = LONDON.formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const day = SHORT_DAY_NAMES.indexOf(get('weekday') as (typeof SHORT_DAY_NAMES)[number]);
  return { day, time: `${get('hour').padStart(2, '0')}:${get('minute').padStart(2, '0')}` };
}

/**
 * Whether the hub is open at an instant, by its published hours in UK local time (GMT or BST as the date
 * requires). Bank holidays are not known to the profile, so a bank holiday Monday counts as open.
 */
export function isOpenAt(hub: Pick<HubContact, 'openingHours'>, date: Date): boolean {
  const { day, time } = londonDayAndTime(date);
  return hub.openingHours.some((h) => h.day === day && h.opens <= time && time < h.closes);
}

// ---------------------------------------------------------------------------------------------------------------
// Directory queries

/**
 * Active directory services meeting any of `needs` that serve `wardCode`: services for that ward first (the
 * most local help), then borough-wide ones, each in directory file order so the council controls priority.
 * Without a ward (postcode unknown) only borough-wide services are offered, since a ward-only service may turn
 * the resident away.
 */
export function servicesFor(
  profile: Pick<CouncilProfile, 'directory'>,
  needs: readonly DirectoryNeed[],
  wardCode?: string | null,
): DirectoryService[] {
  const wanted = new Set(needs);
  const matching = profile.directory.services.filter((s) => s.needs.some((n) => wanted.has(n)));
  const local = wardCode ? matching.filter((s) => s.wardCodes.includes(wardCode)) : [];
  const boroughWide = matching.filter((s) => s.wardCodes.length === 0);
  return [...local, ...boroughWide];
}
