/**
 * `npm run users`: accounts made from a terminal land in the store the server reads, with an argon2id hash.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { SqliteStore } from '../services/store/sqliteStore';
import { tempDataDir } from './support/testApp';

const ROOT = path.join(__dirname, '..');

function users(dataDir: string, args: string[], stdin = ''): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), '--no-deprecation', path.join(ROOT, 'scripts', 'users.ts'), ...args], {
    cwd: ROOT,
    input: stdin,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run users', function () {
  this.timeout(60_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = tempDataDir();
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when an account is added with --password-stdin, then it is stored with an argon2id hash and listed without it', async () => {
    const added = users(dataDir, ['add', '--email', 'Lead@Example.org', '--role', 'hub-lead', '--password-stdin'], 'a long enough password\n');
    const councillor = users(dataDir, ['add', '--email', 'cllr@example.org', '--role', 'councillor', '--wards', 'E05012996,E05013006', '--oidc-only']);
    const listed = users(dataDir, ['list']);

    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /Added lead@example.org as hub-lead/);
    assert.equal(councillor.status, 0, councillor.stderr);
    assert.equal(listed.stdout, 'cllr@example.org\tcouncillor\tE05012996,E05013006\tenabled\toidc-only\nlead@example.org\thub-lead\t-\tenabled\tpassword\n');
    assert.doesNotMatch(added.stdout + listed.stdout, /a long enough password|argon2/);
    const store = await SqliteStore.open(dataDir);
    try {
      assert.match((await store.staff.getByEmail('lead@example.org'))?.passwordHash ?? '', /^\$argon2id\$/);
    } finally {
      await store.close();
    }
  });

  it('when the role is unknown, the password short, or no password can be read, then it exits non-zero and stores nothing', async () => {
    const role = users(dataDir, ['add', '--email', 'a@example.org', '--role', 'boss', '--password-stdin'], 'a long enough password\n');
    const short = users(dataDir, ['add', '--email', 'a@example.org', '--role', 'hub-worker', '--password-stdin'], 'short\n');
    const noTty = users(dataDir, ['add', '--email', 'a@example.org', '--role', 'hub-worker']);

    assert.equal(role.status, 2);
    assert.match(role.stderr, /--role must be one of/);
    assert.equal(short.status, 1);
    assert.match(short.stderr, /at least 12 characters/);
    assert.equal(noTty.status, 2);
    assert.match(noTty.stderr, /--password-stdin/);
    assert.equal(users(dataDir, ['list']).stdout, '');
  });

  it('when an account is disabled, then it is listed as disabled', () => {
    users(dataDir, ['add', '--email', 'w@example.org', '--role', 'hub-worker', '--password-stdin'], 'a long enough password\n');

    const disabled = users(dataDir, ['disable', '--email', 'w@example.org']);

    assert.equal(disabled.status, 0, disabled.stderr);
    assert.match(users(dataDir, ['list']).stdout, /w@example.org\thub-worker\t-\tdisabled/);
  });
});
