/**
 * What live handoffs rely on from the store, stated once and run against both stores from
 * test/store.contract.test.ts: one open handoff per conversation, accept as one compare-and-swap, end once,
 * transcript lines in order with their seq, and the filters retention and subject access use.
 */
import assert from 'node:assert/strict';
import type { Handoff } from '../../services/handoff/model';
import type { Store } from '../../services/store/types';

const AT = '2026-11-16T10:00:00.000Z';

export function makeHandoff(n: number, overrides: Partial<Handoff> = {}): Handoff {
  return {
    id: `handoff-${n}`,
    conversationId: `conversation-${n}`,
    channel: 'sms',
    address: { kind: 'sms', phone: `+447700900${String(100 + n)}` },
    mode: 'console',
    status: 'waiting',
    urgent: false,
    requestedAt: AT,
    acceptedAt: null,
    acceptedBy: null,
    endedAt: null,
    endReason: null,
    lastActivityAt: AT,
    journey: { name: 'Ann' },
    referralId: null,
    transcript: [],
    ...overrides,
  };
}

export function handoffStoreContract(getStore: () => Store): void {
  describe('handoffs', () => {
    it('when a conversation already has an open handoff, then a second is not opened and the first is returned', async () => {
      const store = getStore();
      const first = await store.handoffs.openIfNone(makeHandoff(1));
      const second = await store.handoffs.openIfNone(makeHandoff(2, { conversationId: 'conversation-1' }));

      assert.equal(first.created, true);
      assert.equal(second.created, false);
      assert.equal(second.handoff.id, 'handoff-1');
      assert.equal(await store.handoffs.get('handoff-2'), null);
    });

    it('when the open handoff has ended, then the conversation can open a new one', async () => {
      const store = getStore();
      await store.handoffs.openIfNone(makeHandoff(1));
      await store.handoffs.end('handoff-1', 'worker', AT);

      const again = await store.handoffs.openIfNone(makeHandoff(2, { conversationId: 'conversation-1' }));

      assert.equal(again.created, true);
      assert.equal((await store.handoffs.openFor('conversation-1'))?.id, 'handoff-2');
    });

    it('when many workers accept one handoff at once, then exactly one wins', async () => {
      const store = getStore();
      await store.handoffs.openIfNone(makeHandoff(1));

      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.handoffs.accept('handoff-1', `staff-${i}`, AT)));

      const winners = results.filter((r) => r !== null);
      assert.equal(winners.length, 1);
      const stored = await store.handoffs.get('handoff-1');
      assert.equal(stored?.status, 'active');
      assert.equal(stored?.acceptedBy, winners[0]?.acceptedBy);
    });

    it('when a handoff is ended twice, then only the first end counts', async () => {
      const store = getStore();
      await store.handoffs.openIfNone(makeHandoff(1));
      const first = await store.handoffs.end('handoff-1', 'worker', AT);
      const second = await store.handoffs.end('handoff-1', 'idle-timeout', '2026-11-16T11:00:00.000Z');

      assert.equal(first?.endReason, 'worker');
      assert.equal(second, null);
      assert.equal((await store.handoffs.get('handoff-1'))?.endReason, 'worker');
      assert.equal(await store.handoffs.accept('handoff-1', 'staff-1', AT), null, 'an ended handoff cannot be accepted');
    });

    it('when lines are appended at once, then each gets its own seq in order and lastActivityAt moves', async () => {
      const store = getStore();
      await store.handoffs.openIfNone(makeHandoff(1));

      await Promise.all(['one', 'two', 'three', '$where: 1'].map((text, i) => store.handoffs.append('handoff-1', { at: `2026-11-16T10:0${i}:00.000Z`, from: 'resident', staffId: null, text })));

      const stored = await store.handoffs.get('handoff-1');
      assert.deepEqual(stored?.transcript.map((l) => l.seq), [0, 1, 2, 3]);
      assert.deepEqual(new Set(stored?.transcript.map((l) => l.text)), new Set(['one', 'two', 'three', '$where: 1']));
      assert.equal(stored?.lastActivityAt, stored?.transcript[3]?.at);
    });

    it('when listed by status, conversation, phone or end time, then only those match, oldest request first', async () => {
      const store = getStore();
      await store.handoffs.openIfNone(makeHandoff(2, { requestedAt: '2026-11-16T09:00:00.000Z' }));
      await store.handoffs.openIfNone(makeHandoff(1, { requestedAt: '2026-11-16T08:00:00.000Z' }));
      await store.handoffs.openIfNone(makeHandoff(3));
      await store.handoffs.end('handoff-3', 'worker', '2026-11-16T10:30:00.000Z');

      assert.deepEqual((await store.handoffs.list({ status: ['waiting'] })).map((h) => h.id), ['handoff-1', 'handoff-2']);
      assert.deepEqual((await store.handoffs.list({ conversationIds: ['conversation-2'] })).map((h) => h.id), ['handoff-2']);
      assert.deepEqual((await store.handoffs.list({ phones: ['+447700900103'] })).map((h) => h.id), ['handoff-3']);
      assert.deepEqual((await store.handoffs.list({ endedBefore: '2026-11-16T11:00:00.000Z' })).map((h) => h.id), ['handoff-3']);
      assert.deepEqual(await store.handoffs.list({ endedBefore: '2026-11-16T10:00:00.000Z' }), []);
      assert.equal(await store.handoffs.deleteMany(['handoff-3', 'no-such']), 1);
      assert.equal(await store.handoffs.get('handoff-3'), null);
    });
  });
}
