/**
 * The directory's pure parts: opening times in UK local time, postcode centroids, and the council's own mapping
 * from taxonomy terms to needs.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_COUNCILS_DIR, loadCouncilProfile } from '../services/council/loadProfile';
import { CsvFormatError, TablePostcodeLookup } from '../services/council/postcodeTable';
import { PostcodesIoLookup } from '../services/council/postcodesIo';
import { importOnspd, toPostcodeTableCsv } from '../services/council/onspd';
import { Readable } from 'node:stream';
import type { ServiceSession } from '../services/council/types';
import { checkDirectory, mappingContext } from '../services/directory/importer';
import { isOpenNow, nextOpenings } from '../services/directory/openingTimes';
import { orukService } from './support/orukFeed';

function session(overrides: Partial<ServiceSession>): ServiceSession {
  return { days: [1], ordinal: null, interval: 1, dtstart: null, validFrom: null, validTo: null, opens: '10:00', closes: '12:00', ...overrides };
}

describe('directory opening times (Europe/London)', () => {
  const mondayTen = new Date('2026-11-16T10:00:00Z');

  it('when a service opens later today, then it counts as open today; when it has closed for the day, its next opening is given', () => {
    assert.deepEqual(nextOpenings([session({ opens: '14:00', closes: '16:00' })], mondayTen)?.today, true);
    const closed = nextOpenings([session({ opens: '08:00', closes: '09:30' })], mondayTen);
    assert.equal(closed?.today, false);
    assert.equal(closed?.openings[0]?.date, '2026-11-23');
  });

  it('when a schedule is monthly, then "1TU" is the first Tuesday and "-1FR" the last Friday of the month', () => {
    assert.equal(nextOpenings([session({ days: [2], ordinal: 1 })], mondayTen)?.openings[0]?.date, '2026-12-01');
    assert.equal(nextOpenings([session({ days: [5], ordinal: -1 })], mondayTen)?.openings[0]?.date, '2026-11-27');
  });

  it('when a schedule is fortnightly from a start date, then only every other week counts', () => {
    assert.equal(nextOpenings([session({ interval: 2, dtstart: '2026-11-09' })], mondayTen)?.openings[0]?.date, '2026-11-23');
    assert.equal(nextOpenings([session({ interval: 2, dtstart: '2026-11-02' })], mondayTen)?.today, true);
  });

  it('when a schedule has ended or not yet begun, then it does not open', () => {
    assert.equal(nextOpenings([session({ validTo: '2026-11-01' })], mondayTen), null);
    assert.equal(nextOpenings([session({ validFrom: '2026-12-01' })], mondayTen)?.openings[0]?.date, '2026-12-07');
  });

  it('when the clocks have gone forward, then times are read in British Summer Time', () => {
    const s = [session({ opens: '10:00', closes: '11:00' })];
    assert.equal(isOpenNow(s, new Date('2026-07-06T09:30:00Z')), true, '10:30 BST');
    assert.equal(isOpenNow(s, new Date('2026-07-06T10:30:00Z')), false, '11:30 BST');
    assert.equal(isOpenNow(s, new Date('2026-11-16T10:30:00Z')), true, '10:30 GMT');
  });
});

describe('postcode centroids', () => {
  const wards = loadCouncilProfile('rotherham').wards;

  it('when the postcode table has latitude and longitude, then the ward comes with the centroid; without them, the ward alone', async () => {
    const table = TablePostcodeLookup.fromCsv('postcode,ward_code,latitude,longitude\nS60 9ZZ,E05012996,53.425,-1.356\nS65 9ZZ,E05013010,,\n', wards, 'test');
    assert.deepEqual(await table.wardFor('s609zz'), { code: 'E05012996', name: 'Boston Castle', location: { latitude: 53.425, longitude: -1.356 } });
    assert.deepEqual(await table.wardFor('S65 9ZZ'), { code: 'E05013010', name: 'Rotherham East' });
  });

  it('when a centroid is half given or outside the UK, then the table is refused with the line', () => {
    assert.throws(() => TablePostcodeLookup.fromCsv('postcode,ward_code,latitude,longitude\nS60 9ZZ,E05012996,53.4,\n', wards, 'test'), (e: unknown) => e instanceof CsvFormatError && /line 2: latitude and longitude/.test(e.message));
    assert.throws(() => TablePostcodeLookup.fromCsv('postcode,ward_code,latitude,longitude\nS60 9ZZ,E05012996,-1.3,53.4\n', wards, 'test'), CsvFormatError);
  });

  it('when the ONS Postcode Directory has lat and long, then the imported table keeps them and the lookup gives them', async () => {
    const onspd = 'pcds,doterm,oslaua,osward,lat,long\nS60 9ZZ,,E08000018,E05012996,53.425100,-1.356200\nS65 9ZZ,,E08000018,E05013010,99.999999,0.000000\n';
    const { rows } = await importOnspd(Readable.from([onspd]), wards, 'E08000018');
    const csv = toPostcodeTableCsv(rows);
    assert.equal(csv, 'postcode,ward_code,source,latitude,longitude\nS60 9ZZ,E05012996,onspd,53.4251,-1.3562\nS65 9ZZ,E05013010,onspd,,\n');
    const table = TablePostcodeLookup.fromCsv(csv, wards, 'postcodes.csv');
    assert.deepEqual((await table.wardFor('S60 9ZZ'))?.location, { latitude: 53.4251, longitude: -1.3562 });
    assert.equal((await table.wardFor('S65 9ZZ'))?.location, undefined);
  });

  it('when postcodes.io answers with a latitude and longitude, then the ward comes with the centroid', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 200, result: { latitude: 53.4251, longitude: -1.3562, codes: { admin_ward: 'E05012996' } } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const lookup = new PostcodesIoLookup({ wards, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      assert.deepEqual(await lookup.wardFor('S60 9ZZ'), { code: 'E05012996', name: 'Boston Castle', source: 'postcodes.io', location: { latitude: 53.4251, longitude: -1.3562 } });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('taxonomy terms to needs, from the council profile', () => {
  function profileWith(directory: unknown) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'councils-'));
    cpSync(path.join(DEFAULT_COUNCILS_DIR, 'rotherham'), path.join(dir, 'rotherham'), { recursive: true });
    const file = path.join(dir, 'rotherham', 'profile.json');
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), directory }));
    return loadCouncilProfile('rotherham', { councilsDir: dir });
  }

  it('when profile.json maps the feed’s own terms to needs, then imported services meet those needs and the shipped directory still loads', () => {
    const profile = profileWith({ taxonomyNeeds: { 'https://taxonomy.example.gov.uk/food-banks': 'food', 'lunch-clubs': 'groups' } });
    assert.equal(profile.directory.services.length, 14);
    const foodBank = orukService({ name: 'Their Food Bank', terms: ['ignored'] });
    foodBank['attributes'] = [
      { id: '6f1e1f1e-0000-4000-8000-000000000001', taxonomy_term: { id: '6f1e1f1e-0000-4000-8000-000000000002', name: 'Food banks', description: '', term_uri: 'https://taxonomy.example.gov.uk/food-banks' } },
      { id: '6f1e1f1e-0000-4000-8000-000000000003', taxonomy_term: { id: '6f1e1f1e-0000-4000-8000-000000000004', name: 'Lunch clubs', description: '', term: 'lunch-clubs' } },
    ];
    const checked = checkDirectory({ services: [foodBank], taxonomies: [], rejected: [] }, mappingContext(profile));
    assert.deepEqual(checked.rejected, []);
    assert.deepEqual(checked.services[0]?.needs, ['food', 'groups']);
  });

  it('when profile.json maps a term to something that is not a need, then the profile is refused naming it', () => {
    assert.throws(() => profileWith({ taxonomyNeeds: { 'food-banks': 'groceries' } }), /profile\.json: directory\.taxonomyNeeds\.food-banks: must be one of food, energy/);
  });
});
