/**
 * Placing postcodes in wards: through postcodes.io (a local stand-in answering as it does), or a table imported
 * from the ONS Postcode Directory; and each referral recording where its ward came from.
 *
 * The postcodes in these fixtures are made up (ZZ endings); the codes are real ONS ward and council codes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { ManualClock } from '../services/clock';
import { loadCouncilProfile } from '../services/council/loadProfile';
import { importOnspd, OnspdFormatError, toPostcodeTableCsv } from '../services/council/onspd';
import { TablePostcodeLookup } from '../services/council/postcodeTable';
import { PostcodeLookupError, PostcodesIoLookup, withPostcodeLookup } from '../services/council/postcodesIo';
import type { PostcodeLookup } from '../services/council/types';
import type { ReferralDraft } from '../services/referrals/model';
import { ReferralService } from '../services/referrals/referralService';
import { SqliteStore } from '../services/store/sqliteStore';

const profile = loadCouncilProfile('rotherham');
const ONSPD = path.join(__dirname, 'fixtures', 'onspd-sample.csv');

/** Answers like postcodes.io: GET /postcodes/{postcode} → { status, result: { codes: { admin_ward } } } or 404. */
class PostcodesIoStandIn {
  readonly requests: string[] = [];
  delayMs = 0;
  failWith: number | null = null;
  private server: http.Server | null = null;
  url = '';
  private readonly known: Record<string, { ward: string; district: string }> = {
    'S60 9ZZ': { ward: 'E05012996', district: 'E08000018' },
    'S1 9ZZ': { ward: 'E05010863', district: 'E08000019' },
  };

  async start(prefix = ''): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.requests.push(req.url ?? '');
      const respond = () => {
        if (this.failWith !== null) {
          res.writeHead(this.failWith, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ status: this.failWith, error: 'Server error' }));
        }
        const m = new RegExp(`^${prefix}/postcodes/([^/?]+)$`).exec(req.url ?? '');
        const postcode = m ? decodeURIComponent(m[1] ?? '') : '';
        const found = this.known[postcode];
        res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            found
              ? { status: 200, result: { postcode, admin_ward: 'Somewhere', codes: { admin_ward: found.ward, admin_district: found.district } } }
              : { status: 404, error: 'Postcode not found' },
          ),
        );
      };
      if (this.delayMs > 0) setTimeout(respond, this.delayMs);
      else respond();
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function draft(postcode: string): ReferralDraft {
  return {
    kind: 'befriending',
    answers: { kind: 'befriending', forWhom: 'self', postcode, interests: ['phone-call'], accessNeeds: null },
    contact: { anonymous: false, name: 'Test Resident', method: 'phone', phone: '07700 900123', bestTime: 'any' },
    consent: { given: true, wordingVersion: 'privacy-v1', at: '2026-11-16T10:00:00.000Z' },
    channel: 'test',
    conversationId: 'conversation-1',
    urgencyReasons: [],
  };
}

async function submitWith(lookup: PostcodeLookup, postcode: string) {
  const store = await SqliteStore.open(':memory:');
  try {
    const service = new ReferralService({ store, profile: { ...profile, postcodes: lookup }, clock: new ManualClock('2026-11-16T10:00:00Z'), logger: pino({ level: 'silent' }) });
    return (await service.submitReferral(draft(postcode), `key-${postcode}`)).referral.ward;
  } finally {
    await store.close();
  }
}

describe('postcodes.io ward lookup', () => {
  let standIn: PostcodesIoStandIn;
  beforeEach(async () => {
    standIn = await new PostcodesIoStandIn().start();
  });
  afterEach(async () => standIn.stop());

  it('when postcodes.io knows the postcode, then the ward is the council\u2019s own record of it, from postcodes.io', async () => {
    const lookup = new PostcodesIoLookup({ wards: profile.wards, baseUrl: standIn.url });
    assert.deepEqual(await lookup.wardFor('s609zz'), { code: 'E05012996', name: 'Boston Castle', source: 'postcodes.io' });
    assert.deepEqual(standIn.requests, ['/postcodes/S60%209ZZ']);
  });

  it('when postcodes.io does not know it, or it is in another council, or it is not a postcode, then there is no ward', async () => {
    const lookup = new PostcodesIoLookup({ wards: profile.wards, baseUrl: standIn.url });
    assert.equal(await lookup.wardFor('S60 9ZY'), null);
    assert.equal(await lookup.wardFor('S1 9ZZ'), null);
    assert.equal(await lookup.wardFor('not a postcode'), null);
    assert.equal(standIn.requests.length, 2, 'nothing is sent for text that is not a postcode');
  });

  it('when postcodes.io fails or is too slow, then the lookup throws and the referral is saved with the ward unknown', async () => {
    standIn.failWith = 503;
    await assert.rejects(new PostcodesIoLookup({ wards: profile.wards, baseUrl: standIn.url }).wardFor('S60 9ZZ'), PostcodeLookupError);
    standIn.failWith = null;
    standIn.delayMs = 1_000;
    const slow = new PostcodesIoLookup({ wards: profile.wards, baseUrl: standIn.url, timeoutMs: 150 });
    await assert.rejects(slow.wardFor('S60 9ZZ'), (err: Error) => err.name === 'TimeoutError');
    assert.deepEqual(await submitWith(slow, 'S60 9ZZ'), { code: null, name: null, source: 'unknown' });
  });

  it('when a referral is placed through postcodes.io, then it records postcodes.io as the source', async () => {
    assert.deepEqual(await submitWith(new PostcodesIoLookup({ wards: profile.wards, baseUrl: standIn.url }), 'S60 9ZZ'), {
      code: 'E05012996',
      name: 'Boston Castle',
      source: 'postcodes.io',
    });
  });

  it('when a council runs its own copy under a path, then the configured base URL is used as given', async () => {
    const own = await new PostcodesIoStandIn().start('/geo/api');
    try {
      const lookup = new PostcodesIoLookup({ wards: profile.wards, baseUrl: `${own.url}/` });
      assert.equal((await lookup.wardFor('S60 9ZZ'))?.code, 'E05012996');
      assert.deepEqual(own.requests, ['/geo/api/postcodes/S60%209ZZ']);
    } finally {
      await own.stop();
    }
  });

  it('when POSTCODE_LOOKUP is postcodes.io, then the profile\u2019s lookup is replaced; otherwise it is kept', () => {
    const config = { POSTCODE_LOOKUP: 'postcodes.io' as const, POSTCODES_IO_URL: standIn.url, POSTCODES_IO_TIMEOUT_MS: 3000 };
    assert.ok(withPostcodeLookup(profile, config).postcodes instanceof PostcodesIoLookup);
    assert.equal(withPostcodeLookup(profile, { ...config, POSTCODE_LOOKUP: 'table' }).postcodes, profile.postcodes);
  });
});

describe('ONS Postcode Directory import', () => {
  it('when an ONSPD file is read, then only the council\u2019s live postcodes are kept, each with its ward', async () => {
    const result = await importOnspd(ONSPD, profile.wards, profile.ladCode);
    assert.deepEqual(result.rows, [
      { postcode: 'S60 9ZY', wardCode: 'E05012996' },
      { postcode: 'S60 9ZZ', wardCode: 'E05012996' },
      { postcode: 'S65 9ZZ', wardCode: 'E05013010' },
    ]);
    assert.deepEqual(result.stats, { rows: 7, kept: 3, terminated: 1, otherArea: 2, invalidPostcode: 1 });
  });

  it('when the imported table places a referral, then the referral records the ONSPD as the source', async () => {
    const { rows } = await importOnspd(ONSPD, profile.wards, profile.ladCode);
    const table = TablePostcodeLookup.fromCsv(toPostcodeTableCsv(rows), profile.wards, 'postcodes.csv');
    assert.deepEqual(await submitWith(table, 'S65 9ZZ'), { code: 'E05013010', name: 'Rotherham East', source: 'onspd' });
    const handMade = TablePostcodeLookup.fromCsv('postcode,ward_code\nS65 9ZZ,E05013010\n', profile.wards, 'postcodes.csv');
    assert.deepEqual(await submitWith(handMade, 'S65 9ZZ'), { code: 'E05013010', name: 'Rotherham East', source: 'postcode-table' });
  });

  it('when a newer edition names columns by year, then they are found; an unusual name can be given; a missing one is reported', async () => {
    const newer = 'pcd7,pcds,doterm,lad24cd,wd24cd\n"S60 9ZZ","S60 9ZZ","","E08000018","E05012996"\n';
    assert.equal((await importOnspd(Readable.from([newer]), profile.wards, profile.ladCode)).stats.kept, 1);
    const odd = 'postcode_space,ward,la\nS60 9ZZ,E05012996,E08000018\n';
    assert.equal((await importOnspd(Readable.from([odd]), profile.wards, profile.ladCode, { postcode: 'postcode_space', ward: 'ward', lad: 'la' })).stats.kept, 1);
    await assert.rejects(importOnspd(Readable.from(['pcds,doterm\nS60 9ZZ,\n']), profile.wards, profile.ladCode), OnspdFormatError);
  });

  it('when npm run import:postcodes is run, then it writes the table and prints counts but no postcodes', async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-onspd-'));
    try {
      const out = path.join(dir, 'postcodes.csv');
      const root = path.join(__dirname, '..');
      const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/importPostcodes.ts', ONSPD, '--out', out], { cwd: root });
      assert.match(stdout, /kept 3 live postcodes in its 25 wards, from 7 rows \(skipped 1 terminated, 2 in other areas, 1 not valid postcodes\)/);
      assert.doesNotMatch(stdout, /S6\d 9Z/);
      assert.equal(readFileSync(out, 'utf8'), 'postcode,ward_code,source\nS60 9ZY,E05012996,onspd\nS60 9ZZ,E05012996,onspd\nS65 9ZZ,E05013010,onspd\n');
      assert.equal(TablePostcodeLookup.fromCsvFile(out, profile.wards).size, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
