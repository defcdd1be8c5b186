/**
 * Councillors who chose text get a short summary through the SMS channel's outbox, like any text from the hub: the
 * real server, Twilio's REST API played by the stand-in, and STOP respected.
 */
import assert from 'node:assert/strict';
import { countSegments } from '../services/sms/segments';
import { createSubscription } from '../services/digests/subscriptions';
import { BOSTON_CASTLE, SECRETS, seededReferrals } from './support/digestRig';
import { Phone, startSmsHarness, type SmsHarness } from './support/smsHarness';

describe('digest text summaries', () => {
  let h: SmsHarness;
  const councillor = '+447700900456';

  beforeEach(async () => {
    h = await startSmsHarness();
    const { app } = h.t;
    for (const r of seededReferrals()) await app.store.referrals.insertIfAbsent(r);
    h.t.clock.set('2026-11-01T09:00:00Z');
    await createSubscription({ wardCodes: [BOSTON_CASTLE], mobile: '07700 900456' }, { store: app.store, profile: app.profile, clock: app.clock, actor: 'test' });
    h.t.clock.set('2026-11-23T08:00:00Z');
  });
  afterEach(async () => h.stop());

  it('when a councillor chose text, then the summary reaches their phone through the SMS outbox, within 320 GSM-7 characters', async () => {
    const summary = await h.t.app.digests.service.runDue();
    await h.t.app.sms?.channel.idle();

    assert.deepEqual(summary, { sent: 1, failed: 0, abandoned: 0, skipped: 0 });
    const texts = h.twilioApi.messagesTo(councillor).map((m) => m.body);
    assert.equal(texts.length, 1);
    const [text] = texts as [string];
    assert.match(text, /^Rotherham community hub digest, Boston Castle, 16 to 22 November 2026: befriending 8 \(\+8\), cost of living 6 \(\+6\), ASB 12 \(\+12\)\. Median pick-up 2 hours\./);
    assert.ok(countSegments(text).encoding === 'GSM-7' && countSegments(text).units <= 320, text);
    for (const secret of SECRETS) assert.ok(!text.includes(secret));
    const entry = (await h.t.app.store.digestLedger.list())[0];
    assert.equal(entry?.channel, 'sms');
    assert.ok(entry?.providerId, 'the outbox id is kept in the ledger');
  });

  it('when the councillor has replied STOP, then no summary is texted and the ledger says why', async () => {
    await new Phone(h, councillor).text('STOP');

    const summary = await h.t.app.digests.service.runDue();
    await h.t.app.sms?.channel.idle();

    assert.deepEqual(summary, { sent: 0, failed: 0, abandoned: 1, skipped: 0 });
    assert.equal(h.twilioApi.messagesTo(councillor).length, 0);
    assert.equal((await h.t.app.store.digestLedger.list())[0]?.lastError, 'opted out of texts');
  });
});
