/**
 * Production web chat: with DIRECT_LINE_SECRET set, POST /api/webchat/token exchanges the secret for a Direct Line
 * token from Azure Bot Service (here a local stand-in at DIRECT_LINE_ENDPOINT). The secret never reaches the
 * browser or the logs, and the embedded Direct Line is switched off.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from './support/testApp';
import { captureLogs } from './support/logCapture';

const SECRET = 'DL-SECRET-zz9-plural-z-alpha-0123456789';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

/** Answers like Azure's tokens/generate, or as told. */
class DirectLineStandIn {
  readonly seen: Seen[] = [];
  answer: { status: number; body: string } = {
    status: 200,
    body: JSON.stringify({ conversationId: 'AzureConv123-eu', token: 'azure.jwt.token', expires_in: 3600 }),
  };
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body: Buffer.concat(chunks).toString() });
        res.writeHead(this.answer.status, { 'content-type': 'application/json' });
        res.end(this.answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('web chat token from Azure Bot Service', () => {
  let azure: DirectLineStandIn;
  let t: TestApp;
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(async () => {
    azure = new DirectLineStandIn();
    await azure.start();
    logs = captureLogs();
    t = await startTestApp({
      env: { DIRECT_LINE_SECRET: SECRET, DIRECT_LINE_ENDPOINT: azure.url, MICROSOFT_APP_ID: 'test-app-id', MICROSOFT_APP_PASSWORD: 'test-app-password' },
      logger: logs.logger,
    });
  });
  afterEach(async () => {
    await t.stop();
    await azure.stop();
  });

  it('when the page asks for a token, then the server exchanges the secret with Direct Line and returns only the token', async () => {
    const res = await fetch(`${t.url}/api/webchat/token`, { method: 'POST' });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.deepEqual(JSON.parse(text), {
      mode: 'azure',
      domain: `${azure.url}/v3/directline`,
      conversationId: 'AzureConv123-eu',
      token: 'azure.jwt.token',
      expiresIn: 3600,
    });
    assert.ok(!text.includes(SECRET), 'the secret is not in the response');
    assert.equal(res.headers.get('cache-control'), 'no-store');

    assert.equal(azure.seen.length, 1);
    const [request] = azure.seen;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, '/v3/directline/tokens/generate');
    assert.equal(request?.authorization, `Bearer ${SECRET}`);
    assert.match((JSON.parse(request?.body ?? '{}') as { user: { id: string } }).user.id, /^dl_[A-Za-z0-9_-]{16}$/);
  });

  const failures: [what: string, answer: { status: number; body: string }][] = [
    ['refuses the secret (403)', { status: 403, body: JSON.stringify({ error: { code: 'BadArgument', message: `secret ${SECRET} invalid` } }) }],
    ['is down (502)', { status: 502, body: 'Bad gateway' }],
    ['answers something that is not a token', { status: 200, body: JSON.stringify({ hello: SECRET }) }],
  ];
  for (const [what, answer] of failures) {
    it(`when Direct Line ${what}, then the page gets 503 and neither the answer nor the logs carry the secret`, async () => {
      azure.answer = answer;
      const res = await fetch(`${t.url}/api/webchat/token`, { method: 'POST' });
      assert.equal(res.status, 503);
      const text = await res.text();
      assert.deepEqual(JSON.parse(text), { error: { code: 'unavailable', message: 'The chat is not available at the moment. Please try again soon.' } });
      assert.ok(!logs.output().includes(SECRET), 'the secret is not in the logs');
      assert.ok(logs.chunks.some((l) => /Direct Line/.test(l)), 'the failure is logged');
    });
  }

  it('when Azure’s Direct Line is used, then the embedded one is not served and the page may connect to Azure', async () => {
    const start = await fetch(`${t.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: 'Bearer x' } });
    assert.equal(start.status, 404);
    const page = await fetch(`${t.url}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.ok(csp.includes(`connect-src 'self' ${azure.url} ${azure.url.replace('http', 'ws')}`), csp);
    assert.ok(!(await page.text()).includes(SECRET));
  });
});
