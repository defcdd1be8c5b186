/**
 * Everything council-specific is configuration: the same code, booted with COUNCIL=rotherham or
 * COUNCIL=middlesbrough, runs the three journeys with that council's wards, directory, wording and hub, and builds
 * digests for that council's wards only. A third council is a copied folder (COUNCILS_DIR), checked by
 * `npm run council:check`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { createApp } from '../bot/composition';
import { loadConfig } from '../bot/config';
import { ManualClock } from '../services/clock';
import { CouncilProfileError, DEFAULT_COUNCILS_DIR, loadCouncilProfile } from '../services/council/loadProfile';
import { COUNCIL_WORDING_IDS } from '../services/council/wording';
import { periodFromDays } from '../services/digests/period';
import { renderDigest } from '../services/digests/render';
import { AppError } from '../services/errors';
import type { Referral } from '../services/referrals/model';
import { councilText, councilWordingDefaults } from '../dialogs/wording';
import { BotClient } from './support/botClient';
import { clientWithSession, createStaffFast } from './support/hubClient';
import { makeReferral, numbered } from './support/referralFactory';
import { startTestApp, tempDataDir, TEST_NOW, type TestApp } from './support/testApp';
import { play, referenceIn } from './support/transcript';

const WEEK = periodFromDays('2026-11-16', '2026-11-22');
const ROOT = path.join(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

interface CouncilCase {
  id: string;
  hubName: string;
  hubPhone: RegExp;
  /** A test postcode (test/fixtures/postcodes-<id>.csv) and the ward it is in. */
  postcode: string;
  ward: { code: string; name: string };
  /** Another of its wards, in the same area as `ward` where the council has areas. */
  neighbour: { code: string; name: string };
  examplePostcode: string;
  /** Wording only this council's profile produces. */
  welcome: RegExp;
  befriendingIntro: RegExp;
  asbPassedOn: RegExp;
  /** A borough-wide food service in its directory. */
  foodService: string;
  befriendingWithin: RegExp;
  /** A ward of the other council. */
  foreignWard: string;
  area: { id: string; title: string } | null;
}

const COUNCILS: CouncilCase[] = [
  {
    id: 'rotherham',
    hubName: 'Rotherham Community Hub',
    hubPhone: /0114 496 0000/,
    postcode: 'S60 9ZZ',
    ward: { code: 'E05012996', name: 'Boston Castle' },
    neighbour: { code: 'E05013010', name: 'Rotherham East' },
    examplePostcode: 'S60 1AE',
    welcome: /^Hello, this is the Rotherham Community Hub\. I can help you/m,
    befriendingIntro: /friendly volunteer or local groups/,
    asbPassedOn: /pass your report to the community safety team and ward councillors within 2 days/,
    foodService: 'Borough Food Bank (example)',
    befriendingWithin: /within 3 days/,
    foreignWard: 'E05009859',
    area: null,
  },
  {
    id: 'middlesbrough',
    hubName: 'Middlesbrough Neighbourhood Hub',
    hubPhone: /0191 498 0000/,
    postcode: 'TS8 9ZZ',
    ward: { code: 'E05009859', name: 'Hemlington' },
    neighbour: { code: 'E05009858', name: 'Coulby Newham' },
    examplePostcode: 'TS1 2AB',
    welcome: /^Hi, you've reached the Middlesbrough Neighbourhood Hub\. Through the council's Neighbourhood Model/m,
    befriendingIntro: /Your Neighbourhood Navigator can put you in touch/,
    asbPassedOn: /pass your report to your neighbourhood's safety team and ward councillors within 24 hours/,
    foodService: 'Middlesbrough Food Bank (example)',
    befriendingWithin: /within 5 days/,
    foreignWard: 'E05012996',
    area: { id: 'south', title: 'South neighbourhood area' },
  },
];

/** `n` referrals of one kind raised in WEEK in one ward, numbered from `from` so they never collide. */
function seeded(from: number, n: number, ward: { code: string; name: string }, kind: Referral['kind'] = 'befriending'): Referral[] {
  return Array.from({ length: n }, (_, i) =>
    makeReferral({ ...numbered(from + i), kind, ward: { ...ward, source: 'postcode-table' }, createdAt: '2026-11-17T09:00:00.000Z' }),
  );
}

for (const council of COUNCILS) {
  const other = COUNCILS.find((c) => c.id !== council.id);
  assert.ok(other);

  describe(`council profile ${council.id}: the same code with COUNCIL=${council.id}`, function () {
    let t: TestApp;
    before(async () => {
      t = await startTestApp({ env: { COUNCIL: council.id } });
    });
    after(async () => {
      await t.stop();
    });

    it('loads that council: its wards, hub and directory, and none of the other council\'s', () => {
      assert.equal(t.app.profile.id, council.id);
      assert.equal(t.app.profile.hub.name, council.hubName);
      assert.equal(t.app.profile.wardByCode(council.ward.code)?.name, council.ward.name);
      assert.equal(t.app.profile.wardByCode(council.foreignWard), null);
      const names = t.app.profile.directory.services.map((s) => s.name);
      assert.ok(names.includes(council.foodService));
      assert.ok(!names.includes(other.foodService), `${other.foodService} is not in ${council.id}'s directory`);
    });

    it('when a resident asks for befriending, then the hub greets them in its own words, re-prompts with its own example and records its own ward', async () => {
      const client = new BotClient(t.url);
      await play(client, [
        ['hi', [council.welcome, /What would you like help with/]],
        ['Someone to talk to', council.befriendingIntro],
        ['For me', /What is your name/],
        ['Margaret Hall', /How would you like the hub to contact you/],
        ['Phone call', /phone number/],
        ['07700 900123', /best time/],
        ['Morning', /postcode/],
        ['not a postcode', new RegExp(`Please type it like ${council.examplePostcode}\\.`)],
        [council.postcode, /What would you enjoy/],
        ['a visit', /anything that would help/i],
        ['no', [/Privacy: .* 2 years after your request is closed, then remove anything that identifies you/, /Do you agree/]],
        ['yes', /Shall I send this/],
      ]);
      const reply = await client.say('Yes, send it');
      assert.match(reply, council.befriendingWithin);
      assert.match(reply, council.hubPhone);
      const referral = await t.app.store.referrals.getByReference(referenceIn(reply));
      assert.deepEqual(referral?.ward, { ...council.ward, source: 'postcode-table' });
    });

    it('when a resident cannot afford food, then the services come from its own directory and the call-back has its ward', async () => {
      const client = new BotClient(t.url);
      const signposting = await client.say("I can't afford food this week");
      assert.match(signposting, /These services can help now/);
      assert.ok(signposting.includes(council.foodService), signposting);
      assert.ok(!signposting.includes(other.foodService), `no ${other.id} services: ${signposting}`);
      await play(client, [
        ['yes', /What is your name/],
        ['Priya Patel', /contact you/],
        ['phone', /phone number/],
        ['07700 900789', /best time/],
        ['any time', /postcode/],
        [council.postcode, /anything else the hub should know/i],
        ['no', /Do you agree/],
        ['yes', /Help with: Food/],
      ]);
      const referral = await t.app.store.referrals.getByReference(referenceIn(await client.say('Yes, send it')));
      assert.equal(referral?.kind, 'cost-of-living');
      assert.equal(referral?.ward.code, council.ward.code);
    });

    it('when a resident reports anti-social behaviour anonymously, then the hand-over is in its own words and the report has its ward', async () => {
      const client = new BotClient(t.url);
      await play(client, [
        ['kids smashing windows on our street', /Where is it happening/],
        [`Outside the shops, ${council.postcode}`, /When is it happening/],
        ['Earlier today', /anyone in danger right now/],
        ['no', /describe what is happening/],
        ['Stones thrown at the bus shelter.', /anonymously/],
        ['Report anonymously', /Do you agree/],
        ['yes', /Problem: Vandalism or damage/],
      ]);
      const reply = await client.say('Yes, send it');
      assert.match(reply, council.asbPassedOn);
      const referral = await t.app.store.referrals.getByReference(referenceIn(reply));
      assert.equal(referral?.kind, 'asb');
      assert.equal(referral?.ward.code, council.ward.code);
    });

    it('builds the digest for its own ward from its own referrals, and refuses a ward of the other council', async () => {
      // The journeys above made one referral of each kind in the ward; five more of each make every count showable
      // (with any one of them under 5, the others would be withheld too, or the small one could be worked out).
      const more = [...seeded(1000, 5, council.ward), ...seeded(1100, 5, council.ward, 'cost-of-living'), ...seeded(1200, 5, council.ward, 'asb')];
      for (const r of more) await t.app.store.referrals.insertIfAbsent(r);
      const digest = await t.app.digests.service.build(council.ward.code, WEEK);
      assert.equal(digest.council, t.app.profile.shortName);
      assert.equal(digest.hub.name, council.hubName);
      assert.deepEqual(digest.raised.rows.map((r) => r.current), [
        { kind: 'count', value: 6 },
        { kind: 'count', value: 6 },
        { kind: 'count', value: 6 },
      ]);
      assert.match(renderDigest(digest).subject, new RegExp(`^${council.ward.name} ward: community hub digest for 16 to 22 November 2026$`));
      await assert.rejects(t.app.digests.service.build(council.foreignWard, WEEK), (err: unknown) => err instanceof AppError && err.code === 'not-found');
    });

    if (council.area === null) {
      it('has no areas, so an area digest is refused', async () => {
        assert.deepEqual(t.app.profile.areas, []);
        await assert.rejects(t.app.digests.service.buildArea('south', WEEK), (err: unknown) => err instanceof AppError && err.code === 'not-found');
      });
    } else {
      const area = council.area;
      // Builds on the journeys' and the ward digest test's referrals above (6 of each kind in the ward).
      it('rolls its wards up into an area digest, protecting small numbers on the sums', async () => {
        // Three befriending referrals in the neighbouring ward: fewer than 5 there, but they add to the area's count.
        for (const r of seeded(2000, 3, council.neighbour)) await t.app.store.referrals.insertIfAbsent(r);
        const neighbour = await t.app.digests.service.build(council.neighbour.code, WEEK);
        assert.deepEqual(neighbour.raised.rows[0]?.current, { kind: 'fewer-than-5' });

        const digest = await t.app.digests.service.buildArea(area.id, WEEK);
        assert.equal(digest.area.title, area.title);
        assert.ok(digest.area.wards?.includes(council.ward.name) && digest.area.wards.includes(council.neighbour.name));
        assert.deepEqual(digest.raised.rows.map((r) => r.current), [
          { kind: 'count', value: 9 },
          { kind: 'count', value: 6 },
          { kind: 'count', value: 6 },
        ]);
        // One ASB report in the neighbouring ward only: still fewer than 5 there, and it is added in, not shown.
        await t.app.store.referrals.insertIfAbsent(seeded(2100, 1, council.neighbour, 'asb')[0] as Referral);
        const withOne = await t.app.digests.service.buildArea(area.id, WEEK);
        assert.deepEqual(withOne.raised.rows[2]?.current, { kind: 'count', value: 7 });
        const neighbourAsb = await t.app.digests.service.build(council.neighbour.code, WEEK);
        assert.notDeepEqual(neighbourAsb.raised.rows[2]?.current, { kind: 'count', value: 1 });
        const rendered = renderDigest(digest);
        assert.match(rendered.subject, new RegExp(`^${area.title}: community hub digest`));
        assert.match(rendered.text, new RegExp(`It adds up these wards: .*${council.neighbour.name}`));
        assert.doesNotMatch(JSON.stringify(digest), /Test Resident|07700/);
      });

      it('filters the hub queue by area, in the API and in the console', async () => {
        await t.app.store.referrals.insertIfAbsent(seeded(3000, 1, { code: 'E05009857', name: 'Central' })[0] as Referral);
        const lead = await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'hub-lead', 1));
        const south = t.app.profile.areaById(area.id)?.wardCodes ?? [];
        const res = await lead.get<{ items: { wardCode: string | null }[]; total: number }>(`/api/hub/referrals?area=${area.id}&pageSize=100`);
        assert.equal(res.status, 200);
        assert.ok(res.body.items.length > 0);
        assert.ok(res.body.items.every((item) => item.wardCode !== null && south.includes(item.wardCode)), JSON.stringify(res.body.items));
        const all = await lead.get<{ items: { wardCode: string | null }[] }>('/api/hub/referrals?pageSize=100');
        assert.ok(all.body.items.some((item) => item.wardCode === 'E05009857'), 'the Central referral is in the unfiltered queue');
        assert.equal((await lead.get(`/api/hub/referrals?area=nowhere`)).status, 400);

        const page = await lead.get<string>(`/hub/queue?area=${area.id}`);
        assert.match(String(page.body), /<label class="govuk-label" for="filter-area">Neighbourhood area<\/label>/);
        assert.match(String(page.body), /<option value="south" selected>South<\/option>/);
      });
    }
  });
}

describe('switching COUNCIL', () => {
  it('changes the wording with no change to code: each template filled from its own profile', () => {
    const rotherham = loadCouncilProfile('rotherham');
    const middlesbrough = loadCouncilProfile('middlesbrough');
    for (const id of COUNCIL_WORDING_IDS) {
      for (const profile of [rotherham, middlesbrough]) {
        assert.doesNotMatch(councilText(profile, id, { within: '2 days' }), /\{[A-Za-z]+\}/, `${profile.id} ${id} has an unfilled placeholder`);
      }
    }
    assert.equal(councilText(rotherham, 'sms.welcome'), councilWordingDefaults['sms.welcome'].replace('{hubName}', 'Rotherham Community Hub'));
    assert.match(councilText(middlesbrough, 'sms.welcome'), /^Middlesbrough Neighbourhood Hub: your neighbourhood team/);
    assert.ok(councilText(middlesbrough, 'sms.welcome').length <= 160, 'the SMS welcome fits one text');
    assert.match(councilText(middlesbrough, 'contact.phoneRetry'), /07700 900123 or 0191 498 0999\.$/);
    assert.doesNotMatch(councilText(middlesbrough, 'postcode.retry'), /S60/);
  });

  it('groups every Middlesbrough ward into exactly one of four areas', () => {
    const profile = loadCouncilProfile('middlesbrough');
    assert.deepEqual(profile.areas.map((a) => a.id), ['north', 'east', 'south', 'west']);
    assert.equal(profile.areaLabel, 'Neighbourhood area');
    assert.equal(profile.areasAreExamples, true, 'the grouping is marked as example data until the council confirms it');
    const grouped = profile.areas.flatMap((a) => a.wardCodes).sort();
    assert.deepEqual(grouped, profile.wards.map((w) => w.code).sort());
    assert.equal(profile.areaOfWard('E05009859')?.id, 'south');
    assert.equal(profile.areaOfWard('E05012996'), null);
  });
});

describe('a third council, copied from a profile folder', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hub-councils-'));
    cpSync(path.join(DEFAULT_COUNCILS_DIR, 'middlesbrough'), path.join(dir, 'testshire'), { recursive: true });
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const editProfile = (edit: (doc: Record<string, unknown>) => void): void => {
    const file = path.join(dir, 'testshire', 'profile.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    edit(doc);
    writeFileSync(file, JSON.stringify(doc, null, 2));
  };

  it('when COUNCIL and COUNCILS_DIR name the copy, then the app runs on it with no code change', async () => {
    editProfile((doc) => {
      (doc['hub'] as Record<string, unknown>)['name'] = 'Testshire Community Hub';
    });
    const dataDir = tempDataDir();
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test', COUNCIL: 'testshire', COUNCILS_DIR: dir });
    // No profile override: createApp reads the profile from COUNCILS_DIR as the server does.
    const app = await createApp(config, { clock: new ManualClock(TEST_NOW), logger: pino({ level: 'silent' }) });
    try {
      assert.equal(app.profile.id, 'testshire');
      assert.equal(app.profile.dir, path.join(dir, 'testshire'));
      assert.equal(app.profile.hub.name, 'Testshire Community Hub');
      assert.equal(app.profile.wards.length, 20);
      assert.equal(app.digests.places.places.length, 10, 'places.csv read from the copied folder');
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    const t = await startTestApp({ env: { COUNCIL: 'testshire', COUNCILS_DIR: dir } });
    try {
      const reply = await new BotClient(t.url).say('hi');
      assert.match(reply, /reached the Testshire Community Hub/);
    } finally {
      await t.stop();
    }
  });

  it('when a ward is in two areas or an area names an unknown ward, then loading fails naming both', () => {
    editProfile((doc) => {
      const list = (doc['areas'] as { list: { wardCodes: string[] }[] }).list;
      list[1]?.wardCodes.push('E05009857', 'E05099999');
    });
    assert.throws(
      () => loadCouncilProfile('testshire', { councilsDir: dir }),
      (err: unknown) =>
        err instanceof CouncilProfileError &&
        err.problems.some((p) => /areas\.list\[1\] \("East"\)\.wardCodes: E05009857 is already in area "north"/.test(p)) &&
        err.problems.some((p) => /E05099999 is not a ward in wards\.csv/.test(p)),
    );
  });

  it('when the wording names an unknown id or placeholder, then loading fails saying what is allowed', () => {
    editProfile((doc) => {
      doc['wording'] = { 'general.welcom': 'Hello', 'sms.welcome': 'Hi from {hubNmae}' };
    });
    assert.throws(
      () => loadCouncilProfile('testshire', { councilsDir: dir }),
      (err: unknown) =>
        err instanceof CouncilProfileError &&
        err.problems.some((p) => /wording\.general\.welcom: "general\.welcom" is not wording a council can change; known: general\.welcome/.test(p)) &&
        err.problems.some((p) => /wording\.sms\.welcome: uses \{hubNmae\}, which is not a placeholder here; allowed: \{hubName\}/.test(p)),
    );
  });

  it('npm run council:check prints what a good profile holds, and every problem of a broken one', async () => {
    const check = async (...args: string[]) => {
      const env = { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test' };
      try {
        const { stdout } = await promisify(execFile)(process.execPath, [TSX, 'scripts/councilCheck.ts', ...args], { cwd: ROOT, env });
        return { code: 0, stdout };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: `${e.stdout}${e.stderr}` };
      }
    };
    const good = await check('--council', 'testshire', '--councils-dir', dir);
    assert.equal(good.code, 0, good.stdout);
    assert.match(good.stdout, /wards: 20/);
    assert.match(good.stdout, /areas \(Neighbourhood area\): North \(4 wards\), East \(5 wards\), South \(6 wards\), West \(5 wards\)/);
    assert.match(good.stdout, /before go-live:\n(.*\n)*  - the areas in profile\.json are marked exampleData/);

    editProfile((doc) => {
      delete (doc['hub'] as Record<string, unknown>)['phone'];
    });
    const bad = await check('--council', 'testshire', '--councils-dir', dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /Council profile "testshire" cannot be used/);
    assert.match(bad.stdout, /profile\.json: hub\.phone: is missing/);
  });
});
