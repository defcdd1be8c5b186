/**
 * Open311 GeoReport v2 conformance for ASB reports, against the real server and the embedded store: every endpoint
 * in both formats (XML parsed and its element names checked), the spec's errors, keys on every endpoint, redaction,
 * consent to share contact details with one named body, and idempotent submission.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { w3Datetime } from '../services/open311/georeport';
import type { Referral } from '../services/referrals/model';
import type { Open311Consumer } from '../services/store/types';
import { makeReferral, numbered } from './support/referralFactory';
import { startTestApp, type TestApp } from './support/testApp';

type Format = 'json' | 'xml';
const FORMATS: Format[] = ['json', 'xml'];

/** Elements the spec defines for each document; anything else in our output would be a conformance slip. */
const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
const REQUEST_FIELDS = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
];
/** Contact fields: POST arguments in the spec, returned only with the resident's consent for the consumer's body. */
const CONTACT_FIELDS = ['first_name', 'last_name', 'email', 'phone'];
const LISTS = new Set(['service', 'request', 'error', 'attribute', 'value']);
const xml = new XMLParser({ isArray: (name) => LISTS.has(name), parseTagValue: false });

interface Reply {
  status: number;
  contentType: string;
  text: string;
  headers: Headers;
}

type Row = Record<string, unknown>;

/** The document as JSON-shaped data, whichever format: XML is parsed and checked for its declaration and root. */
function parse(format: Format, reply: Reply, root: string, item?: string): unknown {
  if (format === 'json') {
    assert.match(reply.contentType, /^application\/json; charset=utf-8$/);
    return JSON.parse(reply.text) as unknown;
  }
  assert.match(reply.contentType, /^text\/xml; charset=utf-8$/);
  assert.match(reply.text, /^<\?xml version="1.0" encoding="utf-8"\?>\n/);
  const doc = xml.parse(reply.text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc).filter((k) => k !== '?xml'), [root], `root element is <${root}>`);
  const top = doc[root];
  if (item === undefined) return top;
  if (top === '' || top === undefined) return [];
  assert.deepEqual(Object.keys(top as Row), [item], `<${root}> holds only <${item}> elements`);
  return (top as Row)[item];
}

function errorsOf(format: Format, reply: Reply): { code: string; description: string }[] {
  const errors = parse(format, reply, 'errors', 'error') as Row[];
  assert.ok(errors.length >= 1);
  return errors.map((e) => {
    assert.deepEqual(Object.keys(e).sort(), ['code', 'description']);
    return { code: String(e.code), description: String(e.description) };
  });
}

function assertError(format: Format, reply: Reply, status: number, description: RegExp): void {
  assert.equal(reply.status, status, reply.text);
  const [error] = errorsOf(format, reply);
  assert.equal(error?.code, String(status));
  assert.match(error?.description ?? '', description);
}

describe('Open311 GeoReport v2 for ASB reports', function () {
  let t: TestApp;
  let asbTeam: { consumer: Open311Consumer; key: string };
  let police: { consumer: Open311Consumer; key: string };
  let revoked: { consumer: Open311Consumer; key: string };
  let shared: Referral;
  let declined: Referral;
  let closedAnonymous: Referral;
  let old: Referral;
  let befriending: Referral;

  const call = async (method: 'GET' | 'POST', path: string, options: { key?: string | null; header?: string; body?: Record<string, string>; idempotencyKey?: string } = {}): Promise<Reply> => {
    const url = new URL(`${t.url}/open311/v2/${path}`);
    const form = new URLSearchParams(options.body ?? {});
    const key = options.key === undefined ? asbTeam.key : options.key;
    if (key !== null && method === 'GET') url.searchParams.set('api_key', key);
    if (key !== null && method === 'POST') form.set('api_key', key);
    const headers: Record<string, string> = {};
    if (options.header) headers['x-api-key'] = options.header;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    const res = await fetch(url, { method, headers, ...(method === 'POST' ? { body: form.toString() } : {}) });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text(), headers: res.headers };
  };

  const report = (overrides: Record<string, string> = {}): Record<string, string> => ({
    service_code: 'asb-vehicles',
    address_string: 'Car park behind Market Parade, S60 9ZZ',
    description: 'Off-road bikes racing round every evening',
    'attribute[when]': 'ongoing',
    'attribute[frequency]': 'daily',
    ...overrides,
  });

  before(async () => {
    t = await startTestApp({ env: { OPEN311_RATE_LIMIT: '100000' } });
    asbTeam = await t.app.open311.keys.add('Rotherham ASB case system', 'rotherham-asb-team');
    police = await t.app.open311.keys.add('South Yorkshire Police', 'south-yorkshire-police');
    revoked = await t.app.open311.keys.add('Old integration', 'rotherham-asb-team');
    await t.app.open311.keys.revoke(revoked.consumer.id);

    const asb = makeReferral({ kind: 'asb' }).answers;
    const asbAnswers = (over: Partial<Extract<Referral['answers'], { kind: 'asb' }>>): Referral['answers'] => ({ ...(asb as Extract<Referral['answers'], { kind: 'asb' }>), ...over });
    const sharing = (agreed: boolean) => ({ body: 'rotherham-asb-team', agreed, wordingVersion: 'asb-sharing-2026-11-v1', at: '2026-11-16T09:00:00.000Z' });
    shared = makeReferral({
      ...numbered(1), kind: 'asb', createdAt: '2026-11-16T09:00:00.000Z', updatedAt: '2026-11-16T09:30:00.000Z',
      ward: { code: 'E05012996', name: 'Boston Castle', source: 'postcode-table' },
      contact: { anonymous: false, name: 'Dev Khan', method: 'phone', phone: '0114 496 0999', email: 'dev.khan@example.org', bestTime: 'any' },
      sharing: sharing(true),
      answers: asbAnswers({
        asbType: 'noise', location: 'outside 14 Castle Rd, the house with the red door', postcode: null,
        description: 'Music until 3am every night. Text me on 07700 900123 or email jo.bloggs@example.org, I live at S60 2AB.',
      }),
    });
    declined = makeReferral({
      ...numbered(2), kind: 'asb', createdAt: '2026-11-15T09:00:00.000Z', ward: { code: null, name: null, source: 'unknown' },
      contact: { anonymous: false, name: 'Ann Lee', method: 'phone', phone: '0114 496 0123', bestTime: 'any' },
      sharing: sharing(false),
      answers: asbAnswers({ asbType: 'vandalism', location: 'my street, S60 2AB', postcode: 'S60 2AB', description: 'Bus shelter smashed' }),
    });
    closedAnonymous = makeReferral({
      ...numbered(3), kind: 'asb', status: 'closed', createdAt: '2026-11-14T09:00:00.000Z', contact: { anonymous: true },
      answers: asbAnswers({ asbType: 'drugs', description: null }),
    });
    old = makeReferral({ ...numbered(4), kind: 'asb', createdAt: '2026-07-01T09:00:00.000Z', updatedAt: '2026-07-01T09:00:00.000Z' });
    befriending = makeReferral({ ...numbered(5) });
    for (const r of [shared, declined, closedAnonymous, old, befriending]) await t.app.store.referrals.insertIfAbsent(r);
  });

  after(async () => {
    await t.stop();
  });

  describe('conformance, every endpoint in both formats', () => {
    for (const format of FORMATS) {
      it(`when services.${format} is asked for, then there is one blackbox service per ASB type, grouped, with the spec's fields only`, async () => {
        const services = parse(format, await call('GET', `services.${format}`), 'services', 'service') as Row[];
        assert.deepEqual(services.map((s) => s.service_code), ['asb-noise', 'asb-vandalism', 'asb-drugs', 'asb-intimidation', 'asb-vehicles', 'asb-other']);
        for (const s of services) {
          assert.deepEqual(Object.keys(s), SERVICE_FIELDS);
          assert.equal(String(s.type), 'blackbox');
          assert.equal(String(s.metadata), 'true');
          assert.equal(s.group, 'Anti-social behaviour');
        }
      });

      it(`when services/{code}.${format} is asked for, then the definition asks when it happens, with the spec's attribute fields`, async () => {
        const def = parse(format, await call('GET', `services/asb-noise.${format}`), 'service_definition') as Row;
        assert.equal(def.service_code, 'asb-noise');
        const attributes = (format === 'xml' ? (def.attributes as Row).attribute : def.attributes) as Row[];
        assert.deepEqual(attributes.map((a) => a.code), ['when', 'frequency']);
        for (const a of attributes) assert.deepEqual(Object.keys(a), ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description', 'values']);
        const values = (format === 'xml' ? ((attributes[0] as Row).values as Row).value : (attributes[0] as Row).values) as Row[];
        assert.deepEqual(values.map((v) => v.key), ['now', 'earlier-today', 'ongoing']);
        assert.equal(String((attributes[0] as Row).required), 'true');
      });

      it(`when requests.${format} is asked for, then ASB referrals of the last 90 days come back with the spec's fields, and nothing else`, async () => {
        const requests = parse(format, await call('GET', `requests.${format}`), 'service_requests', 'request') as Row[];
        const ids = requests.map((r) => r.service_request_id);
        // Seeded ones only (reports POSTed by other tests are there too): ASB of the last 90 days, nothing older, no befriending.
        assert.deepEqual(ids.filter((id) => /^HUB-00000\d$/.test(String(id))).sort(), [shared.reference, declined.reference, closedAnonymous.reference].sort());
        for (const r of requests) for (const key of Object.keys(r)) assert.ok([...REQUEST_FIELDS, ...CONTACT_FIELDS].includes(key), `unexpected <${key}>`);
        const first = requests.find((r) => r.service_request_id === shared.reference) as Row;
        assert.equal(first.status, 'open');
        assert.equal(first.service_code, 'asb-noise');
        assert.equal(first.service_name, 'Noise');
        assert.equal(first.agency_responsible, 'Rotherham Community Hub');
        assert.match(String(first.service_notice), /Rotherham Community Hub/);
        assert.equal(first.requested_datetime, '2026-11-16T09:00:00+00:00');
        assert.equal(first.updated_datetime, '2026-11-16T09:30:00+00:00');
        assert.equal(first.expected_datetime, w3Datetime(shared.slaDueAt));
        assert.equal((requests.find((r) => r.service_request_id === closedAnonymous.reference) as Row).status, 'closed');
      });

      it(`when requests/{id}.${format} is asked for, then that one request comes back in a service_requests document`, async () => {
        const [request, ...rest] = parse(format, await call('GET', `requests/${declined.reference}.${format}`), 'service_requests', 'request') as Row[];
        assert.equal(rest.length, 0);
        assert.equal(request?.service_request_id, declined.reference);
        assert.equal(request?.service_code, 'asb-vandalism');
      });

      it(`when a report is POSTed to requests.${format}, then it is in the hub's queue and the token from tokens/{token}.${format} resolves to its id`, async () => {
        const [created, ...more] = parse(format, await call('POST', `requests.${format}`, { body: report(), idempotencyKey: `conformance-${format}` }), 'service_requests', 'request') as Row[];
        assert.equal(more.length, 0);
        assert.deepEqual(Object.keys(created ?? {}), ['token', 'service_notice', 'account_id']);
        assert.equal(created?.service_request_id, undefined, 'a blackbox service returns a token, not the request id');
        const token = String(created?.token);

        const [resolved] = parse(format, await call('GET', `tokens/${token}.${format}`), 'service_requests', 'request') as Row[];
        assert.deepEqual(Object.keys(resolved ?? {}), ['service_request_id', 'token']);
        assert.equal(resolved?.token, token);
        const referral = await t.app.store.referrals.getByReference(String(resolved?.service_request_id));
        assert.ok(referral && referral.answers.kind === 'asb');
        assert.equal(referral.id, token);
        assert.equal(referral.status, 'new');
        assert.equal(referral.channel, 'open311');
        assert.equal(referral.answers.asbType, 'vehicles');
        assert.equal(referral.answers.when, 'ongoing');
        assert.equal(referral.answers.frequency, 'daily');
        assert.equal(referral.ward.code, 'E05012996', 'placed in a ward from the postcode in address_string');
        assert.deepEqual(referral.contact, { anonymous: true });
      });
    }
  });

  describe('keys', () => {
    const endpoints: [method: 'GET' | 'POST', path: (f: Format) => string][] = [
      ['GET', (f) => `services.${f}`],
      ['GET', (f) => `services/asb-noise.${f}`],
      ['GET', (f) => `requests.${f}`],
      ['GET', (f) => `requests/HUB-000001.${f}`],
      ['GET', (f) => `tokens/referral-1.${f}`],
      ['POST', (f) => `requests.${f}`],
    ];
    for (const format of FORMATS) {
      it(`when any endpoint is called in ${format} without a key, with a wrong one or a revoked one, then it is 403 in the spec's error format and nothing is created`, async () => {
        const before = await t.app.store.referrals.count();
        for (const [method, path] of endpoints) {
          const body = method === 'POST' ? report() : undefined;
          assertError(format, await call(method, path(format), { key: null, ...(body ? { body } : {}) }), 403, /api_key is required/);
          assertError(format, await call(method, path(format), { key: 'o311_not-a-real-key', ...(body ? { body } : {}) }), 403, /Invalid or revoked api_key/);
          assertError(format, await call(method, path(format), { key: revoked.key, ...(body ? { body } : {}) }), 403, /Invalid or revoked api_key/);
        }
        assert.equal(await t.app.store.referrals.count(), before);
      });
    }

    it('when the key comes in an X-API-Key header instead, then it is accepted', async () => {
      const reply = await call('GET', 'services.json', { key: null, header: asbTeam.key });
      assert.equal(reply.status, 200);
    });

    it('when a consumer reads and writes, then each access is audited under its id, with no key and no client address', async () => {
      await call('GET', `requests/${shared.reference}.json`);
      const entries = await t.app.store.audit.list({ action: 'open311.access' });
      const mine = entries.filter((e) => e.actor === `open311:${asbTeam.consumer.id}`);
      assert.ok(mine.some((e) => e.detail.endpoint === 'request' && e.detail.status === 200));
      assert.ok(mine.some((e) => e.detail.endpoint === 'create-request' && e.detail.created === true));
      const text = JSON.stringify(entries);
      for (const secret of [asbTeam.key, police.key, '127.0.0.1', 'Dev Khan', '07700 900123']) assert.ok(!text.includes(secret));
      assert.ok(!entries.some((e) => e.actor.includes(revoked.consumer.id)), 'refused calls have no consumer to audit');
    });
  });

  describe('errors as the spec gives them', () => {
    for (const format of FORMATS) {
      it(`when parameters are wrong (${format}), then it is 400 with a description that says which`, async () => {
        assertError(format, await call('GET', `requests.${format}?start_date=yesterday`), 400, /start_date must be a W3C date-time/);
        assertError(format, await call('GET', `requests.${format}?start_date=2026-11-16T10:00:00`), 400, /time zone/);
        assertError(format, await call('GET', `requests.${format}?status=pending`), 400, /status.*open or closed/);
        assertError(format, await call('GET', `requests.${format}?start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z`), 400, /more than 90 days/);
        assertError(format, await call('GET', `requests.${format}?start_date=2026-11-10T00:00:00Z&end_date=2026-11-01T00:00:00Z`), 400, /start_date must not be after end_date/);
        assertError(format, await call('GET', `requests.${format}?service_code=pothole`), 400, /service_code pothole/);
        assertError(format, await call('POST', `requests.${format}`, { body: { description: 'no code' } }), 400, /service_code is required/);
        assertError(format, await call('POST', `requests.${format}`, { body: report({ address_string: '' }) }), 400, /a location is required/);
        assertError(format, await call('POST', `requests.${format}`, { body: report({ lat: '53.43' }) }), 400, /lat and long must be sent together/);
        assertError(format, await call('POST', `requests.${format}`, { body: report({ 'attribute[when]': '' }) }), 400, /attribute\[when\] is required/);
        assertError(format, await call('POST', `requests.${format}`, { body: report({ email: 'not-an-email' }) }), 400, /email must be an email address/);
        assertError(format, await call('POST', `requests.${format}`, { body: report({ description: 'x'.repeat(4001) }) }), 400, /description must be at most 4,000 characters/);
      });

      it(`when a service, request or token does not exist (${format}), then it is 404`, async () => {
        assertError(format, await call('GET', `services/asb-potholes.${format}`), 404, /service_code asb-potholes was not found/);
        assertError(format, await call('GET', `requests/HUB-ZZZZZZ.${format}`), 404, /was not found/);
        assertError(format, await call('GET', `requests/${befriending.reference}.${format}`), 404, /was not found/);
        assertError(format, await call('GET', `tokens/no-such-token.${format}`), 404, /token no-such-token was not found/);
        assertError(format, await call('POST', `requests.${format}`, { body: report({ service_code: 'pothole' }) }), 404, /service_code pothole was not found/);
        assertError(format, await call('GET', `nothing-here.${format}`), 404, /no such Open311 resource/);
      });
    }

    it('when the URL has no format or another one, then it is 400 (in XML, the required format)', async () => {
      assertError('xml', await call('GET', 'services/asb-noise.csv'), 400, /\.json or \.xml/);
      assertError('xml', await call('GET', `requests/${shared.reference}`), 400, /\.json or \.xml/);
    });

    it('when a consumer passes the rate limit, then it is told politely to wait, with Retry-After, and other consumers are not slowed', async () => {
      const limited = await startTestApp({ env: { OPEN311_RATE_LIMIT: '2', OPEN311_RATE_WINDOW_SECONDS: '60' } });
      try {
        const a = await limited.app.open311.keys.add('A', 'rotherham-asb-team');
        const b = await limited.app.open311.keys.add('B', 'south-yorkshire-police');
        const get = (key: string) => fetch(`${limited.url}/open311/v2/services.json?api_key=${key}`);
        assert.equal((await get(a.key)).status, 200);
        assert.equal((await get(a.key)).status, 200);
        const third = await get(a.key);
        assert.equal(third.status, 429);
        assert.equal(third.headers.get('retry-after'), '60');
        assert.deepEqual(await third.json(), [{ code: 429, description: 'Too many requests for this api_key: please wait 60 seconds and try again' }]);
        assert.equal((await get(b.key)).status, 200);
        limited.clock.advance(60_000);
        assert.equal((await get(a.key)).status, 200, 'the window clears');
      } finally {
        await limited.stop();
      }
    });
  });

  describe('filters', () => {
    const ids = async (query: string) =>
      ((parse('json', await call('GET', `requests.json?${query}`), 'service_requests', 'request') as Row[]).map((r) => r.service_request_id) as string[]).sort();

    it('when status, service_code, dates or ids are given, then only matching ASB requests come back', async () => {
      assert.deepEqual(await ids('status=closed'), [closedAnonymous.reference]);
      assert.deepEqual(await ids('status=open&service_code=asb-noise,asb-vandalism'), [shared.reference, declined.reference].sort());
      assert.deepEqual(await ids('start_date=2026-06-15T00:00:00Z&end_date=2026-08-01T00:00:00%2B01:00'), [old.reference]);
      assert.deepEqual(await ids(`service_request_id=${shared.reference},${old.reference},${befriending.reference}`), [shared.reference, old.reference].sort());
    });
  });

  describe('redaction and safe locations', () => {
    for (const format of FORMATS) {
      it(`when a description holds a UK mobile, an email and a postcode (${format}), then they come out redacted, and the address is never the typed words`, async () => {
        const [r] = parse(format, await call('GET', `requests/${shared.reference}.${format}`), 'service_requests', 'request') as Row[];
        assert.equal(r?.description, 'Music until 3am every night. Text me on [phone] or email [email], I live at [postcode].');
        assert.equal(r?.address, 'Castle Road (example), Boston Castle ward, Rotherham');
        const [d] = parse(format, await call('GET', `requests/${declined.reference}.${format}`), 'service_requests', 'request') as Row[];
        assert.equal(d?.address, 'S60 2 postcode sector, Rotherham');
        const [c] = parse(format, await call('GET', `requests/${closedAnonymous.reference}.${format}`), 'service_requests', 'request') as Row[];
        assert.ok(c?.description === null || c?.description === '', 'no description stays empty');
      });
    }

    it('when a client sent coordinates, then they come back to about 100 m, and a POSTed description is redacted too', async () => {
      const [created] = parse('json', await call('POST', 'requests.json', { body: report({ address_string: '', lat: '53.432123', long: '-1.356789', description: 'Ring 07700 900456' }) }), 'service_requests', 'request') as Row[];
      const [resolved] = parse('json', await call('GET', `tokens/${String(created?.token)}.json`), 'service_requests', 'request') as Row[];
      const [r] = parse('json', await call('GET', `requests/${String(resolved?.service_request_id)}.json`), 'service_requests', 'request') as Row[];
      assert.equal(r?.lat, 53.432);
      assert.equal(r?.long, -1.357);
      assert.equal(r?.description, 'Ring [phone]');
    });
  });

  describe("residents' consent to share contact details", () => {
    for (const format of FORMATS) {
      it(`when the resident agreed to share with the ASB team (${format}), then only the ASB team's consumer sees their details, and never for a resident who said no`, async () => {
        const asTeam = parse(format, await call('GET', `requests.${format}`), 'service_requests', 'request') as Row[];
        const sharedRow = asTeam.find((r) => r.service_request_id === shared.reference) as Row;
        assert.equal(sharedRow.first_name, 'Dev');
        assert.equal(sharedRow.last_name, 'Khan');
        assert.equal(sharedRow.phone, '0114 496 0999');
        assert.equal(sharedRow.email, 'dev.khan@example.org');
        for (const r of asTeam.filter((x) => x.service_request_id !== shared.reference)) {
          for (const field of CONTACT_FIELDS) assert.equal(r[field], undefined, `${String(r.service_request_id)} ${field}`);
        }

        const asPolice = parse(format, await call('GET', `requests.${format}`, { key: police.key }), 'service_requests', 'request') as Row[];
        assert.equal(asPolice.length, asTeam.length);
        for (const r of asPolice) for (const field of CONTACT_FIELDS) assert.equal(r[field], undefined);
        const single = await call('GET', `requests/${shared.reference}.${format}`, { key: police.key });
        assert.ok(!single.text.includes('Khan') && !single.text.includes('0114 496 0999'));
      });
    }
  });

  describe('safeguarding', () => {
    it('when a submitted description says someone is at risk, then the report is urgent and staff are alerted, with phrase ids only', async () => {
      const alerts: string[][] = [];
      const unsubscribe = t.app.alerts.subscribe((alert) => {
        alerts.push(alert.categories);
      });
      try {
        const [created] = JSON.parse((await call('POST', 'requests.json', { body: report({ description: 'He says he is going to kill himself tonight' }) })).text) as Row[];
        const referral = await t.app.store.referrals.get(String(created?.token));
        assert.equal(referral?.urgent, true);
        assert.deepEqual(referral?.urgencyReasons, ['safeguarding']);
        assert.deepEqual(alerts, [['suicide-self-harm']]);
      } finally {
        unsubscribe();
      }
    });
  });

  describe('idempotent submission', () => {
    it('when a client retries a POST with the same Idempotency-Key, then there is exactly one referral and the same token', async () => {
      const before = await t.app.store.referrals.count();
      const replies = await Promise.all([1, 2, 3].map(() => call('POST', 'requests.json', { body: report({ phone: '07700 900789', first_name: 'Sam' }), idempotencyKey: 'fms-retry-1' })));
      const tokens = new Set(replies.map((r) => (JSON.parse(r.text) as Row[])[0]?.token));
      assert.equal(tokens.size, 1);
      assert.equal(await t.app.store.referrals.count(), before + 1);
      const referral = await t.app.store.referrals.get(String([...tokens][0]));
      assert.deepEqual(referral?.contact, { anonymous: false, name: 'Sam', method: 'phone', phone: '07700 900789', bestTime: 'any' });
      assert.equal(referral?.sharing, undefined, 'a client submission gives no consent to share with other bodies');
    });

    it("when FixMyStreet sends attribute[fixmystreet_id] twice, or the same form twice without a key, then there is one referral each; another consumer's token is not resolvable", async () => {
      const before = await t.app.store.referrals.count();
      const fms = report({ 'attribute[fixmystreet_id]': '4242', description: 'first wording' });
      const first = JSON.parse((await call('POST', 'requests.xml'.replace('xml', 'json'), { body: fms })).text) as Row[];
      const second = JSON.parse((await call('POST', 'requests.json', { body: { ...fms, description: 'edited on resend' } })).text) as Row[];
      assert.equal(first[0]?.token, second[0]?.token);
      const plain = report({ description: 'same form twice' });
      const third = JSON.parse((await call('POST', 'requests.json', { body: plain })).text) as Row[];
      const fourth = JSON.parse((await call('POST', 'requests.json', { body: plain })).text) as Row[];
      assert.equal(third[0]?.token, fourth[0]?.token);
      assert.equal(await t.app.store.referrals.count(), before + 2);
      assertError('json', await call('GET', `tokens/${String(first[0]?.token)}.json`, { key: police.key }), 404, /was not found/);
    });
  });

  describe('hostile input', () => {
    const FIELDS = ['service_code', 'lat', 'long', 'address_string', 'address_id', 'email', 'phone', 'first_name', 'last_name', 'description',
      'attribute[when]', 'attribute[frequency]', 'attribute', 'attribute[][]', 'service_request_id', 'status', 'start_date', 'end_date'];
    const value = fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('asb-noise', 'ongoing', '53.4', '-1.3', 'NaN', '1e999', 'open', '2026-11-01T00:00:00Z', 'x'.repeat(5000)));
    const params = fc.array(fc.tuple(fc.constantFrom(...FIELDS), value), { maxLength: 12 });

    it('when random parameters reach every endpoint in either format, then the answer is 200, 400 or 404 in the format asked for, never 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(params, fc.constantFrom('services', 'services/asb-noise', 'requests', `requests/${shared.reference}`, 'tokens/x', 'POST requests'), fc.constantFrom<Format>('json', 'xml'), async (pairs, endpoint, format) => {
          const search = new URLSearchParams(pairs);
          const post = endpoint.startsWith('POST ');
          const path = `${post ? endpoint.slice(5) : endpoint}.${format}`;
          const query = search.toString();
          const reply = post ? await call('POST', path, { body: Object.fromEntries(search) }) : await call('GET', `${path}?${query}`);
          if (!post && query.length > http.maxHeaderSize) {
            // A request line longer than Node's header limit is refused by Node's parser before any of our code runs.
            assert.equal(reply.status, 431);
            return;
          }
          assert.ok([200, 400, 404].includes(reply.status), `${reply.status} ${reply.text}`);
          if (reply.status !== 200) errorsOf(format, reply);
        }),
        { numRuns: 100 },
      );
    });
  });

  it('when a time is in British Summer Time, then it is written with its +01:00 offset', () => {
    assert.equal(w3Datetime('2026-07-01T09:00:00.000Z'), '2026-07-01T10:00:00+01:00');
    assert.equal(w3Datetime('2026-11-16T10:00:00.000Z'), '2026-11-16T10:00:00+00:00');
  });
});
