/**
 * Correlation ids: every log line written for one request, the bot's turn included, carries the id the response
 * gives in X-Correlation-Id; concurrent requests do not share ids.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { withCorrelation, withCorrelationId, currentCorrelationId } from '../services/correlation';
import { createLogger } from '../services/logger';
import { BotClient } from './support/botClient';
import { Phone, postForm, sign, startSmsHarness } from './support/smsHarness';
import { startTestApp } from './support/testApp';

type Line = Record<string, unknown>;

function capture(): { lines: () => Line[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line) };
}

describe('correlation ids in logs', function () {
  this.timeout(30_000);

  it('when a web or emulator turn is handled, then its request line and its turn line carry the X-Correlation-Id of the response', async () => {
    const out = capture();
    const t = await startTestApp({ logger: createLogger({ level: 'debug', destination: out.stream }) });
    try {
      const client = new BotClient(t.url, { channelId: 'emulator' });
      const res = await fetch(`${t.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message', text: 'hello', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9', deliveryMode: 'expectReplies',
          conversation: { id: client.conversationId }, from: { id: 'resident', role: 'user' }, recipient: { id: 'bot', role: 'bot' },
        }),
      });
      assert.equal(res.status, 200);
      const id = res.headers.get('x-correlation-id');
      assert.ok(id);
      const mine = out.lines().filter((l) => l.correlationId === id);
      assert.ok(mine.some((l) => l.msg === 'turn' && l.channel === 'emulator'), 'the turn line carries the id');
      assert.ok(mine.some((l) => l.msg === 'request' && l.status === 200), 'the request line carries the id');
    } finally {
      await t.stop();
    }
  });

  it('when an SMS arrives, then the webhook request and the SMS turn log under the same id', async () => {
    const out = capture();
    const h = await startSmsHarness({ logger: createLogger({ level: 'debug', destination: out.stream }) });
    try {
      const phone = new Phone(h);
      const params = phone.params('hello');
      const res = await postForm(h.t.url, '/api/sms', params, sign(params));
      assert.equal(res.status, 200);
      await h.t.app.sms?.channel.idle();
      const id = res.headers.get('x-correlation-id');
      assert.ok(id);
      const turn = out.lines().find((l) => l.msg === 'turn' && l.channel === 'sms');
      assert.equal(turn?.correlationId, id);
      assert.ok(!JSON.stringify(out.lines()).includes(phone.number.slice(3)), 'no phone number in the log');
    } finally {
      await h.stop();
    }
  });

  it('when two requests run at once, then each request line has its own id', async () => {
    const out = capture();
    const t = await startTestApp({ logger: createLogger({ level: 'debug', destination: out.stream }) });
    try {
      const [a, b] = await Promise.all([fetch(`${t.url}/healthz`), fetch(`${t.url}/readyz`)]);
      const ids = [a.headers.get('x-correlation-id'), b.headers.get('x-correlation-id')];
      assert.notEqual(ids[0], ids[1]);
      const requestLines = out.lines().filter((l) => l.msg === 'request');
      for (const id of ids) assert.equal(requestLines.filter((l) => l.correlationId === id).length, 1);
    } finally {
      await t.stop();
    }
  });
});

describe('correlation context', () => {
  it('when work runs outside any request, then it gets a fresh id; inside one, it keeps the id it was given', async () => {
    assert.equal(currentCorrelationId(), undefined);
    const fresh = await withCorrelation(async () => currentCorrelationId());
    assert.match(fresh ?? '', /^[0-9a-f-]{36}$/);
    const kept = await withCorrelationId('req-1', () => withCorrelation(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return currentCorrelationId();
    }));
    assert.equal(kept, 'req-1');
  });
});
