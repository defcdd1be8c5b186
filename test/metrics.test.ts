/**
 * GET /metrics against the real server: turns timed by channel, queue depth from the store, SMS send failures and
 * retries, language fall-backs and digest failures, the optional bearer token, and no personal data in labels.
 */
import assert from 'node:assert/strict';
import { HubMetrics, metricChannel } from '../services/metrics';
import { BotClient } from './support/botClient';
import { BOSTON_CASTLE } from './support/digestRig';
import { NOTIFY_API_KEY, NOTIFY_TEMPLATE_ID, NotifyStandIn, SmtpStandIn } from './support/mailStandIns';
import { makeReferral, numbered } from './support/referralFactory';
import { Phone, startSmsHarness, type SmsHarness } from './support/smsHarness';
import { startTestApp, type TestApp } from './support/testApp';

/** The value of one series in Prometheus text format, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) found[pair[1] as string] = pair[2] as string;
    if (Object.entries(labels).every(([k, v]) => found[k] === v) && Object.keys(found).length === Object.keys(labels).length) return Number(match[3]);
  }
  return undefined;
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(`${url}/metrics`, { headers });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

describe('GET /metrics', function () {
  this.timeout(30_000);
  let h: SmsHarness;
  beforeEach(async () => {
    h = await startSmsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('when a resident has an SMS turn and an emulator turn, then each channel has one timed turn', async () => {
    const before = await scrape(h.t.url);
    assert.equal(before.status, 200);
    assert.match(before.type ?? '', /^text\/plain/);
    assert.equal(sample(before.text, 'hub_turn_duration_seconds_count', { channel: 'sms' }), undefined);

    await new Phone(h).text('hello');
    await new BotClient(h.t.url, { channelId: 'emulator' }).say('hello');

    const after = (await scrape(h.t.url)).text;
    assert.equal(sample(after, 'hub_turn_duration_seconds_count', { channel: 'sms' }), 1);
    assert.equal(sample(after, 'hub_turn_duration_seconds_count', { channel: 'emulator' }), 1);
    assert.ok((sample(after, 'hub_turn_duration_seconds_sum', { channel: 'sms' }) ?? 0) > 0);
    assert.ok(after.includes('process_cpu_user_seconds_total'), 'default process metrics are exposed');
  });

  it('when a resident chats on the web page (embedded Direct Line), then the turns are counted as webchat', async () => {
    const minted = (await (await fetch(`${h.t.url}/api/webchat/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const headers = { authorization: `Bearer ${minted.token}`, 'content-type': 'application/json' };
    await (await fetch(`${h.t.url}/v3/directline/conversations`, { method: 'POST', headers })).arrayBuffer();
    const posted = await fetch(`${h.t.url}/v3/directline/conversations/${minted.conversationId}/activities`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ type: 'message', text: 'hello', from: { id: 'resident' } }),
    });
    assert.equal(posted.status, 200);
    let count: number | undefined;
    for (let i = 0; i < 40 && (count ?? 0) < 2; i += 1) {
      count = sample((await scrape(h.t.url)).text, 'hub_turn_duration_seconds_count', { channel: 'webchat' });
      if ((count ?? 0) < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(count, 2, 'the greeting turn and the message turn');
  });

  it('when a client sends an unknown channel id, then its turn is counted as "other", not under its own label', async () => {
    await new BotClient(h.t.url, { channelId: 'made-up-07700900123' }).say('hello');
    const text = (await scrape(h.t.url)).text;
    assert.equal(sample(text, 'hub_turn_duration_seconds_count', { channel: 'other' }), 1);
    assert.ok(!text.includes('made-up'));
  });

  it('when a text fails once with a retryable error and once for good, then one retry and one final failure are counted', async () => {
    const phone = new Phone(h);
    h.twilioApi.failNext(1, { status: 503, code: 20503, message: 'Service Unavailable' });
    await phone.text('hello');
    await h.t.app.sms?.outbox.flush();
    let text = (await scrape(h.t.url)).text;
    assert.equal(sample(text, 'hub_sms_send_retries_total'), 1);
    assert.equal(sample(text, 'hub_sms_send_failures_total'), 0);

    h.twilioApi.failNext(5, { status: 400, code: 21211, message: 'Invalid To number' });
    h.t.clock.advance(60_000);
    await phone.text('hello again');
    await h.t.app.sms?.outbox.flush();
    text = (await scrape(h.t.url)).text;
    assert.ok((sample(text, 'hub_sms_send_failures_total') ?? 0) >= 1);
    assert.ok(!text.includes(phone.number) && !text.includes(phone.number.slice(1)), 'no phone number in any series');
  });

  it('when the digests report a failure, then hub_digest_failures_total goes up by one', async () => {
    assert.equal(sample((await scrape(h.t.url)).text, 'hub_digest_failures_total'), 0);
    h.t.app.recordDigestFailure();
    assert.equal(sample((await scrape(h.t.url)).text, 'hub_digest_failures_total'), 1);
  });
});

describe('GET /metrics queue depth and protection', function () {
  this.timeout(30_000);
  let t: TestApp;
  afterEach(async () => {
    await t.stop();
  });

  it('when referrals are seeded, then hub_queue_depth counts the open ones by kind and urgency', async () => {
    t = await startTestApp();
    const seed = [
      makeReferral({ ...numbered(1), kind: 'befriending' }),
      makeReferral({ ...numbered(2), kind: 'befriending' }),
      makeReferral({ ...numbered(3), kind: 'asb', urgent: true, urgencyReasons: ['danger'] }),
      makeReferral({ ...numbered(4), kind: 'cost-of-living', status: 'closed', outcome: 'helped' }),
    ];
    for (const r of seed) await t.app.store.referrals.insertIfAbsent(r);
    const text = (await scrape(t.url)).text;
    assert.equal(sample(text, 'hub_queue_depth', { kind: 'befriending', urgency: 'routine' }), 2);
    assert.equal(sample(text, 'hub_queue_depth', { kind: 'asb', urgency: 'urgent' }), 1);
    assert.equal(sample(text, 'hub_queue_depth', { kind: 'cost-of-living', urgency: 'routine' }), 0, 'closed referrals are not in the queue');
  });

  it('when METRICS_TOKEN is set, then scrapes without the bearer token are refused and with it succeed', async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: 'metrics-token-0123456789' } });
    assert.equal((await scrape(t.url)).status, 401);
    assert.equal((await scrape(t.url, { authorization: 'Bearer wrong-token-0123456789' })).status, 401);
    const ok = await scrape(t.url, { authorization: 'Bearer metrics-token-0123456789' });
    assert.equal(ok.status, 200);
    assert.ok(ok.text.includes('hub_turn_duration_seconds'));
  });
});

describe('GET /metrics digest failures, from real sends', function () {
  this.timeout(30_000);
  const ADMIN = 'test-admin-token-0123456789abcdef0123456789';
  let t: TestApp;
  let stopStandIn: () => Promise<void>;
  afterEach(async () => {
    await t.stop();
    await stopStandIn();
  });

  const admin = (url: string, path: string, body?: unknown) =>
    fetch(`${url}/api/hub/digests${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, number> }));

  /** Two councillors for one ward, subscribed before the period, then the job run once the digest is due. */
  async function subscribeTwoAndRun(): Promise<Record<string, number>> {
    t.clock.set('2026-11-01T09:00:00Z');
    for (const email of ['a@example.gov.uk', 'b@example.gov.uk']) {
      assert.equal((await admin(t.url, '/subscriptions', { wardCodes: [BOSTON_CASTLE], email })).status, 201);
    }
    t.clock.set('2026-11-23T08:00:00Z');
    const run = await admin(t.url, '/run');
    assert.equal(run.status, 200);
    return run.body;
  }

  it('when the SMTP server refuses one of two digests, then hub_digest_failures_total is 1, and a successful retry leaves it at 1', async () => {
    const smtp = await new SmtpStandIn().start();
    stopStandIn = () => smtp.stop();
    t = await startTestApp({ env: { ADMIN_API_TOKEN: ADMIN, SMTP_URL: smtp.url, DIGEST_FROM: 'hub@example.gov.uk' } });
    assert.equal(sample((await scrape(t.url)).text, 'hub_digest_failures_total'), 0);

    smtp.refuseNext = [451];
    const run = await subscribeTwoAndRun();
    assert.deepEqual([run.sent, run.failed], [1, 1]);
    assert.equal(sample((await scrape(t.url)).text, 'hub_digest_failures_total'), 1);

    t.clock.advance(6 * 60_000); // past the first retry delay
    const retry = await admin(t.url, '/run');
    assert.equal(retry.body.sent, 1);
    assert.equal(smtp.received.length, 2);
    assert.equal(sample((await scrape(t.url)).text, 'hub_digest_failures_total'), 1);
  });

  it('when GOV.UK Notify answers 500 to both digests, then hub_digest_failures_total is 2', async () => {
    const notify = await new NotifyStandIn().start();
    stopStandIn = () => notify.stop();
    t = await startTestApp({
      env: { ADMIN_API_TOKEN: ADMIN, NOTIFY_API_KEY, NOTIFY_TEMPLATE_ID, NOTIFY_API_URL: notify.url },
    });
    notify.failNext = [500, 500];
    const run = await subscribeTwoAndRun();
    assert.equal(run.sent, 0);
    assert.equal((run.failed ?? 0) + (run.abandoned ?? 0), 2);
    assert.equal(notify.emails.length, 0);
    assert.equal(sample((await scrape(t.url)).text, 'hub_digest_failures_total'), 2);
  });
});

describe('HubMetrics', () => {
  it('when two apps are built in one process, then each has its own registry and counts', async () => {
    const a = new HubMetrics({ queueDepth: async () => [], processMetrics: false });
    const b = new HubMetrics({ queueDepth: async () => [], processMetrics: false });
    a.recordDigestFailure();
    assert.match(await a.render(), /hub_digest_failures_total 1/);
    assert.match(await b.render(), /hub_digest_failures_total 0/);
  });

  it('when the language services fall back, then the fall-back is counted by operation and reason', async () => {
    const m = new HubMetrics({ queueDepth: async () => [], processMetrics: false });
    m.language.onFallback({ operation: 'sentiment', reason: 'timeout' });
    m.language.onFallback({ operation: 'sentiment', reason: 'timeout' });
    assert.equal(sample(await m.render(), 'hub_language_fallbacks_total', { operation: 'sentiment', reason: 'timeout' }), 2);
  });

  it('maps channel ids to a fixed set of labels', () => {
    assert.equal(metricChannel('sms'), 'sms');
    assert.equal(metricChannel('webchat'), 'webchat');
    assert.equal(metricChannel('anything-else'), 'other');
    assert.equal(metricChannel(undefined), 'other');
  });
});
