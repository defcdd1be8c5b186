/**
 * The store operations the retention job relies on, stated once and run against both stores from
 * test/store.contract.test.ts.
 */
import assert from 'node:assert/strict';
import type { ManualClock } from '../../services/clock';
import type { OutboundSms, Store } from '../../services/store/types';
import { makeReferral, numbered } from './referralFactory';

export function retentionStoreContract(getStore: () => Store, clock: ManualClock): void {
  describe('retention operations', () => {
    const start = clock.now().toISOString();
    afterEach(() => clock.set(start));

    it('when bot state was last written before the cut-off, then keysUpdatedBefore lists it, and not newer or other-prefix keys', async () => {
      const store = getStore();
      clock.set('2026-01-01T00:00:00.000Z');
      await store.botState.write('directline/log/old', { n: 1 });
      await store.botState.write('other/old', { n: 1 });
      clock.set('2026-06-01T00:00:00.000Z');
      await store.botState.write('directline/log/new', { n: 1 });
      const rewritten = '2026-01-01T00:00:00.000Z';
      clock.set(rewritten);
      await store.botState.write('directline/log/rewritten', { n: 1 });
      clock.set('2026-06-01T00:00:00.000Z');
      await store.botState.write('directline/log/rewritten', { n: 2 });

      assert.deepEqual(await store.botState.keysUpdatedBefore('directline/log/', '2026-03-01T00:00:00.000Z'), ['directline/log/old']);
      assert.deepEqual(await store.botState.keysUpdatedBefore('', '2026-03-01T00:00:00.000Z'), ['directline/log/old', 'other/old']);
    });

    it('when settled texts are older than the cut-off, then they are deleted and pending or newer ones are kept', async () => {
      const store = getStore();
      const base = (id: string, createdAt: string, status: OutboundSms['status']): Omit<OutboundSms, 'seq'> => ({
        id, conversationId: `sms-${id}`, to: '+447700900123', body: 'text', status, attempts: 0, lastError: null,
        nextAttemptAt: null, twilioSid: null, createdAt, updatedAt: createdAt,
      });
      await store.sms.enqueueOutbound(base('old-sent', '2026-01-01T00:00:00.000Z', 'sent'));
      await store.sms.enqueueOutbound(base('old-queued', '2026-01-01T00:00:00.000Z', 'queued'));
      await store.sms.enqueueOutbound(base('new-sent', '2026-06-01T00:00:00.000Z', 'sent'));
      const inbound = (sid: string, receivedAt: string) => ({ messageSid: sid, conversationId: 'sms-x', from: '+447700900123', body: 'hi', numMedia: 0, receivedAt, processedAt: null });
      await store.sms.recordInbound(inbound('SMold', '2026-01-01T00:00:00.000Z'));
      await store.sms.markInboundProcessed('SMold', '2026-01-01T00:00:01.000Z');
      await store.sms.recordInbound(inbound('SMpending', '2026-01-01T00:00:00.000Z'));
      await store.sms.recordInbound(inbound('SMnew', '2026-06-01T00:00:00.000Z'));
      await store.sms.markInboundProcessed('SMnew', '2026-06-01T00:00:01.000Z');

      assert.deepEqual(await store.sms.deleteSettledBefore('2026-03-01T00:00:00.000Z'), { inbound: 1, outbound: 1 });
      assert.equal(await store.sms.getOutbound('old-sent'), null);
      assert.ok(await store.sms.getOutbound('old-queued'));
      assert.ok(await store.sms.getOutbound('new-sent'));
      assert.deepEqual((await store.sms.pendingInbound()).map((m) => m.messageSid), ['SMpending']);
      assert.equal(await store.sms.recordInbound(inbound('SMnew', '2026-06-01T00:00:00.000Z')), false, 'the newer inbound text is still there');
    });

    it('when a referral is replaced with its anonymised form, then it reads back anonymised and is no longer found by its contact', async () => {
      const store = getStore();
      const original = makeReferral({ ...numbered(71), status: 'closed', outcome: 'helped' });
      await store.referrals.insertIfAbsent(original);
      const anonymised = { ...original, contact: { anonymous: true as const }, conversationId: 'anonymised:referral-71', idempotencyKey: 'anonymised:referral-71' };

      assert.equal(await store.referrals.replaceAnonymised(anonymised), true);
      assert.deepEqual(await store.referrals.get(original.id), anonymised);
      assert.deepEqual(await store.referrals.findByContact({ phones: ['07700 900123'] }), []);
      assert.deepEqual(await store.referrals.list({ conversationId: original.conversationId }), []);
      assert.equal(await store.referrals.replaceAnonymised({ ...anonymised, id: 'missing' }), false);
    });
  });
}
