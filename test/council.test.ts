import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  availableProfiles,
  CouncilProfileError,
  DEFAULT_COUNCILS_DIR,
  isOpenAt,
  loadCouncilProfile,
  openingHoursText,
  servicesFor,
} from '../services/council/loadProfile';
import { findPostcodeIn, normalisePostcode } from '../services/council/postcode';
import { CsvFormatError, parseCsv, TablePostcodeLookup } from '../services/council/postcodeTable';
import type { CouncilProfile, OpeningHours } from '../services/council/types';
import { BEFRIENDING_INTERESTS, COST_OF_LIVING_NEEDS } from '../services/referrals/model';

const FIXTURE = path.join(__dirname, 'fixtures', 'postcodes-rotherham.csv');

describe('council profile: Rotherham', () => {
  let profile: CouncilProfile;
  before(() => {
    profile = loadCouncilProfile('rotherham');
  });

  it('loads the council details', () => {
    assert.equal(profile.id, 'rotherham');
    assert.equal(profile.name, 'Rotherham Metropolitan Borough Council');
    assert.equal(profile.shortName, 'Rotherham');
    assert.equal(profile.ladCode, 'E08000018');
  });

  it('has the 25 wards, E05012993 to E05013017, in order', () => {
    const expected = Array.from({ length: 25 }, (_, i) => `E0501${String(2993 + i).padStart(4, '0')}`);
    assert.deepEqual(
      profile.wards.map((w) => w.code),
      expected,
    );
    assert.equal(expected[24], 'E05013017');
  });

  it('finds a ward by code, and returns null for a code that is not one of its wards', () => {
    assert.deepEqual(profile.wardByCode('E05012996'), { code: 'E05012996', name: 'Boston Castle' });
    assert.equal(profile.wardByCode('E05013017')?.name, 'Wickersley North');
    assert.equal(profile.wardByCode('E05099999'), null);
    assert.equal(profile.wardByCode(''), null);
  });

  it('gives the hub an example phone number from the drama range, with a matching E.164 form', () => {
    assert.match(profile.hub.phone, /^0114 496 0\d{3}$/);
    assert.equal(profile.hub.phoneE164, `+44${profile.hub.phone.replace(/ /g, '').slice(1)}`);
    assert.match(profile.hub.email, /@example\.org$/);
  });

  it('has the agreed service levels', () => {
    assert.deepEqual(profile.serviceLevels, {
      befriending: { standardHours: 72, urgentHours: 4 },
      'cost-of-living': { standardHours: 48, urgentHours: 4 },
      asb: { standardHours: 48, urgentHours: 2 },
    });
  });

  it('ships an example directory and says so', () => {
    assert.equal(profile.directory.exampleData, true);
    assert.ok(profile.directory.services.length >= 10 && profile.directory.services.length <= 14);
    for (const s of profile.directory.services) {
      assert.match(s.name, /\(example\)$/, s.name);
      if (s.phone !== null) assert.match(s.phone, /^0114 496 0\d{3}$/, `${s.name} phone`);
      if (s.url !== null) assert.match(s.url, /^https:\/\/www\.example\.org\//, `${s.name} url`);
      if (s.email !== null) assert.match(s.email, /@example\.org$/, `${s.name} email`);
    }
  });

  it('maps every cost-of-living need and befriending interest to at least one service', () => {
    for (const need of [...COST_OF_LIVING_NEEDS, ...BEFRIENDING_INTERESTS, 'befriending' as const]) {
      const serving = profile.directory.services.filter((s) => s.needs.includes(need));
      assert.ok(serving.length >= 1, `no service for ${need}`);
    }
  });

  it('maps taxonomy terms, the first phone, a readable schedule and ward coverage onto a service', () => {
    const pantry = profile.directory.services.find((s) => s.name.startsWith('Eastwood Community Pantry'));
    assert.ok(pantry);
    assert.deepEqual(pantry.needs, ['food']);
    assert.deepEqual(pantry.wardCodes, ['E05013010']);
    assert.equal(pantry.phone, '0114 496 0102');
    assert.equal(pantry.schedule, 'Tue and Thu, midday to 3pm');
    assert.equal(pantry.organisation, 'Rotherham Food Network (example)');

    const energy = profile.directory.services.find((s) => s.name.startsWith('Home Energy Advice Line'));
    assert.equal(energy?.schedule, 'Mon to Fri, 9am to 5pm');
    assert.deepEqual(energy?.wardCodes, [], 'borough-wide service has no ward codes');

    const wath = profile.directory.services.find((s) => s.name.startsWith('Wath Community Centre'));
    assert.deepEqual(wath?.needs, ['warm-spaces', 'befriending', 'groups']);

    const dropIn = profile.directory.services.find((s) => s.name.startsWith('Benefits and Budgeting Drop-in'));
    assert.equal(dropIn?.schedule, 'First Tue of the month, 10am to midday');
  });

  describe('servicesFor', () => {
    it('when the ward is known, then lists that ward’s services first and then borough-wide ones', () => {
      const names = servicesFor(profile, ['food'], 'E05013010').map((s) => s.name);
      assert.deepEqual(names, ['Eastwood Community Pantry (example)', 'Borough Food Bank (example)']);
    });

    it('when a service serves other wards only, then it is left out', () => {
      const names = servicesFor(profile, ['food'], 'E05012996').map((s) => s.name);
      assert.deepEqual(names, ['Borough Food Bank (example)']);
    });

    it('when the ward is unknown, then offers borough-wide services only', () => {
      for (const ward of [undefined, null]) {
        const found = servicesFor(profile, ['food', 'groups'], ward);
        assert.ok(found.length > 0);
        assert.ok(found.every((s) => s.wardCodes.length === 0));
      }
    });

    it('matches any of several needs, once each, in a stable order', () => {
      const first = servicesFor(profile, ['energy', 'money-advice'], 'E05013000');
      const again = servicesFor(profile, ['money-advice', 'energy'], 'E05013000');
      assert.deepEqual(
        first.map((s) => s.id),
        again.map((s) => s.id),
      );
      assert.equal(new Set(first.map((s) => s.id)).size, first.length);
      assert.equal(first[0]?.name, 'Benefits and Budgeting Drop-in, Dinnington (example)');
      assert.ok(first.some((s) => s.name.startsWith('Warm Home Discount')));
    });

    it('finds a ward’s lunch club for a resident interested in groups', () => {
      const names = servicesFor(profile, ['groups'], 'E05013013').map((s) => s.name);
      assert.deepEqual(names, ['Swinton Lunch Club (example)']);
    });

    it('returns nothing for no needs', () => {
      assert.deepEqual(servicesFor(profile, [], 'E05013010'), []);
    });
  });

  it('loads the shipped postcode table, which is empty: every lookup misses', async () => {
    assert.ok(profile.postcodes instanceof TablePostcodeLookup);
    assert.equal(profile.postcodes.size, 0);
    assert.equal(await profile.postcodes.wardFor('S60 1AE'), null);
  });

  it('uses a postcode lookup passed in instead of the table', async () => {
    const ward = { code: 'E05012996', name: 'Boston Castle' };
    const loaded = loadCouncilProfile('rotherham', { postcodeLookup: { wardFor: async () => ward } });
    assert.deepEqual(await loaded.postcodes.wardFor('S60 1AE'), ward);
  });
});

describe('postcode normalisation', () => {
  const valid: [string, string][] = [
    ['s60 1ae', 'S60 1AE'],
    ['S601AE', 'S60 1AE'],
    [' S60 1AE ', 'S60 1AE'],
    ['S60   1AE', 'S60 1AE'],
    ['EC1A 1BB', 'EC1A 1BB'],
    ['W1A 0AX', 'W1A 0AX'],
    ['M1 1AE', 'M1 1AE'],
    ['B33 8TH', 'B33 8TH'],
    ['CR2 6XH', 'CR2 6XH'],
    ['DN55 1PT', 'DN55 1PT'],
  ];
  for (const [input, expected] of valid) {
    it(`normalises ${JSON.stringify(input)} to "${expected}"`, () => {
      assert.equal(normalisePostcode(input), expected);
    });
  }

  const invalid: [string, string][] = [
    ['empty', ''],
    ['spaces only', '   '],
    ['an outward code alone', 'S60'],
    ['digits', '123456'],
    ['letters', 'ABC DEF'],
    ['an extra letter', 'S60 1AEE'],
    ['text around it', 'my postcode is S60 1AE'],
    ['a line break inside', 'S60\n1AE'],
    ['an emoji', '🏠'],
    ['a postcode and an emoji', 'S60 1AE 🏠'],
    ['2,000 characters', 'S60 1AE'.repeat(286).slice(0, 2000)],
    // Girobank's non-geographic postcode has no ward; rejecting it is a decision (see postcode.ts).
    ['GIR 0AA', 'GIR 0AA'],
  ];
  for (const [label, input] of invalid) {
    it(`rejects ${label}`, () => {
      assert.equal(normalisePostcode(input), null);
    });
  }
});

describe('finding a postcode in free text', () => {
  const cases: [string, string | null][] = [
    ['outside the shop on Main St, S65 1AB', 'S65 1AB'],
    ['near s601ae by the bins', 'S60 1AE'],
    ['it was at (S66 9ZZ).', 'S66 9ZZ'],
    ['S65 1AB then later S60 1AE', 'S65 1AB'],
    ['S60 1AE', 'S60 1AE'],
    ['no postcode here at all', null],
    ['ring me on 0114 496 0000', null],
    ['reference AS60 1AEX is not a postcode', null],
    ['S65 1AB2 is part of a longer code', null],
    ['', null],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${String(expected)}`, () => {
      assert.equal(findPostcodeIn(input), expected);
    });
  }
});

describe('postcode table', () => {
  const wards = [
    { code: 'E05012996', name: 'Boston Castle' },
    { code: 'E05013006', name: 'Maltby East' },
    { code: 'E05013010', name: 'Rotherham East' },
  ];

  it('looks postcodes up in the fixture table, in any format the resident types', async () => {
    const table = TablePostcodeLookup.fromCsvFile(FIXTURE, wards);
    assert.deepEqual(await table.wardFor('S60 9ZZ'), wards[0]);
    assert.deepEqual(await table.wardFor('s609zz'), wards[0]);
    assert.deepEqual(await table.wardFor('S65 9ZZ'), wards[2]);
    assert.deepEqual(await table.wardFor('S66 9ZZ'), wards[1]);
  });

  it('ignores and counts rows for other councils’ wards and rows that are not postcodes', async () => {
    const table = TablePostcodeLookup.fromCsvFile(FIXTURE, wards);
    assert.deepEqual(table.stats, { rows: 5, loaded: 3, ignoredOtherWard: 1, ignoredInvalidPostcode: 1 });
    assert.equal(await table.wardFor('S25 9ZZ'), null);
  });

  it('returns null for a postcode it does not know, and for text that is not a postcode', async () => {
    const table = TablePostcodeLookup.fromCsvFile(FIXTURE, wards);
    assert.equal(await table.wardFor('S60 1AE'), null);
    assert.equal(await table.wardFor('nonsense'), null);
  });

  it('refuses a table that puts one postcode in two wards, naming the line', () => {
    const csv = 'postcode,ward_code\nS60 9ZZ,E05012996\nS609ZZ,E05013006\n';
    assert.throws(
      () => TablePostcodeLookup.fromCsv(csv, wards, 'postcodes.csv'),
      (err: unknown) => err instanceof CsvFormatError && /postcodes\.csv: line 3: .*two wards/.test(err.message),
    );
  });
});

describe('CSV reading', () => {
  it('handles a byte order mark, CRLF line endings, quoted commas, doubled quotes and blank lines', () => {
    const text = '\uFEFFward_code,ward_name\r\nE05012993,"Anston & Woodsetts, ""North"""\r\n\r\nE05012994,Aston\r\n';
    const rows = parseCsv(text, 'w.csv', ['ward_code', 'ward_name']);
    assert.deepEqual(
      rows.map((r) => [r.line, r.values['ward_code'], r.values['ward_name']]),
      [
        [2, 'E05012993', 'Anston & Woodsetts, "North"'],
        [4, 'E05012994', 'Aston'],
      ],
    );
  });

  it('keeps a line break inside a quoted field and counts lines correctly after it', () => {
    const rows = parseCsv('a,b\n"one\ntwo",x\n3,y', 'f.csv', ['a', 'b']);
    assert.deepEqual(
      rows.map((r) => [r.line, r.values['a']]),
      [
        [2, 'one\ntwo'],
        [4, '3'],
      ],
    );
  });

  it('names the file and line of a malformed row', () => {
    assert.throws(() => parseCsv('a,b\n1,2\n3\n', 'f.csv', ['a', 'b']), /f\.csv: line 3: expected 2 fields, found 1/);
    assert.throws(() => parseCsv('a,b\n"1,2\n', 'f.csv', ['a', 'b']), /f\.csv: line 2: a quoted field is never closed/);
    assert.throws(() => parseCsv('x,y\n', 'f.csv', ['a', 'b']), /f\.csv: line 1: missing column\(s\) "a", "b"/);
    assert.throws(() => parseCsv('', 'f.csv', ['a']), /f\.csv: line 1: the file is empty/);
  });
});

describe('council profile: configuration errors', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'councils-'));
    cpSync(path.join(DEFAULT_COUNCILS_DIR, 'rotherham'), path.join(dir, 'rotherham'), { recursive: true });
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string): string => path.join(dir, 'rotherham', name);
  const editJson = (name: string, edit: (doc: Record<string, unknown>) => void): void => {
    const doc = JSON.parse(readFileSync(file(name), 'utf8')) as Record<string, unknown>;
    edit(doc);
    writeFileSync(file(name), JSON.stringify(doc));
  };
  const loadError = (): CouncilProfileError => {
    try {
      loadCouncilProfile('rotherham', { councilsDir: dir });
    } catch (err) {
      assert.ok(err instanceof CouncilProfileError, String(err));
      return err;
    }
    assert.fail('expected the profile to be refused');
  };

  it('loads the unchanged copy (so the failures below are caused by the edits)', () => {
    assert.equal(loadCouncilProfile('rotherham', { councilsDir: dir }).wards.length, 25);
  });

  it('when the hub phone is missing, then names profile.json and hub.phone', () => {
    editJson('profile.json', (doc) => {
      delete (doc['hub'] as Record<string, unknown>)['phone'];
    });
    const err = loadError();
    assert.match(err.message, /profile\.json: hub\.phone: is missing/);
  });

  it('when a ward code is malformed, then names wards.csv, the line and ward_code', () => {
    const lines = readFileSync(file('wards.csv'), 'utf8').split('\n');
    lines[3] = lines[3]!.replace('E05012995', 'E0501299X');
    writeFileSync(file('wards.csv'), lines.join('\n'));
    const err = loadError();
    assert.match(err.message, /wards\.csv: line 4: ward_code: must be an ONS ward GSS code/);
  });

  it('when several files are wrong, then reports every problem at once', () => {
    editJson('profile.json', (doc) => {
      const hub = doc['hub'] as Record<string, unknown>;
      hub['phoneE164'] = '+441144969999';
      hub['openingHours'] = [{ day: 'Funday', opens: '9am', closes: '17:00' }];
    });
    editJson('directory.json', (doc) => {
      const services = doc['services'] as Record<string, unknown>[];
      services[0]!['status'] = 'open';
    });
    const wardsCsv = readFileSync(file('wards.csv'), 'utf8');
    writeFileSync(file('wards.csv'), wardsCsv.replace('Brinsworth,E08000018', 'Brinsworth,E08000019'));
    const err = loadError();
    assert.match(err.message, /profile\.json: hub\.openingHours\[0\]\.day: must be one of Sunday/);
    assert.match(err.message, /profile\.json: hub\.openingHours\[0\]\.opens: must be a 24-hour time/);
    assert.match(err.message, /directory\.json: services\[0\]\.status \("Borough Food Bank \(example\)"\)/);
    assert.match(err.message, /wards\.csv: line 7: lad_code: E08000019 is not this council's ladCode E08000018/);
  });

  it('when the E.164 number does not match the phone number, then says which', () => {
    editJson('profile.json', (doc) => {
      (doc['hub'] as Record<string, unknown>)['phoneE164'] = '+441144969999';
    });
    assert.match(loadError().message, /profile\.json: hub\.phoneE164: does not match hub\.phone "0114 496 0000"/);
  });

  it('when a directory service uses an unknown local taxonomy code, then names it', () => {
    editJson('directory.json', (doc) => {
      const service = (doc['services'] as { attributes: { taxonomy_term: { term: string } }[] }[])[0]!;
      service.attributes[0]!.taxonomy_term.term = 'col-fod';
    });
    assert.match(
      loadError().message,
      new RegExp(
        'directory\\.json: services\\[0\\] \\("Borough Food Bank \\(example\\)"\\)' +
          '\\.attributes\\[0\\]\\.taxonomy_term\\.term: unknown term "col-fod"',
      ),
    );
  });

  it('when a service area names a ward of another council, then names the service area', () => {
    editJson('directory.json', (doc) => {
      const service = (doc['services'] as { service_areas: { uri: string }[] }[])[1]!;
      service.service_areas[0]!.uri = 'http://statistics.data.gov.uk/id/statistical-geography/E05099999';
    });
    assert.match(loadError().message, /services\[1\] .*\.service_areas\[0\]\.uri: E05099999 is neither a ward/);
  });

  it('when a file is missing or not JSON, then says so', () => {
    rmSync(file('postcodes.csv'));
    writeFileSync(file('directory.json'), '{ not json');
    const err = loadError();
    assert.match(err.message, /postcodes\.csv: file is missing/);
    assert.match(err.message, /directory\.json: is not valid JSON/);
  });

  it('when the council is unknown, then lists the available profiles', () => {
    assert.throws(
      () => loadCouncilProfile('atlantis', { councilsDir: dir }),
      (err: unknown) =>
        err instanceof CouncilProfileError &&
        /Unknown council profile "atlantis"\. Available profiles: rotherham/.test(err.message),
    );
    assert.throws(() => loadCouncilProfile('../rotherham', { councilsDir: dir }), /Unknown council profile/);
    assert.deepEqual(availableProfiles(dir), ['rotherham']);
  });
});

describe('hub opening hours', () => {
  const weekdays = (opens: string, closes: string, days = [1, 2, 3, 4, 5]): OpeningHours[] =>
    days.map((day) => ({ day, opens, closes }));
  let hub: CouncilProfile['hub'];
  before(() => {
    hub = loadCouncilProfile('rotherham').hub;
  });

  it('describes Rotherham’s hours with the late Thursday', () => {
    assert.equal(openingHoursText(hub), 'Monday to Friday, 9am to 5pm; Thursday until 7pm');
  });

  it('describes a Saturday morning and split hours separately', () => {
    const hours = [
      ...weekdays('09:00', '17:00'),
      { day: 6, opens: '10:00', closes: '13:00' },
      { day: 0, opens: '10:00', closes: '12:00' },
      { day: 0, opens: '13:30', closes: '16:00' },
    ];
    assert.equal(
      openingHoursText({ openingHours: hours }),
      'Monday to Friday, 9am to 5pm; Saturday, 10am to 1pm; Sunday, 10am to midday and 1:30pm to 4pm',
    );
  });

  it('lists days that are not a run', () => {
    assert.equal(
      openingHoursText({ openingHours: weekdays('09:30', '16:30', [1, 3, 5]) }),
      'Monday, Wednesday and Friday, 9:30am to 4:30pm',
    );
    assert.equal(openingHoursText({ openingHours: [] }), 'No regular opening hours');
  });

  const cases: [string, string, boolean][] = [
    ['a Wednesday at 10:00 in winter (GMT)', '2026-03-04T10:00:00Z', true],
    ['a Saturday at midday', '2026-03-07T12:00:00Z', false],
    ['a Sunday at midday', '2026-03-08T12:00:00Z', false],
    ['a Monday at 09:00 exactly', '2026-03-02T09:00:00Z', true],
    ['a Monday at 17:00 exactly (closed from then)', '2026-03-02T17:00:00Z', false],
    ['the Monday after the clocks go back, 08:30Z = 08:30 GMT', '2026-10-26T08:30:00Z', false],
    ['a Monday in summer, 08:30Z = 09:30 BST', '2026-06-01T08:30:00Z', true],
    ['a Monday in summer, 16:30Z = 17:30 BST', '2026-06-01T16:30:00Z', false],
    ['a Thursday in summer, 17:30Z = 18:30 BST (late opening)', '2026-06-04T17:30:00Z', true],
    ['a Friday in summer, 17:30Z = 18:30 BST', '2026-06-05T17:30:00Z', false],
    ['late Sunday 23:30Z in summer, which is Monday 00:30 BST', '2026-05-31T23:30:00Z', false],
  ];
  for (const [label, iso, open] of cases) {
    it(`is ${open ? 'open' : 'closed'} on ${label}`, () => {
      assert.equal(isOpenAt(hub, new Date(iso)), open);
    });
  }
});
