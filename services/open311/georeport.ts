/**
 * Open311 GeoReport v2 for ASB reports (issue 10): what a council's case management system or a FixMyStreet-style
 * tool may see and send. Plain TypeScript; bot/routes/open311.ts is the HTTP edge and services/open311/format.ts
 * writes JSON and XML.
 *
 * What leaves the hub, and why:
 * - **Services**: one per ASB type the journey collects, `type` blackbox (the requests are not public and no
 *   request id is promised at submission), `group` "Anti-social behaviour", metadata true: the definition asks when
 *   it happens, as the journey does.
 * - **Requests**: ASB referrals only. The description goes through the language service's PII redaction (names too,
 *   when Azure AI Language is on) and then our UK patterns (services/pii/redact.ts) whatever answered. The address
 *   is never the resident's typed words: it is a place from the council's own list (councils/<id>/places.csv, as in
 *   ward digests) or the postcode sector, then the ward and the borough. Coordinates only when a client sent them,
 *   to about 100 m.
 * - **Contact details** (first_name, last_name, phone, email) only to a consumer of the body the resident agreed to
 *   share them with (`referral.sharing`), never to anyone else, and never for anonymous reports.
 * - Statuses: new, claimed and in progress are `open`; referred on, closed and withdrawn are `closed`.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock';
import { findPostcodeIn } from '../council/postcode';
import type { CouncilProfile } from '../council/types';
import type { PlaceList } from '../digests/places';
import { AppError } from '../errors';
import { redactFreeText } from '../pii/redact';
import { ASB_FREQUENCIES, ASB_TYPES, ASB_WHEN, type AsbType, type Referral, type ReferralStatus } from '../referrals/model';
import type { ReferralService } from '../referrals/referralService';
import type { SafeguardingDetector } from '../safeguarding/types';
import { OPEN_STATUSES } from '../store/hubTypes';
import type { Open311Consumer, Store } from '../store/types';

export const GROUP = 'Anti-social behaviour';
/** Most requests one GET returns, and the widest date range it may ask for (both from the spec). */
export const MAX_REQUESTS = 1000;
export const MAX_RANGE_DAYS = 90;
/** Recorded as the consent wording on reports a client submits: the client's own terms covered the resident. */
export const CLIENT_CONSENT_VERSION = 'open311-client-submission';

const SERVICE_PREFIX = 'asb-';
const CLOSED_STATUSES: readonly ReferralStatus[] = ['referred-on', 'closed', 'withdrawn'];

const SERVICE_TEXT: Readonly<Record<AsbType, { name: string; description: string; keywords: string }>> = {
  noise: { name: 'Noise', description: 'Loud music, shouting, parties or other noise that keeps happening or is happening now.', keywords: 'noise, music, shouting, parties, barking' },
  vandalism: { name: 'Vandalism or damage', description: 'Criminal damage, graffiti or broken windows.', keywords: 'vandalism, damage, graffiti, smashed windows' },
  drugs: { name: 'Drug activity', description: 'Drug dealing or use, or discarded needles.', keywords: 'drugs, dealing, cannabis, needles' },
  intimidation: { name: 'Intimidation or harassment', description: 'Threatening, abusive or intimidating behaviour towards residents.', keywords: 'intimidation, harassment, threatening, abuse, gangs' },
  vehicles: { name: 'Vehicles', description: 'Nuisance vehicles: off-road bikes, dangerous driving or parking, abandoned cars.', keywords: 'vehicles, off-road bikes, motorbikes, parking, abandoned car' },
  other: { name: 'Other anti-social behaviour', description: 'Anti-social behaviour of another kind.', keywords: 'anti-social behaviour, other' },
};

const WHEN_NAMES: Readonly<Record<(typeof ASB_WHEN)[number], string>> = { now: 'Happening now', 'earlier-today': 'Earlier today', ongoing: 'It keeps happening' };
const FREQUENCY_NAMES: Readonly<Record<(typeof ASB_FREQUENCIES)[number], string>> = {
  daily: 'Every day',
  'few-times-a-week': 'A few times a week',
  weekly: 'About once a week',
  'less-often': 'Less often',
};
const STATUS_NOTES: Readonly<Record<ReferralStatus, string>> = {
  new: 'Received by the hub.',
  claimed: 'A hub worker is dealing with it.',
  'in-progress': 'A hub worker is dealing with it.',
  'referred-on': 'Passed to a partner organisation.',
  closed: 'Closed by the hub.',
  withdrawn: 'Withdrawn by the resident.',
};

// ---- the records GeoReport v2 defines, field order as in the spec -----------------------------------------------

export interface ServiceRecord {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'blackbox';
  keywords: string;
  group: string;
}

export interface AttributeRecord {
  variable: boolean;
  code: string;
  datatype: 'singlevaluelist';
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values: { key: string; name: string }[];
}

export interface ServiceDefinition {
  service_code: string;
  attributes: AttributeRecord[];
}

export interface RequestRecord {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string | null;
  agency_responsible: string;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string;
  address: string;
  lat?: number;
  long?: number;
  /** Extensions, only with the resident's consent to share with this consumer's body. */
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
}

export interface CreatedRecord {
  token: string;
  service_notice: string | null;
  account_id: null;
}

export interface TokenRecord {
  service_request_id: string;
  token: string;
}

/** Redacts personal details from texts, in order. */
export type Redactor = (texts: readonly string[]) => Promise<string[]>;

export interface GeoReportDeps {
  store: Store;
  profile: CouncilProfile;
  places: PlaceList;
  clock: Clock;
  referrals: ReferralService;
  /** A submitted description is checked like a resident's message: a risk makes the report urgent and alerts staff. */
  detector: SafeguardingDetector;
  /** The language service's PII redaction (Azure AI Language when configured); UK patterns are applied after it. */
  redact: Redactor;
}

// ---- query and form schemas (zod at the edge) ------------------------------------------------------------------

/** A query parameter given once, several times, or comma separated, as a list; empty means not given. */
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)));

/** W3C date-time: a date, or a date and time with Z or an offset, as the spec requires. */
const w3Date = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be a W3C date-time with a time zone, e.g. 2026-11-01T00:00:00Z')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date')
  .optional()
  .transform((s) => (s ? new Date(s) : undefined));

const requestsQuery = z.object({
  service_request_id: list.pipe(z.array(z.string()).max(MAX_REQUESTS, `at most ${MAX_REQUESTS} ids at once`)),
  service_code: list,
  status: list.pipe(z.array(z.enum(['open', 'closed'], 'must be open or closed'))),
  start_date: w3Date,
  end_date: w3Date,
});

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max.toLocaleString('en-GB')} characters`)
    .optional()
    .transform((v) => (v === '' ? undefined : v));
const coordinate = (min: number, max: number) =>
  z
    .union([z.string().trim(), z.number()])
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : Number(v)))
    .pipe(z.number(`must be a number`).min(min).max(max).optional());

const createForm = z
  .object({
    service_code: z.string('is required').trim().min(1, 'is required'),
    lat: coordinate(-90, 90),
    long: coordinate(-180, 180),
    address_string: optionalText(300),
    address_id: optionalText(100),
    email: optionalText(254).pipe(z.email('must be an email address').optional()),
    first_name: optionalText(50),
    last_name: optionalText(50),
    phone: optionalText(30).pipe(z.string().regex(/^\+?[\d ()-]{6,30}$/, 'must be a phone number').optional()),
    description: optionalText(4000),
    attribute: z
      .record(z.string(), z.unknown())
      .optional()
      .transform((a) => a ?? {})
      .pipe(
        z.looseObject({
          when: z.enum(ASB_WHEN, `is required: one of ${ASB_WHEN.join(', ')}`),
          frequency: z
            .union([z.enum(ASB_FREQUENCIES, `must be one of ${ASB_FREQUENCIES.join(', ')}`), z.literal('')])
            .optional()
            .transform((v) => (v ? v : null)),
          fixmystreet_id: z.string().max(100).optional(),
          external_id: z.string().max(100).optional(),
        }),
      ),
  })
  .refine((f) => (f.lat === undefined) === (f.long === undefined), { message: 'lat and long must be sent together', path: ['lat'] })
  .refine((f) => f.lat !== undefined || f.address_string !== undefined || f.address_id !== undefined, {
    message: 'a location is required: lat and long, address_string or address_id',
    path: ['address_string'],
  });

function invalid(error: z.ZodError): AppError {
  const problems = error.issues.map((i) => `${i.path.map(String).join('.').replace(/^attribute\.(\w+)/, 'attribute[$1]') || 'request'} ${i.message}`);
  return new AppError('invalid-input', problems.join('; '));
}

// ---- the use cases ---------------------------------------------------------------------------------------------

export class GeoReport {
  constructor(private readonly deps: GeoReportDeps) {}

  services(): ServiceRecord[] {
    return ASB_TYPES.map((type) => ({
      service_code: `${SERVICE_PREFIX}${type}`,
      service_name: SERVICE_TEXT[type].name,
      description: SERVICE_TEXT[type].description,
      metadata: true,
      type: 'blackbox',
      keywords: SERVICE_TEXT[type].keywords,
      group: GROUP,
    }));
  }

  /** @throws AppError not-found for a code that is not one of ours. */
  definition(code: string): ServiceDefinition {
    this.asbTypeOf(code);
    return {
      service_code: code,
      attributes: [
        {
          variable: true,
          code: 'when',
          datatype: 'singlevaluelist',
          required: true,
          datatype_description: null,
          order: 1,
          description: 'When is it happening?',
          values: ASB_WHEN.map((key) => ({ key, name: WHEN_NAMES[key] })),
        },
        {
          variable: true,
          code: 'frequency',
          datatype: 'singlevaluelist',
          required: false,
          datatype_description: 'Only when it keeps happening.',
          order: 2,
          description: 'How often does it happen?',
          values: ASB_FREQUENCIES.map((key) => ({ key, name: FREQUENCY_NAMES[key] })),
        },
      ],
    };
  }

  /** GET requests: ASB referrals by id, or by service, status and date range (90 days at most, 1,000 at most). */
  async requests(query: unknown, consumer: Open311Consumer): Promise<RequestRecord[]> {
    const parsed = requestsQuery.safeParse(query ?? {});
    if (!parsed.success) throw invalid(parsed.error);
    const q = parsed.data;
    if (q.service_request_id.length > 0) {
      const found = await Promise.all(q.service_request_id.map((id) => this.findAsb(id)));
      return this.records(found.filter((r): r is Referral => r !== null), consumer);
    }
    const types = q.service_code.map((code) => {
      try {
        return this.asbTypeOf(code);
      } catch {
        throw new AppError('invalid-input', `service_code ${code.slice(0, 40)} is not one of this endpoint's services`);
      }
    });
    const { from, before } = this.range(q.start_date, q.end_date);
    const statuses = q.status.length === 0 ? undefined : q.status.flatMap((s) => (s === 'open' ? OPEN_STATUSES : CLOSED_STATUSES));
    const page = await this.deps.store.referrals.listPage(
      { kind: ['asb'], ...(statuses ? { status: [...statuses] } : {}), createdFrom: from.toISOString(), createdBefore: before.toISOString() },
      { offset: 0, limit: types.length === 0 ? MAX_REQUESTS : MAX_REQUESTS * 10 },
    );
    const wanted = new Set(types);
    const items = page.items.filter((r) => wanted.size === 0 || (r.answers.kind === 'asb' && wanted.has(r.answers.asbType)));
    return this.records(items.slice(0, MAX_REQUESTS), consumer);
  }

  /** GET requests/{id}. @throws AppError not-found. */
  async request(id: string, consumer: Open311Consumer): Promise<RequestRecord> {
    const referral = await this.findAsb(id);
    if (!referral) throw new AppError('not-found', `service_request_id ${id.slice(0, 40)} was not found`);
    const [record] = await this.records([referral], consumer);
    return record as RequestRecord;
  }

  /**
   * POST requests: a report from a client becomes a referral in the hub's queue, through the same ReferralService
   * as the journeys, idempotently: the same Idempotency-Key (or FixMyStreet's attribute[fixmystreet_id] /
   * attribute[external_id], or else the same form) from the same consumer returns the first report's token.
   */
  async create(form: unknown, consumer: Open311Consumer, idempotencyKey: string | undefined): Promise<{ record: CreatedRecord; referral: Referral; created: boolean }> {
    const parsed = createForm.safeParse(form ?? {});
    const code = typeof (form as { service_code?: unknown } | null)?.service_code === 'string' ? (form as { service_code: string }).service_code.trim() : '';
    if (code !== '') this.asbTypeOf(code);
    if (!parsed.success) throw invalid(parsed.error);
    const f = parsed.data;
    const asbType = this.asbTypeOf(f.service_code);
    const name = [f.first_name, f.last_name].filter(Boolean).join(' ');
    const location = f.address_string ?? (f.lat !== undefined ? `${f.lat}, ${f.long}` : `Address id ${f.address_id ?? ''}`);
    const now = this.deps.clock.now().toISOString();
    const key = idempotencyKey?.trim() || f.attribute.fixmystreet_id || f.attribute.external_id || fingerprint(form);
    const risk = f.description ? this.deps.detector.assess(f.description) : { categories: [], matched: [] };
    const conversationId = `open311:${consumer.id}`;
    const { referral, created } = await this.deps.referrals.submitReferral(
      {
        kind: 'asb',
        answers: {
          kind: 'asb',
          asbType,
          location,
          postcode: f.address_string ? findPostcodeIn(f.address_string) : null,
          when: f.attribute.when,
          frequency: f.attribute.when === 'ongoing' ? f.attribute.frequency : null,
          dangerNow: false,
          description: f.description ?? null,
          ...(f.lat !== undefined && f.long !== undefined ? { coordinates: { lat: f.lat, long: f.long } } : {}),
        },
        contact:
          f.phone || f.email
            ? { anonymous: false, name: name || 'Not given', method: f.phone ? 'phone' : 'email', ...(f.phone ? { phone: f.phone } : {}), ...(f.email ? { email: f.email } : {}), bestTime: 'any' }
            : { anonymous: true },
        consent: { given: true, wordingVersion: CLIENT_CONSENT_VERSION, at: now },
        channel: 'open311',
        conversationId,
        urgencyReasons: risk.categories.map((c) => (c === 'danger' ? 'danger' : 'safeguarding')),
      },
      `open311:${consumer.id}:${createHash('sha256').update(key).digest('hex').slice(0, 40)}`,
    );
    if (created && risk.categories.length > 0) await this.deps.referrals.recordSafeguardingEvent(conversationId, risk.categories, risk.matched, { channel: 'open311' });
    return { record: { token: referral.id, service_notice: this.notice(), account_id: null }, referral, created };
  }

  /** GET tokens/{id}: only the consumer that submitted the report can turn its token into the request id. */
  async token(token: string, consumer: Open311Consumer): Promise<TokenRecord> {
    const referral = await this.deps.store.referrals.get(token);
    if (!referral || referral.kind !== 'asb' || !referral.idempotencyKey.startsWith(`open311:${consumer.id}:`)) {
      throw new AppError('not-found', `token ${token.slice(0, 40)} was not found`);
    }
    return { service_request_id: referral.reference, token };
  }

  // ---- mapping ---------------------------------------------------------------------------------------------------

  private async records(referrals: readonly Referral[], consumer: Open311Consumer): Promise<RequestRecord[]> {
    const descriptions = referrals.map((r) => (r.answers.kind === 'asb' ? r.answers.description : null));
    const present = descriptions.filter((d): d is string => d !== null && d !== '');
    const redacted = present.length > 0 ? await this.deps.redact(present) : [];
    let next = 0;
    return referrals.map((referral, i) => {
      const description = descriptions[i] ? redactFreeText(redacted[next++] ?? '') : null;
      return this.record(referral, description, consumer);
    });
  }

  private record(referral: Referral, description: string | null, consumer: Open311Consumer): RequestRecord {
    if (referral.answers.kind !== 'asb') throw new Error('only ASB referrals are Open311 requests');
    const answers = referral.answers;
    const record: RequestRecord = {
      service_request_id: referral.reference,
      status: CLOSED_STATUSES.includes(referral.status) ? 'closed' : 'open',
      status_notes: STATUS_NOTES[referral.status],
      service_name: SERVICE_TEXT[answers.asbType].name,
      service_code: `${SERVICE_PREFIX}${answers.asbType}`,
      description,
      agency_responsible: this.deps.profile.open311?.agencyResponsible ?? this.deps.profile.name,
      service_notice: this.notice(),
      requested_datetime: w3Datetime(referral.createdAt),
      updated_datetime: w3Datetime(referral.updatedAt),
      expected_datetime: w3Datetime(referral.slaDueAt),
      address: this.safeAddress(referral),
    };
    if (answers.coordinates) {
      record.lat = Math.round(answers.coordinates.lat * 1000) / 1000;
      record.long = Math.round(answers.coordinates.long * 1000) / 1000;
    }
    const contact = referral.contact;
    if (!contact.anonymous && referral.sharing?.agreed === true && referral.sharing.body === consumer.body) {
      const [first, ...rest] = contact.name.split(/\s+/);
      record.first_name = first ?? contact.name;
      if (rest.length > 0) record.last_name = rest.join(' ');
      if (contact.email) record.email = contact.email;
      if (contact.phone) record.phone = contact.phone;
    }
    return record;
  }

  /** Most specific first, never the typed words: a listed place or postcode sector, the ward, the borough. */
  private safeAddress(referral: Referral): string {
    if (referral.answers.kind !== 'asb') return this.deps.profile.shortName;
    const match = this.deps.places.match(referral.answers.location, referral.ward.code, referral.answers.postcode);
    const place = match.place.startsWith('place:') ? match.place.slice('place:'.length) : match.place.startsWith('sector:') ? `${match.place.slice('sector:'.length)} postcode sector` : null;
    const wardName = referral.ward.name ?? (match.placeWard ? this.deps.profile.wardByCode(match.placeWard)?.name ?? null : null);
    return [place, wardName ? `${wardName} ward` : null, this.deps.profile.shortName].filter(Boolean).join(', ');
  }

  private notice(): string | null {
    return this.deps.profile.open311?.serviceNotice ?? null;
  }

  private asbTypeOf(code: string): AsbType {
    const type = code.startsWith(SERVICE_PREFIX) ? code.slice(SERVICE_PREFIX.length) : '';
    if (!(ASB_TYPES as readonly string[]).includes(type)) throw new AppError('not-found', `service_code ${code.slice(0, 40)} was not found`);
    return type as AsbType;
  }

  private async findAsb(reference: string): Promise<Referral | null> {
    if (!/^HUB-[0-9A-Z]{6}$/.test(reference)) return null;
    const referral = await this.deps.store.referrals.getByReference(reference);
    return referral?.kind === 'asb' ? referral : null;
  }

  /** The spec's defaults: the most recent 90 days; a range given may not span more than 90 days. */
  private range(start: Date | undefined, end: Date | undefined): { from: Date; before: Date } {
    const span = MAX_RANGE_DAYS * 86_400_000;
    const last = end ?? (start ? new Date(start.getTime() + span) : this.deps.clock.now());
    const first = start ?? new Date(last.getTime() - span);
    if (first > last) throw new AppError('invalid-input', 'start_date must not be after end_date');
    if (last.getTime() - first.getTime() > span) throw new AppError('invalid-input', `start_date to end_date may not span more than ${MAX_RANGE_DAYS} days`);
    return { from: first, before: new Date(last.getTime() + 1) };
  }
}

/** The same form sent again (a retry without an idempotency key) gives the same fingerprint. */
function fingerprint(form: unknown): string {
  const entries = Object.entries((form ?? {}) as Record<string, unknown>)
    .filter(([k]) => k !== 'api_key')
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(entries);
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

/** W3C date-time in UK local time with its offset: "2026-11-16T10:00:00+00:00", "2026-07-01T11:00:00+01:00". */
export function w3Datetime(iso: string): string {
  const parts = LONDON.formatToParts(new Date(iso));
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const zone = get('timeZoneName').replace(/^GMT/, '');
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}${zone === '' ? '+00:00' : zone}`;
}
