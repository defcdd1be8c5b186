/**
 * The service directory (Open Referral UK): imports from a feed and from a tabular data package, what is rejected
 * and why, the last good import kept, the read-only API checked against the standard's OpenAPI document and
 * schemas, and the journeys signposting from what was imported (need, ward or distance, open today).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { loadConfig } from '../bot/config';
import { loadCouncilProfile } from '../services/council/loadProfile';
import { TablePostcodeLookup } from '../services/council/postcodeTable';
import { openApiResponseValidator, SCHEMA_DIR } from '../services/directory/orukSchemas';
import { BotClient } from './support/botClient';
import { OrukFeed, orukService, taxonomy, uuidFor } from './support/orukFeed';
import { startTestApp, tempDataDir, type TestApp } from './support/testApp';
import { play } from './support/transcript';

const BOSTON_CASTLE = 'E05012996';
const ROTHERHAM_EAST = 'E05013010';

/** Rotherham with a postcode table that also has centroids (fictional pairings, as in the shared fixture). */
function rotherhamWithCentroids() {
  const base = loadCouncilProfile('rotherham');
  const table = TablePostcodeLookup.fromCsv(
    `postcode,ward_code,latitude,longitude\nS60 9ZZ,${BOSTON_CASTLE},53.4250,-1.3560\nS65 9ZZ,${ROTHERHAM_EAST},53.4330,-1.3400\n`,
    base.wards,
    'test postcodes',
  );
  return loadCouncilProfile('rotherham', { postcodeLookup: table });
}

/** What the tests' feed holds: valid services for the journeys, and one of each kind of bad record. */
function goodServices(): Record<string, unknown>[] {
  return [
    orukService({ name: 'Tuesday Pantry', terms: ['col-food'], byday: 'TU,WE', opens: '10:00', closes: '13:00' }),
    orukService({ name: 'Monday Larder', terms: ['col-food'], byday: 'MO', opens: '09:00', closes: '12:00' }),
    orukService({ name: 'Boston Castle Pantry', terms: ['col-food'], wards: [BOSTON_CASTLE], byday: 'MO,TU', opens: '12:00', closes: '15:00' }),
    orukService({ name: 'Far Groups', terms: ['bef-groups', 'befriending'], byday: 'MO', opens: '09:00', closes: '17:00', location: { latitude: 53.5, longitude: -1.2 } }),
    orukService({ name: 'Near Groups', terms: ['bef-groups', 'befriending'], byday: 'MO', opens: '09:00', closes: '17:00', location: { latitude: 53.426, longitude: -1.357 } }),
    orukService({ name: 'Castle Ward Club', terms: ['bef-groups', 'befriending'], wards: [BOSTON_CASTLE], byday: 'TH', opens: '14:00', closes: '16:00' }),
    orukService({ name: 'East Ward Club', terms: ['bef-groups', 'befriending'], wards: [ROTHERHAM_EAST], byday: 'MO', opens: '09:00', closes: '17:00' }),
  ];
}

function badServices(): Record<string, unknown>[] {
  const wrongStatus = orukService({ name: 'Wrong Status', terms: ['col-food'], status: 'open' });
  const badEmail = { ...orukService({ name: 'Bad Email', terms: ['col-food'] }), email: 'not-an-email' };
  const noName = orukService({ name: 'No Name', terms: ['col-food'] });
  delete noName['name'];
  const otherCouncil = orukService({ name: 'Other Council', terms: ['col-food'], wards: ['E05999999'] });
  const unknownTerm = orukService({ name: 'Typo Term', terms: ['col-fod'] });
  const detailFails = orukService({ name: 'Detail Fails', terms: ['col-food'] });
  return [wrongStatus, badEmail, noName, otherCouncil, unknownTerm, detailFails];
}

/** Collects log lines as text, to check what an import writes. */
function capturingLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('service directory (Open Referral UK)', function () {
  let feed: OrukFeed;
  let t: TestApp | null = null;

  beforeEach(async () => {
    feed = await new OrukFeed().start();
    feed.services = [...goodServices(), ...badServices()];
    feed.taxonomies = [taxonomy(['col-food', 'bef-groups', 'befriending']), { id: uuidFor('bad taxonomy'), name: 'No description' }];
    feed.failingDetails.add(uuidFor('service:Detail Fails'));
  });
  afterEach(async () => {
    await t?.stop();
    t = null;
    await feed.stop();
  });

  describe('import from a feed', () => {
    it('when the feed answers in the standard shape over several pages, including invalid records, then the valid ones are in force and each rejected one is reported with its reasons', async () => {
      const { logger, lines } = capturingLogger();
      t = await startTestApp({ logger, profile: rotherhamWithCentroids() });
      const report = await t.app.directoryImporter.run({ kind: 'feed', url: feed.url });

      assert.ok(feed.requests.includes('/api/services?page=5&per_page=100'), 'pages through all 13 services, three at a time');
      assert.equal(report.applied, true);
      assert.equal(report.accepted, 7);
      assert.equal(report.taxonomies.accepted, 1);
      const reasons = (name: string): string => (report.rejected.find((r) => r.id === uuidFor(`service:${name}`))?.reasons ?? []).join('\n');
      assert.match(reasons('Wrong Status'), /status: must be one of active, inactive, defunct, temporarily closed$/m);
      assert.match(reasons('Bad Email'), /email: must match format "email"$/m);
      assert.match(reasons('No Name'), /name: is missing/);
      assert.match(reasons('Other Council'), /service_areas\[0\]\.uri: E05999999 is neither a ward in wards\.csv nor the council/);
      assert.match(reasons('Typo Term'), /unknown term "col-fod"/);
      assert.match(reasons('Detail Fails'), /\/services\/\{id\}: HTTP 500/);
      assert.equal(report.rejected.length, 6);
      assert.deepEqual(report.taxonomies.rejected, [{ id: uuidFor('bad taxonomy'), reasons: ['description: is missing'] }]);

      const names = t.app.directory.current().services.map((s) => s.name);
      assert.deepEqual(names, ['Tuesday Pantry', 'Monday Larder', 'Boston Castle Pantry', 'Far Groups', 'Near Groups', 'Castle Ward Club', 'East Ward Club']);
      assert.equal(t.app.directory.current().exampleData, false);

      const log = lines.join('');
      assert.match(log, /directory imported/);
      assert.match(log, new RegExp(uuidFor('service:Wrong Status')));
      assert.doesNotMatch(log, /0114 496 0555|not-an-email|Trust/, 'the log carries ids and reasons, not record contents');
    });

    it('when a later import fails or rejects everything, then the last good import stays in force, also after a restart', async () => {
      const dataDir = tempDataDir();
      t = await startTestApp({ dataDir, profile: rotherhamWithCentroids() });
      assert.equal((await t.app.directoryImporter.run({ kind: 'feed', url: feed.url })).applied, true);

      feed.services = badServices();
      const allBad = await t.app.directoryImporter.run({ kind: 'feed', url: feed.url });
      assert.equal(allBad.applied, false);
      assert.match(allBad.notAppliedBecause ?? '', /every service was rejected/);

      feed.brokenPages = true;
      const broken = await t.app.directoryImporter.run({ kind: 'feed', url: feed.url });
      assert.equal(broken.applied, false);
      assert.match(broken.notAppliedBecause ?? '', /\/services page 1 is not an Open Referral UK page: total_items: is missing/);

      feed.brokenPages = false;
      feed.services = goodServices();
      for (const s of feed.services.slice(0, 4)) feed.failingDetails.add(String(s['id']));
      const mostlyDown = await t.app.directoryImporter.run({ kind: 'feed', url: feed.url });
      assert.match(mostlyDown.notAppliedBecause ?? '', /the source failed: \/services\/\{id\}: 4 of 7 services could not be fetched/);

      const url = feed.url;
      await feed.stop();
      const down = await t.app.directoryImporter.run({ kind: 'feed', url, timeoutMs: 2000 });
      assert.match(down.notAppliedBecause ?? '', /the source failed: \/services: could not be reached/);
      assert.ok(t.app.directory.current().services.some((s) => s.name === 'Monday Larder'));

      await t.stop();
      t = await startTestApp({ dataDir, profile: rotherhamWithCentroids() });
      const served = await getJson(`${t.url}/api/directory/services?per_page=50`);
      assert.equal(served.body['total_items'], 7);
      assert.equal(t.app.directory.current().source.kind, 'feed');
    });

    it('when the server is given a feed and an interval, then it imports by itself', async () => {
      t = await startTestApp({ env: { DIRECTORY_FEED_URL: feed.url, DIRECTORY_IMPORT_INTERVAL_MINUTES: '60' } });
      const report = t.app.directoryImporter.lastReport() ?? (await t.app.directoryImporter.nextReport());
      assert.equal(report.applied, true);
      assert.equal(report.source, feed.url);
    });

    it('when the interval is set without a feed, then the configuration is refused', () => {
      assert.throws(() => loadConfig({ DIRECTORY_IMPORT_INTERVAL_MINUTES: '60' }), /DIRECTORY_FEED_URL is required when DIRECTORY_IMPORT_INTERVAL_MINUTES is more than 0/);
    });
  });

  describe('the read-only API', () => {
    const servicesPage = openApiResponseValidator('/services');
    const serviceFull = openApiResponseValidator('/services/{id}');
    const taxonomiesPage = openApiResponseValidator('/taxonomies');

    it('when the shipped directory is in force, then every response validates against the standard’s OpenAPI document and pages as it says', async () => {
      t = await startTestApp();
      const first = await getJson(`${t.url}/api/directory/services?page=1&per_page=5`);
      assert.equal(first.status, 200);
      assert.deepEqual(servicesPage(first.body), []);
      assert.deepEqual(
        { total_items: first.body['total_items'], total_pages: first.body['total_pages'], size: first.body['size'], first_page: first.body['first_page'], last_page: first.body['last_page'] },
        { total_items: 14, total_pages: 3, size: 5, first_page: true, last_page: false },
      );
      const last = await getJson(`${t.url}/api/directory/services?page=3&per_page=5`);
      assert.deepEqual([last.body['size'], last.body['last_page'], last.body['empty']], [4, true, false]);
      const beyond = await getJson(`${t.url}/api/directory/services?page=9&per_page=5`);
      assert.deepEqual([beyond.body['size'], beyond.body['empty'], beyond.body['total_pages']], [0, true, 3]);

      for (const item of (await getJson(`${t.url}/api/directory/services?per_page=200`)).body['contents'] as { id: string }[]) {
        const full = await getJson(`${t.url}/api/directory/services/${item.id}`);
        assert.deepEqual(serviceFull(full.body), [], `service ${item.id}`);
        assert.ok(Array.isArray(full.body['schedules']), 'the full record is nested');
      }
      const taxonomies = await getJson(`${t.url}/api/directory/taxonomies`);
      assert.deepEqual(taxonomiesPage(taxonomies.body), []);
      assert.equal((taxonomies.body['contents'] as { taxonomy_terms: unknown[] }[])[0]?.taxonomy_terms.length, 9);

      const food = await getJson(`${t.url}/api/directory/services?taxonomy_term_id=40a01562-2792-53b5-890e-97484a0ffdf6`);
      assert.equal(food.body['total_items'], 3);
      for (const root of ['/api/directory', '/api/directory/']) {
        const about = await getJson(`${t.url}${root}`);
        assert.equal(about.status, 200, root);
        assert.deepEqual(openApiResponseValidator('/')(about.body), []);
        assert.equal(about.body['version'], '3.0');
      }
      const one = await getJson(`${t.url}/api/directory/taxonomies/${uuidFor('nothing')}`);
      assert.equal(one.status, 404);
      const taxonomyId = ((taxonomies.body['contents'] as { id: string }[])[0] as { id: string }).id;
      const taxonomyOne = await getJson(`${t.url}/api/directory/taxonomies/${taxonomyId}`);
      assert.deepEqual(openApiResponseValidator('/taxonomies/{id}')(taxonomyOne.body), []);
    });

    it('when the validator is given a response that breaks the standard, then it says where', () => {
      const problems = servicesPage({ total_items: 'many', contents: [{ id: 'x', name: 'A' }] });
      assert.ok(problems.includes('total_items: must be integer'), problems.join('\n'));
      assert.ok(problems.includes('contents/0/id: must match format "uuid"'), problems.join('\n'));
      assert.ok(problems.includes('contents/0/status: is missing'), problems.join('\n'));
    });

    it('when any query string arrives, then the answer is a page or a 400, never a 500', async () => {
      t = await startTestApp();
      const base = (t as TestApp).url;
      const param = fc.constantFrom('page', 'per_page', 'search', 'taxonomy_term_id', 'taxonomy_id', 'other');
      const value = fc.oneof(fc.string({ maxLength: 40 }), fc.integer().map(String), fc.constantFrom('', '-1', '1e9', 'NaN', '%', '[]'));
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(param, value), { maxLength: 4 }), fc.constantFrom('services', 'taxonomies'), async (pairs, resource) => {
          const query = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
          const res = await fetch(`${base}/api/directory/${resource}?${query}`);
          const body = (await res.json()) as Record<string, unknown>;
          assert.ok(res.status === 200 || res.status === 400, `${res.status} for ?${query}`);
          if (res.status === 200) assert.deepEqual((resource === 'services' ? servicesPage : taxonomiesPage)(body), []);
        }),
        { numRuns: 60 },
      );
    });

    it('when an import is in force, then the imported records are served and validate', async () => {
      t = await startTestApp({ profile: rotherhamWithCentroids() });
      await t.app.directoryImporter.run({ kind: 'feed', url: feed.url });
      const list = await getJson(`${t.url}/api/directory/services`);
      assert.deepEqual(servicesPage(list.body), []);
      assert.equal(list.body['total_items'], 7);
      const near = await getJson(`${t.url}/api/directory/services/${uuidFor('service:Near Groups')}`);
      assert.deepEqual(serviceFull(near.body), []);
      assert.equal(near.body['name'], 'Near Groups');
      assert.deepEqual(taxonomiesPage((await getJson(`${t.url}/api/directory/taxonomies`)).body), []);
    });

    it('when the query is not valid or the id unknown, then it answers 400 or 404, never 500', async () => {
      t = await startTestApp();
      for (const query of ['per_page=0', 'per_page=1000', 'page=0', 'page=abc', `search=${'x'.repeat(300)}`]) {
        const res = await getJson(`${t.url}/api/directory/services?${query}`);
        assert.equal(res.status, 400, query);
        assert.equal((res.body['error'] as { code: string }).code, 'invalid-input');
      }
      assert.equal((await getJson(`${t.url}/api/directory/taxonomies?per_page=-1`)).status, 400);
      assert.equal((await getJson(`${t.url}/api/directory/services/not-a-service`)).status, 404);
      assert.equal((await getJson(`${t.url}/api/directory/taxonomies/${uuidFor('nothing')}`)).status, 404);
    });
  });

  describe('journeys signpost from the imported directory (Monday 16 November 2026, 10am)', () => {
    beforeEach(async () => {
      t = await startTestApp({ profile: rotherhamWithCentroids() });
      await t.app.directoryImporter.run({ kind: 'feed', url: feed.url });
    });

    it('when a resident asks for food, then borough-wide services open today come first, one closed on Mondays shows its next opening, and their ward’s own service follows their postcode', async () => {
      const client = new BotClient((t as TestApp).url);
      const signposting = await client.say('I need a food bank');
      assert.match(signposting, /These services can help now/);
      assert.ok(signposting.indexOf('Monday Larder') < signposting.indexOf('Tuesday Pantry'), 'open today first');
      assert.match(signposting, /Monday Larder[^\n]*\n(.*\n)*?\s+Open today 9am to midday/);
      assert.match(signposting, /Tuesday Pantry[^\n]*\n(.*\n)*?\s+Next open tomorrow 10am to 1pm/);
      assert.doesNotMatch(signposting, /Boston Castle Pantry|example listings/, 'a ward-only service waits for the postcode');
      await play(client, [
        ['yes', /What is your name/],
        ['Sam', /contact you/],
        ['phone', /phone number/],
        ['07700900321', /best time/],
        ['1', /postcode/],
        ['S60 9ZZ', [/Near you there is also:\nBoston Castle Pantry/, /Open today midday to 3pm/, /anything else/i]],
      ]);
    });

    it('when a resident in one ward asks for befriending groups, then their ward’s club comes first, then the nearest, and another ward’s club is not offered', async () => {
      const client = new BotClient((t as TestApp).url);
      await play(client, [
        ['I feel lonely', /for you, or for someone else/i],
        ['For me', /What is your name/],
        ['Margaret Hall', /contact you/],
        ['Phone call', /phone number/],
        ['07700 900123', /best time/],
        ['Morning', /postcode/],
        ['s60 9zz', /What would you enjoy/],
        ['3', /access needs|anything that would help/i],
        ['no', /Do you agree/],
        ['yes', /Shall I send this/],
      ]);
      const reply = await client.say('Yes, send it');
      assert.match(reply, /In the meantime, these are near you:/);
      const order = ['Castle Ward Club', 'Near Groups', 'Far Groups'].map((name) => reply.indexOf(name));
      assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > (order[i - 1] ?? 0))), `order in: ${reply}`);
      assert.match(reply, /Castle Ward Club[^\n]*\n(.*\n)*?\s+Next open Thursday 2pm to 4pm/);
      assert.match(reply, /Near Groups[^\n]*\n(.*\n)*?\s+Open today 9am to 5pm, under half a mile away/);
      assert.match(reply, /Far Groups[^\n]*\n(.*\n)*?\s+Open today 9am to 5pm, about \d+\.\d miles away/);
      assert.doesNotMatch(reply, /East Ward Club/);
    });
  });

  describe('import from a tabular data package', () => {
    function writePackage(dir: string, rows: { services: string }): void {
      copyFileSync(path.join(SCHEMA_DIR, 'datapackage.json'), path.join(dir, 'datapackage.json'));
      const org = uuidFor('pkg org');
      const files: Record<string, string> = {
        'organizations.csv': `id,name,description,email,website\n${org},Wath Friends,A charity.,hello@example.org,https://www.example.org\n`,
        'services.csv': `id,organization_id,name,description,url,email,status\n${rows.services}`,
        'schedule.csv': `id,service_id,freq,interval,byday,opens_at,closes_at,description\n${uuidFor('pkg sched 1')},${uuidFor('pkg svc 1')},WEEKLY,1,MO,10:00:00,12:00:00,Monday mornings\n`,
        'service_areas.csv': `id,service_id,name,uri\n${uuidFor('pkg area 1')},${uuidFor('pkg svc 1')},Wath,http://statistics.data.gov.uk/id/statistical-geography/E05013016\n`,
        'taxonomies.csv': `id,name,description\n${uuidFor('pkg tax')},Hub needs,Local terms\n`,
        'taxonomy_terms.csv': `id,name,description,taxonomy_id,term\n${uuidFor('pkg term')},Warm spaces,Warm spaces,${uuidFor('pkg tax')},col-warm-spaces\n`,
        'attribute.csv': `id,link_id,taxonomy_term_id,link_type\n${uuidFor('pkg attr 1')},${uuidFor('pkg svc 1')},${uuidFor('pkg term')},service\n${uuidFor('pkg attr 2')},${uuidFor('pkg svc 2')},${uuidFor('pkg term')},service\n`,
        'contacts.csv': `id,service_id,name\n${uuidFor('pkg contact')},${uuidFor('pkg svc 1')},Enquiries\n`,
        'phones.csv': `id,contact_id,number\n${uuidFor('pkg phone')},${uuidFor('pkg contact')},0114 496 0777\n`,
        'locations.csv': `id,location_type,name,latitude,longitude\n${uuidFor('pkg loc')},physical,Wath hall,53.5020,-1.3430\n`,
        'service_at_location.csv': `id,service_id,location_id\n${uuidFor('pkg sal')},${uuidFor('pkg svc 1')},${uuidFor('pkg loc')}\n`,
      };
      for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    }
    const packageRows =
      `${uuidFor('pkg svc 1')},${uuidFor('pkg org')},Wath Warm Room,Tea and a warm room.,https://www.example.org/warm,,active\n` +
      `${uuidFor('pkg svc 2')},${uuidFor('pkg org')},Closed Room,Shut.,https://www.example.org/closed,,closed\n`;

    it('when a package has a valid and an invalid service, then the tables are joined, the valid one is in force with its needs, area, times and place, and the other is reported', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'oruk-package-'));
      writePackage(dir, { services: packageRows });
      t = await startTestApp({ profile: rotherhamWithCentroids() });
      const report = await t.app.directoryImporter.run({ kind: 'package', dir });
      assert.equal(report.accepted, 1);
      assert.equal(report.applied, true);
      assert.deepEqual(report.rejected.map((r) => r.id), [uuidFor('pkg svc 2')]);
      assert.match(report.rejected[0]?.reasons.join('\n') ?? '', /status: must be one of/);

      const [service] = t.app.directory.current().services;
      assert.equal(service?.name, 'Wath Warm Room');
      assert.deepEqual(service?.needs, ['warm-spaces']);
      assert.deepEqual(service?.wardCodes, ['E05013016']);
      assert.equal(service?.phone, '0114 496 0777');
      assert.deepEqual(service?.locations, [{ latitude: 53.502, longitude: -1.343 }]);
      assert.equal(service?.sessions[0]?.opens, '10:00');
      const served = await getJson(`${t.url}/api/directory/services/${uuidFor('pkg svc 1')}`);
      assert.deepEqual(openApiResponseValidator('/services/{id}')(served.body), []);
    });

    it('when the standard’s own example package is imported, then its service is accepted', async function () {
      // The standard's examples sit beside the repository on the project's machines, not inside it.
      const examples = path.join(__dirname, '..', '..', 'shared', 'data', 'open-referral-uk', 'examples', 'csv');
      if (!existsSync(examples)) this.skip();
      const dir = mkdtempSync(path.join(os.tmpdir(), 'oruk-example-'));
      cpSync(examples, dir, { recursive: true });
      copyFileSync(path.join(SCHEMA_DIR, 'datapackage.json'), path.join(dir, 'datapackage.json'));
      t = await startTestApp();
      const report = await t.app.directoryImporter.run({ kind: 'package', dir }, { dryRun: true });
      assert.deepEqual([report.accepted, report.rejected.length, report.applied, report.notAppliedBecause], [1, 0, false, 'dry run']);
      assert.equal(t.app.directory.current().source.kind, 'shipped', 'a dry run changes nothing');
    });

    it('when a package names a file outside its folder, then nothing is read and nothing changes', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'oruk-escape-'));
      writeFileSync(path.join(dir, 'datapackage.json'), JSON.stringify({ resources: [{ name: 'service', path: '../../etc/passwd' }] }));
      t = await startTestApp();
      const report = await t.app.directoryImporter.run({ kind: 'package', dir });
      assert.match(report.notAppliedBecause ?? '', /outside the package/);
      assert.equal(t.app.directory.current().source.kind, 'shipped');
    });

    it('when npm run directory imports a package, then it prints the report and keeps the import under DATA_DIR; --dry-run keeps nothing', function () {
      this.timeout(60_000);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'oruk-cli-'));
      writePackage(dir, { services: packageRows });
      const dataDir = tempDataDir();
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/directory.ts', ...args], {
          cwd: path.join(__dirname, '..'),
          env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
          encoding: 'utf8',
        });
      const dry = run('import', '--package', dir, '--dry-run');
      assert.equal(dry.status, 0, dry.stderr);
      assert.match(dry.stdout, /services accepted: 1 \(1 active\), rejected: 1/);
      assert.match(dry.stdout, new RegExp(`service ${uuidFor('pkg svc 2')}\\n    - status: must be one of`));
      assert.match(dry.stdout, /not applied: dry run/);
      assert.equal(existsSync(path.join(dataDir, 'directory', 'rotherham.json')), false);

      const real = run('import', '--package', dir);
      assert.equal(real.status, 0, real.stderr);
      assert.match(real.stdout, /applied: the imported directory is now in force/);
      assert.equal(existsSync(path.join(dataDir, 'directory', 'rotherham.json')), true);

      assert.equal(run('import').status, 2);
    });
  });
});
