/**
 * `npm run open311 -- keys …`: a key made from a terminal works against the server on the same DATA_DIR, is never
 * stored or listed, and stops working once revoked.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startTestApp, tempDataDir } from './support/testApp';

const ROOT = path.join(__dirname, '..');

function open311(dataDir: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), '--no-deprecation', path.join(ROOT, 'scripts', 'open311.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run open311', function () {
  this.timeout(90_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = tempDataDir();
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when a key is added, then it is shown once, works on the server, is listed without the key, and is refused once revoked', async () => {
    const added = open311(dataDir, ['keys', 'add', '--name', 'Rotherham ASB case system', '--body', 'rotherham-asb-team']);
    assert.equal(added.status, 0, added.stderr);
    const key = /API key \(shown once[^)]*\): (o311_\S+)/.exec(added.stdout)?.[1];
    const id = /consumer (\S+) /.exec(added.stdout)?.[1];
    assert.ok(key && id, added.stdout);

    const listed = open311(dataDir, ['keys', 'list']);
    assert.match(listed.stdout, new RegExp(`^${id}\\tRotherham ASB case system\\trotherham-asb-team\\t\\S+\\tactive$`, 'm'));
    assert.ok(!listed.stdout.includes(key));
    assert.ok(!readFileSync(path.join(dataDir, 'hub.sqlite')).includes(key), 'the key itself is not in the store');

    const t = await startTestApp({ dataDir });
    try {
      assert.equal((await fetch(`${t.url}/open311/v2/services.json?api_key=${key}`)).status, 200);
      const revoked = open311(dataDir, ['keys', 'revoke', id]);
      assert.equal(revoked.status, 0, revoked.stderr);
      assert.equal((await fetch(`${t.url}/open311/v2/services.json?api_key=${key}`)).status, 403);
    } finally {
      await t.stop();
    }
    assert.match(open311(dataDir, ['keys', 'list']).stdout, /\trevoked \S+$/m);
  });

  it('when the body is not in the council profile, or arguments are missing, then nothing is made and it says why', () => {
    const unknown = open311(dataDir, ['keys', 'add', '--name', 'X', '--body', 'nobody']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /Unknown body "nobody"\. Bodies in the council profile: rotherham-asb-team, south-yorkshire-police/);
    const missing = open311(dataDir, ['keys', 'add', '--name', 'X']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--body is required/);
    assert.equal(open311(dataDir, ['keys', 'revoke', 'no-such-id']).status, 1);
    assert.equal(open311(dataDir, ['keys', 'list']).stdout, '');
  });
});
