/**
 * The production build: `npm run build` compiles the server with tsc, and the compiled server (what
 * `npm run start:prod` and the image run) starts, answers /readyz and serves the pages whose files it finds from the
 * project root (web/, councils/), then stops cleanly on SIGTERM. Built into a fresh folder under the project root,
 * so a stale dist/ cannot hide a problem and the test does not disturb one. tsc needs about 25 s of CPU.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDataDir } from './support/testApp';

const ROOT = path.resolve(__dirname, '..');

describe('the production build (npm run build, npm run start:prod)', function () {
  this.timeout(240_000);
  let outDir: string;

  before(() => {
    outDir = fs.mkdtempSync(path.join(ROOT, '.build-test-'));
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['run', '--silent', 'build', '--', '--outDir', outDir], { cwd: ROOT, stdio: 'pipe' });
  });

  after(() => {
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('when the compiled server starts, then it answers /readyz and serves the chat page and the staff console’s styles from the project root', async () => {
    const entry = path.join(outDir, 'bot', 'index.js');
    assert.ok(fs.existsSync(entry), 'tsc wrote bot/index.js');
    const dataDir = tempDataDir();
    // Started from another folder: nothing may depend on the working directory either.
    const child = spawn(process.execPath, ['--no-deprecation', entry], {
      cwd: outDir,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'test', DATA_DIR: dataDir, HASH_SECRET: 'test-hash-secret-0123456789abcdef0123456789' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /Bot Framework endpoint:\s+(http:\/\/[^/\s]+)\/api\/messages/.exec(output);
          if (match?.[1]) {
            clearInterval(timer);
            resolve(match[1]);
          }
        }, 20);
        void exited.then((code) => {
          clearInterval(timer);
          reject(new Error(`the compiled server exited with ${code} before listening:\n${output}`));
        });
      });
      assert.equal((await fetch(`${url}/readyz`)).status, 200);
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /webchat/i, 'the chat page came from web/chat');
      const hubCss = await fetch(`${url}/hub/static/hub.css`);
      assert.equal(hubCss.status, 200, 'the staff console styles came from web/hub');
      assert.equal(await hubCss.text(), fs.readFileSync(path.join(ROOT, 'web', 'hub', 'hub.css'), 'utf8'));
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, output);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
