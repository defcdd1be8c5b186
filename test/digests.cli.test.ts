/**
 * `npm run digest` from a terminal, on the same data directory the server would use: previews write a file and
 * send nothing; `--due` is the scheduled job, sending through the ledger and standing back while another instance
 * holds the lock; `subscribe` adds a councillor.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SqliteStore } from '../services/store/sqliteStore';
import { SmtpStandIn } from './support/mailStandIns';
import { BOSTON_CASTLE, SECRETS, seededReferrals, subscription } from './support/digestRig';

const ROOT = path.join(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

describe('npm run digest', function () {
  this.timeout(60_000);
  let dir: string;
  let smtp: SmtpStandIn;

  const digest = async (...args: string[]) => {
    const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', SMTP_URL: smtp.url, DIGEST_FROM: 'hub@example.gov.uk', NODE_ENV: 'test' };
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [TSX, 'scripts/digest.ts', ...args], { cwd: ROOT, env });
      return { code: 0, stdout };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: `${e.stdout}${e.stderr}` };
    }
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hub-cli-'));
    smtp = await new SmtpStandIn().start();
    const store = await SqliteStore.open(dir);
    for (const r of seededReferrals()) await store.referrals.insertIfAbsent(r);
    await store.digestSubscriptions.create(subscription('cllr-a', { createdAt: '2020-01-01T00:00:00.000Z' }));
    await store.close();
  });
  afterEach(async () => {
    await smtp.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a preview is asked for, then the digest is written to the file and nothing is sent', async () => {
    const file = path.join(dir, 'digest.html');
    const { code, stdout } = await digest('--ward', BOSTON_CASTLE, '--from', '2026-11-16', '--to', '2026-11-22', '--preview', file);

    assert.equal(code, 0, stdout);
    assert.match(stdout, /Wrote Boston Castle ward: community hub digest for 16 to 22 November 2026 \(html\) to .*digest\.html\. Nothing was sent\./);
    const html = readFileSync(file, 'utf8');
    assert.match(html, /<h1>Boston Castle ward: what residents asked the community hub for<\/h1>/);
    assert.match(html, /Befriending \(loneliness\)<\/th><td><span class="bar" aria-hidden="true">█+<\/span> 8</);
    for (const secret of SECRETS) assert.ok(!html.includes(secret));
    assert.equal(smtp.received.length, 0);
  });

  it('when the due job runs, then it sends what is due; while another instance holds the lock, it does nothing', async () => {
    // (Re-runs and concurrent runs sending once are proved on the service itself, in digests.delivery.test.ts.)
    const first = await digest('--due');
    const store = await SqliteStore.open(dir);
    await store.locks.acquire('digests', 'a-server', new Date().toISOString(), 3_600_000);
    await store.close();
    const second = await digest('--due');

    assert.match(first.stdout, /Digests: 1 sent, 0 failed \(will retry\), 0 given up/);
    assert.match(second.stdout, /Another instance is sending digests now/);
    assert.equal(smtp.received.length, 1);
  });

  it('when a councillor is subscribed from the terminal, then they are stored, and bad input is explained', async () => {
    const ok = await digest('subscribe', '--ward', BOSTON_CASTLE, '--ward', 'E05013010', '--email', 'cllr.b@example.gov.uk', '--frequency', 'monthly');
    const bad = await digest('subscribe', '--ward', 'E05099999', '--email', 'cllr.c@example.gov.uk');

    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /^Subscribed: [0-9a-f-]{36} \(E05012996, E05013010, monthly\)$/m);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /Some ward codes are not wards of this council\. \(E05099999 is not a ward here\)/);
    const store = await SqliteStore.open(dir);
    try {
      assert.deepEqual((await store.digestSubscriptions.list()).map((s) => s.email), ['cllr-a@example.gov.uk', 'cllr.b@example.gov.uk']);
    } finally {
      await store.close();
    }
    assert.ok(existsSync(dir));
  });
});
