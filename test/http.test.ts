/**
 * The HTTP boundary: health endpoints, malformed bodies, and logs that never carry what a resident said.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { BotClient } from './support/botClient';
import { captureLogs } from './support/logCapture';
import { startTestApp, type TestApp } from './support/testApp';
import { play, referenceIn } from './support/transcript';

describe('HTTP boundary', () => {
  let t: TestApp;
  let captured: ReturnType<typeof captureLogs>;
  beforeEach(async () => {
    captured = captureLogs();
    t = await startTestApp({ logger: captured.logger });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('GET /healthz answers ok and GET /readyz names the store', async () => {
    assert.deepEqual(await (await fetch(`${t.url}/healthz`)).json(), { status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', store: 'embedded' });
  });

  it('GET /readyz answers 503 when the store cannot be reached', async () => {
    await t.app.store.close();
    const ready = await fetch(`${t.url}/readyz`);
    assert.equal(ready.status, 503);
    t.app.close = async () => undefined; // already closed
  });

  const malformed: [what: string, body: string][] = [
    ['invalid JSON', '{"type": "message",'],
    ['a JSON array', '[1,2,3]'],
    ['an object with no activity type', '{"hello":"world"}'],
    ['an activity with no conversation', '{"type":"message","channelId":"emulator","serviceUrl":"http://x","from":{"id":"u"}}'],
    ['a number for the text', '{"type":"message","channelId":"emulator","serviceUrl":"http://x","from":{"id":"u"},"conversation":{"id":"c"},"text":42}'],
  ];
  for (const [what, body] of malformed) {
    it(`when /api/messages gets ${what}, then it answers 400 with a plain error and stores nothing`, async () => {
      const res = await fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 400);
      const json = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(json.error.code, 'invalid-input');
      assert.doesNotMatch(JSON.stringify(json), /hello|world|Unexpected/);
      assert.deepEqual(await t.app.store.botState.keys(''), []);
    });
  }

  it('when a keep-alive connection is idle, then the server keeps it open for HTTP_KEEP_ALIVE_TIMEOUT_SECONDS, not Node\'s 5 s', async function () {
    this.timeout(20_000);
    const idleClose = async (target: TestApp, waitMs: number): Promise<boolean> => {
      const { port } = new URL(target.url);
      const socket = net.connect(Number(port), '127.0.0.1');
      let closed = false;
      socket.on('close', () => (closed = true));
      socket.on('data', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      socket.destroy();
      return closed;
    };
    const short = await startTestApp({ env: { HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '1' } });
    try {
      assert.equal(await idleClose(short, 3_500), true, 'closed by the server after 1 s idle');
    } finally {
      await short.stop();
    }
    assert.equal(await idleClose(t, 6_000), false, 'still open after 6 s with the default 65 s');
  });

  it('when the body is larger than 256 KB, then it answers 413', async () => {
    const res = await fetch(`${t.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024) }),
    });
    assert.equal(res.status, 413);
  });

  it('when an unknown path is requested, then it answers 404 in the same error shape', async () => {
    const res = await fetch(`${t.url}/nope`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: { code: 'not-found', message: 'Not found.' } });
  });

  it('when a resident completes a journey, then no name, number, email, postcode or message text reaches the logs', async () => {
    const client = new BotClient(t.url);
    await play(client, [
      ['I feel lonely', /for you/],
      ['For me', /name/],
      ['Zebedee Quinton-Farthing', /contact you/],
      ['email', /email address/],
      ['zebedee.qf@example.org', /best time/],
      ['morning', /postcode/],
      ['S60 9ZZ', /enjoy/],
      ['groups', /help you/],
      ['I am partially sighted', /agree/],
      ['yes', /Shall I send/],
    ]);
    referenceIn(await client.say('yes'));
    const logs = captured.output();
    assert.ok(logs.includes('referral submitted'), 'the submission itself is logged');
    for (const secret of ['Zebedee', 'zebedee.qf', 'S60 9ZZ', 'partially sighted', 'lonely']) {
      assert.ok(!logs.includes(secret), `"${secret}" leaked into the logs`);
    }
  });
});
