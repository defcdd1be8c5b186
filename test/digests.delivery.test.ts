/**
 * Sending digests: a real SMTP server receives them, a stand-in answers as GOV.UK Notify does, the ledger sends each
 * once under re-runs and concurrent instances, failures are retried and then given up, and the schedule runs on
 * one instance at a time at 08:00 London time.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { NotifyMailer, SmtpMailer, type Mailer } from '../services/digests/mailer';
import { DigestScheduler } from '../services/digests/scheduler';
import { decodeQuotedPrintable, NOTIFY_API_KEY, NOTIFY_TEMPLATE_ID, NotifyStandIn, SmtpStandIn } from './support/mailStandIns';
import { BOSTON_CASTLE, digestRig, DUE, ROTHERHAM_EAST, SECRETS, subscription, type DigestRig } from './support/digestRig';

const MINUTE = 60_000;

const subjectOf = (raw: string | undefined) => /^Subject: (.*)$/m.exec(parts(raw ?? '\r\n\r\n').headers)?.[1];

/** The decoded text/plain and text/html parts of a received message. */
function parts(raw: string): { text: string; html: string; headers: string } {
  // Long header lines are folded onto continuation lines; unfold them to read them.
  const headers = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const part = (type: string) => {
    const m = new RegExp(`Content-Type: ${type}[^\\r]*\\r\\n(?:[^\\r]+\\r\\n)*\\r\\n([\\s\\S]*?)\\r\\n--`, 'i').exec(raw);
    return decodeQuotedPrintable(m?.[1] ?? '').replace(/\r\n/g, '\n');
  };
  return { text: part('text/plain'), html: part('text/html'), headers };
}

describe('digest delivery', () => {
  let smtp: SmtpStandIn;
  let mailer: Mailer;
  let rig: DigestRig;

  beforeEach(async () => {
    smtp = await new SmtpStandIn().start();
    mailer = new SmtpMailer({ url: smtp.url, from: 'Rotherham Community Hub <hub@example.gov.uk>', timeoutMs: 5000 });
  });
  afterEach(async () => {
    await rig?.close();
    await mailer.close();
    await smtp.stop();
  });

  describe('by SMTP', () => {
    beforeEach(async () => {
      rig = await digestRig({ mailer });
      await rig.store.digestSubscriptions.create(subscription('cllr-a'));
      await rig.store.digestSubscriptions.create(subscription('cllr-b', { wardCodes: [BOSTON_CASTLE, ROTHERHAM_EAST] }));
    });

    it('when digests are due on Monday morning, then each subscriber gets one email per ward, with HTML and plain text', async () => {
      const summary = await rig.service.runDue();

      assert.deepEqual(summary, { sent: 3, failed: 0, abandoned: 0, skipped: 0 });
      assert.deepEqual(smtp.received.map((m) => m.to.join()).sort(), ['cllr-a@example.gov.uk', 'cllr-b@example.gov.uk', 'cllr-b@example.gov.uk']);
      const toA = smtp.received.find((m) => m.to[0] === 'cllr-a@example.gov.uk') ?? assert.fail('nothing for cllr-a');
      const { text, html, headers } = parts(toA.raw);
      assert.match(headers, /^Subject: Boston Castle ward: community hub digest for 16 to 22 November 2026$/m);
      assert.match(headers, /^From: Rotherham Community Hub <hub@example\.gov\.uk>$/m);
      assert.match(headers, /^Content-Type: multipart\/alternative/m);
      assert.match(headers, /^X-Hub-Digest: cllr-a\|E05012996\|2026-11-16\|2026-11-22\|email$/m);
      assert.match(html, /<h1>Boston Castle ward: what residents asked the community hub for<\/h1>/);
      assert.match(text, /^Befriending \(loneliness\) +8 +#+$/m);
      assert.match(text, /^Noise +7$/m);
      assert.match(text, /^Vandalism or damage +5$/m);
      assert.match(text, /^Clifton Park +12$/m);
      for (const message of smtp.received) for (const secret of SECRETS) assert.ok(!message.raw.includes(secret), `"${secret}" was emailed`);

      const ledger = await rig.store.digestLedger.list();
      assert.equal(ledger.length, 3);
      assert.ok(ledger.every((e) => e.status === 'sent' && e.attempts === 1 && e.providerId !== null && e.sentAt === DUE));
    });

    it('when the job runs again, later the same week, then nothing is sent twice', async () => {
      await rig.service.runDue();
      rig.clock.advance(30 * MINUTE);
      const again = await rig.service.runDue();
      rig.clock.set('2026-11-29T23:00:00Z');
      const sunday = await rig.service.runDue();

      assert.deepEqual(again, { sent: 0, failed: 0, abandoned: 0, skipped: 3 });
      assert.equal(sunday.sent, 0);
      assert.equal(smtp.received.length, 3);
    });

    it('when two instances run the job at the same moment, then each digest is sent once', async () => {
      const other = await rig.secondInstance(mailer);
      await rig.store.digestSubscriptions.create(subscription('cllr-c', { wardCodes: [BOSTON_CASTLE, ROTHERHAM_EAST] }));

      const [a, b] = await Promise.all([rig.service.runDue(), other.service.runDue()]);

      assert.equal(a.sent + b.sent, 5);
      assert.equal(a.skipped + b.skipped, 5);
      assert.equal(smtp.received.length, 5);
      const keys = (await rig.store.digestLedger.list()).map((e) => `${e.subscriptionId}/${e.wardCode}`);
      assert.equal(new Set(keys).size, 5);
    });

    it('when a subscription starts after this week\u2019s digest fell due, then its first digest is next week\u2019s', async () => {
      await rig.store.digestSubscriptions.create(subscription('cllr-late', { createdAt: '2026-11-23T09:30:00.000Z' }));
      rig.clock.set('2026-11-23T10:00:00Z');

      await rig.service.runDue();
      assert.ok(!smtp.received.some((m) => m.to[0] === 'cllr-late@example.gov.uk'));
      rig.clock.set('2026-11-30T08:00:00Z');
      await rig.service.runDue();
      assert.equal(smtp.received.filter((m) => m.to[0] === 'cllr-late@example.gov.uk').length, 1);
    });
  });

  describe('failures', () => {
    beforeEach(async () => {
      rig = await digestRig({ mailer, service: { maxAttempts: 3 } });
      await rig.store.digestSubscriptions.create(subscription('cllr-a'));
    });

    it('when the SMTP server refuses for a while, then the send is recorded as failed, retried when due, and sent once', async () => {
      smtp.refuseNext = [451];

      assert.deepEqual(await rig.service.runDue(), { sent: 0, failed: 1, abandoned: 0, skipped: 0 });
      const failed = (await rig.store.digestLedger.list())[0];
      assert.deepEqual([failed?.status, failed?.lastError, failed?.nextAttemptAt], ['failed', 'smtp 451', '2026-11-23T08:05:00.000Z']);

      rig.clock.advance(4 * MINUTE);
      assert.equal((await rig.service.runDue()).sent, 0, 'not yet due');
      rig.clock.advance(MINUTE);
      assert.deepEqual(await rig.service.runDue(), { sent: 1, failed: 0, abandoned: 0, skipped: 0 });

      const sent = (await rig.store.digestLedger.list())[0];
      assert.deepEqual([sent?.status, sent?.attempts, sent?.lastError], ['sent', 2, null]);
      assert.equal(smtp.received.length, 1);
    });

    it('when a send keeps failing, then it is given up after the last attempt and the failure summary says why', async () => {
      smtp.refuseNext = [550, 550, 550];

      await rig.service.runDue();
      rig.clock.advance(5 * MINUTE);
      await rig.service.runDue();
      rig.clock.advance(30 * MINUTE);
      assert.deepEqual(await rig.service.runDue(), { sent: 0, failed: 0, abandoned: 1, skipped: 0 });
      rig.clock.advance(24 * 60 * MINUTE);
      assert.equal((await rig.service.runDue()).abandoned, 0, 'given up for good');

      const summary = await rig.service.failures();
      assert.deepEqual(summary.counts, { sending: 0, sent: 0, failed: 0, abandoned: 1 });
      assert.deepEqual(summary.byReason, [{ reason: 'smtp 550', count: 1 }]);
      assert.deepEqual([summary.recent[0]?.subscriptionId, summary.recent[0]?.attempts, summary.recent[0]?.wardCode], ['cllr-a', 3, BOSTON_CASTLE]);
      assert.doesNotMatch(JSON.stringify(summary), /@/, 'no email address in what admins see');
      assert.equal(smtp.received.length, 0);
    });

    it('when the SMTP server cannot be reached, then the failure is recorded without the address', async () => {
      await smtp.stop();
      const unreachable = new SmtpMailer({ url: smtp.url, from: 'hub@example.gov.uk', timeoutMs: 2000 });
      const local = await digestRig({ mailer: unreachable });
      try {
        await local.store.digestSubscriptions.create(subscription('cllr-a'));
        assert.equal((await local.service.runDue()).failed, 1);
        assert.match((await local.store.digestLedger.list())[0]?.lastError ?? '', /^smtp E[A-Z]+$/);
      } finally {
        await local.close();
        await unreachable.close();
        smtp = await new SmtpStandIn().start();
      }
    });

    it('when the councillor is unsubscribed before a retry, then the retry is given up, not sent', async () => {
      smtp.refuseNext = [451];
      await rig.service.runDue();
      await rig.store.digestSubscriptions.delete('cllr-a');
      rig.clock.advance(5 * MINUTE);

      assert.deepEqual(await rig.service.runDue(), { sent: 0, failed: 0, abandoned: 1, skipped: 0 });
      assert.equal((await rig.store.digestLedger.list())[0]?.lastError, 'unsubscribed');
      assert.equal(smtp.received.length, 0);
    });

    it('when no email service is configured, then email digests are recorded as failed and retried once one is', async () => {
      const local = await digestRig({ mailer: null });
      try {
        await local.store.digestSubscriptions.create(subscription('cllr-a'));
        await local.service.runDue();
        assert.equal((await local.store.digestLedger.list())[0]?.lastError, 'email not configured');
      } finally {
        await local.close();
      }
    });
  });

  describe('by GOV.UK Notify', () => {
    let notify: NotifyStandIn;
    beforeEach(async () => {
      notify = await new NotifyStandIn().start();
      rig = await digestRig({ mailer: new NotifyMailer({ apiKey: NOTIFY_API_KEY, templateId: NOTIFY_TEMPLATE_ID, baseUrl: notify.url, timeoutMs: 5000 }) });
      await rig.store.digestSubscriptions.create(subscription('cllr-a'));
    });
    afterEach(async () => notify.stop());

    it('when digests go through Notify, then the official client sends the subject and plain text, signed with the key', async () => {
      assert.equal((await rig.service.runDue()).sent, 1);

      const [email] = notify.emails;
      assert.equal(email?.email_address, 'cllr-a@example.gov.uk');
      assert.equal(email?.personalisation.subject, 'Boston Castle ward: community hub digest for 16 to 22 November 2026');
      assert.match(email?.personalisation.body ?? '', /^Befriending \(loneliness\) +8 +#+$/m);
      assert.equal(email?.reference, 'cllr-a|E05012996|2026-11-16|2026-11-22|email');
      for (const secret of SECRETS) assert.ok(!JSON.stringify(email).includes(secret));
      assert.match((await rig.store.digestLedger.list())[0]?.providerId ?? '', /^[0-9a-f-]{36}$/);
    });

    it('when Notify refuses a request, then its status and error class are recorded and the send retried', async () => {
      notify.failNext = [400];
      assert.equal((await rig.service.runDue()).failed, 1);
      assert.equal((await rig.store.digestLedger.list())[0]?.lastError, 'notify 400 BadRequestError');
      rig.clock.advance(5 * MINUTE);
      assert.equal((await rig.service.runDue()).sent, 1);
      assert.equal(notify.emails.length, 1);
    });
  });

  describe('the schedule', () => {
    const logger = pino({ level: 'silent' });

    it('when two instances\u2019 schedules tick at once, then one holds the lock and sends, and the other does nothing', async () => {
      rig = await digestRig({ mailer });
      await rig.store.digestSubscriptions.create(subscription('cllr-a', { wardCodes: [BOSTON_CASTLE, ROTHERHAM_EAST] }));
      const other = await rig.secondInstance(mailer);
      const schedulers = [
        new DigestScheduler({ service: rig.service, locks: rig.store.locks, clock: rig.clock, logger }),
        new DigestScheduler({ service: other.service, locks: other.store.locks, clock: rig.clock, logger }),
      ];

      const results = await Promise.all(schedulers.map((s) => s.tick()));

      assert.equal(results.filter((r) => r === null).length, 1);
      assert.equal(results.find((r) => r !== null)?.sent, 2);
      assert.equal(smtp.received.length, 2);
      assert.equal(await rig.store.locks.acquire('digests', 'someone-else', rig.clock.now().toISOString(), MINUTE), true, 'released after the run');
    });

    it('when the clocks have just gone back, then last week\u2019s digest goes at 08:00 GMT on Monday and not before', async () => {
      rig = await digestRig({ mailer, seed: false });
      await rig.store.digestSubscriptions.create(subscription('cllr-a', { createdAt: '2026-10-01T09:00:00.000Z' }));
      const scheduler = new DigestScheduler({ service: rig.service, locks: rig.store.locks, clock: rig.clock, logger });

      rig.clock.set('2026-10-26T07:59:00Z');
      await scheduler.tick();
      const before = smtp.received.map((m) => subjectOf(m.raw));
      rig.clock.set('2026-10-26T08:00:00Z');
      await scheduler.tick();

      assert.deepEqual(before, ['Boston Castle ward: community hub digest for 12 to 18 October 2026'], 'until 08:00 the week before is the latest due');
      assert.equal(subjectOf(smtp.received[1]?.raw), 'Boston Castle ward: community hub digest for 19 to 25 October 2026');
      assert.equal(smtp.received.length, 2);
    });

    it('when a run fails outright, then the tick reports nothing, lets the lock go and the next tick runs', async () => {
      rig = await digestRig({ mailer });
      const broken = { runDue: async () => Promise.reject(new Error('store gone')), instanceId: 'broken' } as unknown as typeof rig.service;
      const scheduler = new DigestScheduler({ service: broken, locks: rig.store.locks, clock: rig.clock, logger });
      assert.equal(await scheduler.tick(), null);
      assert.equal(await rig.store.locks.acquire('digests', 'next', rig.clock.now().toISOString(), MINUTE), true);
    });
  });
});
