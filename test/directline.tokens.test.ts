/**
 * The embedded Direct Line's boundary: tokens that are signed, short-lived and bound to one conversation, and
 * bodies that are checked before anything acts on them. 403 for any token problem, 404 for a conversation that was
 * never started, 400 for a malformed body, 413 for a large one, 429 for a flood.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import { TokenSigner, KEY_FILE_NAME } from '../bot/directline/tokens';
import { ManualClock } from '../services/clock';
import { startTestApp, tempDataDir, TEST_NOW, type TestApp } from './support/testApp';

const BASE = '/v3/directline';
const HASH_SECRET = 'a-test-hash-secret-that-is-long-enough-0123456789';

interface Call {
  method?: 'GET' | 'POST';
  token?: string;
  body?: unknown;
  rawBody?: string;
}

async function call(t: TestApp, pathname: string, options: Call = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const res = await fetch(`${t.url}${pathname}`, { method: options.method ?? 'GET', headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

async function mint(t: TestApp): Promise<{ conversationId: string; token: string }> {
  const res = await call(t, '/api/webchat/token', { method: 'POST' });
  assert.equal(res.status, 200);
  return res.body as { conversationId: string; token: string };
}

/** Mints a token and starts its conversation (the bot greets), as Web Chat does. */
async function started(t: TestApp): Promise<{ conversationId: string; token: string; streamUrl: string }> {
  const { conversationId, token } = await mint(t);
  const res = await call(t, `${BASE}/conversations`, { method: 'POST', token, body: {} });
  assert.equal(res.status, 201);
  return { conversationId, token, streamUrl: (res.body as { streamUrl: string }).streamUrl };
}

function message(text: string): Record<string, unknown> {
  return { type: 'message', text, from: { id: 'resident' }, channelData: { clientActivityID: 'c1' } };
}

async function logLength(t: TestApp, conversationId: string, token: string): Promise<number> {
  const res = await call(t, `${BASE}/conversations/${conversationId}/activities`, { token });
  return Number((res.body as { watermark: string }).watermark);
}

/** The five REST calls, for a conversation and a token. */
function everyCall(conversationId: string): [what: string, pathname: string, options: Call][] {
  return [
    ['start', `${BASE}/conversations`, { method: 'POST', body: {} }],
    ['reconnect', `${BASE}/conversations/${conversationId}?watermark=0`, {}],
    ['post an activity', `${BASE}/conversations/${conversationId}/activities`, { method: 'POST', body: message('hello') }],
    ['poll', `${BASE}/conversations/${conversationId}/activities?watermark=0`, {}],
    ['refresh', `${BASE}/tokens/refresh`, { method: 'POST' }],
  ];
}

function openStream(url: string): Promise<{ opened: boolean; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('error', () => resolve({ opened: false }));
  });
}

function withStreamToken(streamUrl: string, token: string): string {
  const url = new URL(streamUrl);
  url.searchParams.set('t', token);
  return url.toString();
}

describe('embedded Direct Line tokens', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('when the page asks for a token, then it gets a 30-minute token for a new conversation that is never cached', async () => {
    const res = await call(t, '/api/webchat/token', { method: 'POST' });
    assert.equal(res.status, 200);
    const body = res.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['conversationId', 'domain', 'expiresIn', 'mode', 'token']);
    assert.equal(body.mode, 'embedded');
    assert.equal(body.domain, '/v3/directline');
    assert.equal(body.expiresIn, 1800);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  it('when 200 conversations are minted, then every id is a different 24-character random string', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) ids.add((await mint(t)).conversationId);
    assert.equal(ids.size, 200);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{24}$/);
  });

  for (const [what, pathname, options] of everyCall('CONVERSATION')) {
    it(`when a token has expired, then "${what}" gets 403`, async () => {
      const { conversationId, token } = await started(t);
      t.clock.advance(30 * 60 * 1000 + 1000);
      const res = await call(t, pathname.replace('CONVERSATION', conversationId), { ...options, token });
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, { error: { code: 'forbidden', message: 'The token is missing, has expired, or is not for this conversation.' } });
    });

    if (pathname.includes('CONVERSATION')) {
      it(`when the token is for another conversation, then "${what}" on this one gets 403`, async () => {
        const mine = await started(t);
        const theirs = await started(t);
        const before = await logLength(t, theirs.conversationId, theirs.token);
        const res = await call(t, pathname.replace('CONVERSATION', theirs.conversationId), { ...options, token: mine.token });
        assert.equal(res.status, 403);
        assert.equal(await logLength(t, theirs.conversationId, theirs.token), before);
      });
    }

    it(`when no token is sent, then "${what}" gets 403`, async () => {
      const { conversationId } = await started(t);
      const res = await call(t, pathname.replace('CONVERSATION', conversationId), options);
      assert.equal(res.status, 403);
    });
  }

  const tamperings: [what: string, tamper: (token: string, otherConversationId: string) => string][] = [
    ['a changed signature', (token) => token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA')],
    ['claims re-written for another conversation', (token, other) => `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()), c: other })).toString('base64url')}.${token.split('.')[1]}`],
    ['a later expiry written in', (token) => `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()), e: 4102444800 })).toString('base64url')}.${token.split('.')[1]}`],
    ['no signature', (token) => token.split('.')[0] ?? ''],
    ['an extra part', (token) => `${token}.x`],
    ['a Direct Line-looking JWT', () => 'eyJhbGciOiJub25lIn0.eyJjb252IjoieCJ9.'],
    ['6,000 characters', () => 'a'.repeat(6000)],
  ];
  for (const [what, tamper] of tamperings) {
    it(`when a token has ${what}, then it gets 403 and the conversation is untouched`, async () => {
      const victim = await started(t);
      const attacker = await started(t);
      const forged = tamper(attacker.token, victim.conversationId);
      const before = await logLength(t, victim.conversationId, victim.token);
      for (const [, pathname, options] of everyCall(victim.conversationId)) {
        const res = await call(t, pathname, { ...options, token: forged });
        assert.equal(res.status, 403, `${pathname} answered ${res.status}`);
      }
      assert.equal(await logLength(t, victim.conversationId, victim.token), before);
    });
  }

  it('when a start or a refresh is asked with a token, then it acts on that token’s own conversation, whatever the body says', async () => {
    const mine = await started(t);
    const theirs = await started(t);
    const start = await call(t, `${BASE}/conversations`, { method: 'POST', token: mine.token, body: { conversationId: theirs.conversationId } });
    assert.equal((start.body as { conversationId: string }).conversationId, mine.conversationId);
    const refresh = await call(t, `${BASE}/tokens/refresh`, { method: 'POST', token: mine.token, body: { conversationId: theirs.conversationId } });
    assert.equal((refresh.body as { conversationId: string }).conversationId, mine.conversationId);
  });

  it('when a token is refreshed, then the new token works after the old one has expired, for the same conversation', async () => {
    const { conversationId, token } = await started(t);
    t.clock.advance(20 * 60 * 1000);
    const refreshed = await call(t, `${BASE}/tokens/refresh`, { method: 'POST', token });
    assert.equal(refreshed.status, 200);
    const { token: fresh, expires_in, conversationId: same } = refreshed.body as { token: string; expires_in: number; conversationId: string };
    assert.equal(same, conversationId);
    assert.equal(expires_in, 1800);
    t.clock.advance(15 * 60 * 1000);
    assert.equal((await call(t, `${BASE}/conversations/${conversationId}/activities`, { token })).status, 403);
    assert.equal((await call(t, `${BASE}/conversations/${conversationId}/activities`, { token: fresh })).status, 200);
  });

  describe('the WebSocket stream', () => {
    it('when the stream URL is used as given, then it opens', async () => {
      const { streamUrl } = await started(t);
      assert.deepEqual(await openStream(streamUrl), { opened: true });
    });

    it('when the stream token has expired (after a minute), then the upgrade is refused with 403', async () => {
      const { streamUrl } = await started(t);
      t.clock.advance(61 * 1000);
      assert.deepEqual(await openStream(streamUrl), { opened: false, status: 403 });
    });

    it('when the stream is opened with a conversation token, or another conversation’s stream token, then it is refused with 403', async () => {
      const mine = await started(t);
      const theirs = await started(t);
      assert.deepEqual(await openStream(withStreamToken(mine.streamUrl, mine.token)), { opened: false, status: 403 });
      const theirStreamToken = new URL(theirs.streamUrl).searchParams.get('t') ?? '';
      assert.deepEqual(await openStream(withStreamToken(mine.streamUrl, theirStreamToken)), { opened: false, status: 403 });
      assert.deepEqual(await openStream(withStreamToken(mine.streamUrl, '')), { opened: false, status: 403 });
    });

    it('when the server stops while a resident’s stream is open, then the stream is closed and the server stops promptly', async () => {
      const { streamUrl } = await started(t);
      const ws = new WebSocket(streamUrl);
      await new Promise((resolve) => ws.once('open', resolve));
      const closed = new Promise((resolve) => ws.once('close', resolve));
      const began = Date.now();
      await t.stop();
      await closed;
      assert.ok(Date.now() - began < 2000, `stopping took ${Date.now() - began} ms`);
      t = await startTestApp(); // afterEach stops it again
    });

    it('when a stream token is used as a Bearer token, then the REST calls refuse it with 403', async () => {
      const { conversationId, streamUrl } = await started(t);
      const streamToken = new URL(streamUrl).searchParams.get('t') ?? '';
      const res = await call(t, `${BASE}/conversations/${conversationId}/activities`, { token: streamToken });
      assert.equal(res.status, 403);
    });
  });

  it('when a token is minted but its conversation was never started, then reconnecting, polling and posting get 404', async () => {
    const { conversationId, token } = await mint(t);
    assert.equal((await call(t, `${BASE}/conversations/${conversationId}?watermark=`, { token })).status, 404);
    assert.equal((await call(t, `${BASE}/conversations/${conversationId}/activities`, { token })).status, 404);
    const posted = await call(t, `${BASE}/conversations/${conversationId}/activities`, { method: 'POST', token, body: message('hello') });
    assert.equal(posted.status, 404);
    assert.deepEqual(await t.app.store.botState.keys(''), []);
  });

  it('when a conversation is started twice with its token, then the second answers 200 and the bot does not greet again', async () => {
    const { conversationId, token } = await started(t);
    const again = await call(t, `${BASE}/conversations`, { method: 'POST', token, body: {} });
    assert.equal(again.status, 200);
    assert.equal((again.body as { conversationId: string }).conversationId, conversationId);
    assert.equal(await logLength(t, conversationId, token), 2);
  });

  const malformed: [what: string, body: string][] = [
    ['invalid JSON', '{"type": "message",'],
    ['an array', '[1]'],
    ['no sender', JSON.stringify({ type: 'message', text: 'hi' })],
    ['a type the resident may not send', JSON.stringify({ type: 'conversationUpdate', from: { id: 'r' }, membersAdded: [{ id: 'r' }] })],
    ['a number for the text', JSON.stringify({ type: 'message', text: 42, from: { id: 'r' } })],
    ['5,001 characters of text', JSON.stringify({ type: 'message', text: 'x'.repeat(5001), from: { id: 'r' } })],
    ['an attachment', JSON.stringify({ type: 'message', text: 'hi', from: { id: 'r' }, attachments: [{ contentType: 'image/png', contentUrl: 'http://x' }] })],
    ['a 200-character client activity id', JSON.stringify({ type: 'message', text: 'hi', from: { id: 'r' }, channelData: { clientActivityID: 'c'.repeat(200) } })],
  ];
  for (const [what, rawBody] of malformed) {
    it(`when an activity is posted with ${what}, then it gets 400 and nothing is added to the conversation`, async () => {
      const { conversationId, token } = await started(t);
      const res = await call(t, `${BASE}/conversations/${conversationId}/activities`, { method: 'POST', token, rawBody });
      assert.equal(res.status, 400);
      assert.equal((res.body as { error: { code: string } }).error.code, 'invalid-input');
      assert.equal(await logLength(t, conversationId, token), 2);
    });
  }

  it('when an activity body is over 32 KB, then it gets 413 and nothing is added', async () => {
    const { conversationId, token } = await started(t);
    const res = await call(t, `${BASE}/conversations/${conversationId}/activities`, {
      method: 'POST',
      token,
      body: { ...message('hi'), channelData: { clientActivityID: 'c1', padding: 'p'.repeat(40 * 1024) } },
    });
    assert.equal(res.status, 413);
    assert.equal(await logLength(t, conversationId, token), 2);
  });

  it('when a conversation posts more than 60 activities in a minute, then the rest get 429 with Retry-After', async () => {
    const { conversationId, token } = await started(t);
    const typing = { type: 'typing', from: { id: 'resident' } };
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 62; i++) {
      const res = await call(t, `${BASE}/conversations/${conversationId}/activities`, { method: 'POST', token, body: typing });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    assert.deepEqual(statuses.slice(0, 60), new Array<number>(60).fill(200));
    assert.deepEqual(statuses.slice(60), [429, 429]);
    assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, `Retry-After: ${retryAfter}`);
    // Another conversation is not held back.
    const other = await started(t);
    assert.equal((await call(t, `${BASE}/conversations/${other.conversationId}/activities`, { method: 'POST', token: other.token, body: typing })).status, 200);
  });
});

describe('embedded Direct Line token key', () => {
  it('when the server restarts on the same data directory, then a token from before still works and the conversation is still there', async () => {
    const dataDir = tempDataDir();
    const first = await startTestApp({ dataDir });
    const { conversationId, token } = await started(first);
    await call(first, `${BASE}/conversations/${conversationId}/activities`, { method: 'POST', token, body: message('I feel lonely') });
    await first.stop();
    const keyFile = path.join(dataDir, KEY_FILE_NAME);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);

    const second = await startTestApp({ dataDir });
    try {
      const res = await call(second, `${BASE}/conversations/${conversationId}/activities`, { token });
      assert.equal(res.status, 200);
      const texts = (res.body as { activities: { text?: string }[] }).activities.map((a) => a.text);
      assert.ok(texts.includes('I feel lonely'));
      assert.ok(texts.includes('Is this for you, or for someone else?'));
    } finally {
      await second.stop();
    }
  });

  it('when HASH_SECRET is set, then no key file is written and another instance with the same secret accepts the tokens', async () => {
    const a = await startTestApp({ env: { HASH_SECRET } });
    const b = await startTestApp({ env: { HASH_SECRET } });
    const c = await startTestApp({ env: { HASH_SECRET: `${HASH_SECRET}-other` } });
    try {
      assert.equal(fs.existsSync(path.join(a.dataDir, KEY_FILE_NAME)), false);
      const { conversationId, token } = await mint(a);
      // b has the same key but its own store, so it knows the token and not the conversation: 404, not 403.
      assert.equal((await call(b, `${BASE}/conversations/${conversationId}/activities`, { token })).status, 404);
      assert.equal((await call(c, `${BASE}/conversations/${conversationId}/activities`, { token })).status, 403);
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });

  it('when a token is signed for one use, then it does not verify for the other, and a short key is refused', () => {
    const clock = new ManualClock(TEST_NOW);
    const signer = new TokenSigner(Buffer.alloc(32, 7), clock);
    const { token } = signer.issue('abcdefghijklmnopqrstuvwx', 'stream', 60);
    assert.equal(signer.verify(token, 'conversation'), null);
    assert.deepEqual(signer.verify(token, 'stream'), { conversationId: 'abcdefghijklmnopqrstuvwx', use: 'stream', expiresAt: Date.parse(TEST_NOW) / 1000 + 60 });
    clock.advance(60 * 1000);
    assert.equal(signer.verify(token, 'stream'), null);
    assert.throws(() => new TokenSigner(Buffer.alloc(16), clock), /at least 32 bytes/);
  });
});
