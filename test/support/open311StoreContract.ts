/**
 * Open311 consumers in the store, stated once and run against both stores from test/store.contract.test.ts.
 */
import assert from 'node:assert/strict';
import type { Open311Consumer, Store } from '../../services/store/types';
import { FIXED_TIME } from './referralFactory';

function consumer(n: number, overrides: Partial<Open311Consumer> = {}): Open311Consumer {
  return { id: `consumer-${n}`, name: `Case system ${n}`, body: 'rotherham-asb-team', keyHash: String(n).repeat(64).slice(0, 64), createdAt: FIXED_TIME, revokedAt: null, ...overrides };
}

export function open311StoreContract(getStore: () => Store): void {
  describe('open311 consumers', () => {
    it('when a consumer is created, then it reads back whole by id and by key hash, and unknown ones are null', async () => {
      const store = getStore();
      const created = await store.open311Consumers.create(consumer(1));
      assert.deepEqual(await store.open311Consumers.get('consumer-1'), created);
      assert.deepEqual(await store.open311Consumers.getByKeyHash(consumer(1).keyHash), created);
      assert.equal(await store.open311Consumers.get('consumer-9'), null);
      assert.equal(await store.open311Consumers.getByKeyHash('f'.repeat(64)), null);
    });

    it('when two consumers would share a key hash, then the second is refused', async () => {
      const store = getStore();
      await store.open311Consumers.create(consumer(1));
      await assert.rejects(store.open311Consumers.create(consumer(2, { keyHash: consumer(1).keyHash })));
      assert.equal((await store.open311Consumers.list()).length, 1);
    });

    it('when a consumer is revoked twice, then the first time is kept; list is oldest first', async () => {
      const store = getStore();
      await store.open311Consumers.create(consumer(2, { createdAt: '2026-11-16T11:00:00.000Z' }));
      await store.open311Consumers.create(consumer(1));
      assert.equal((await store.open311Consumers.revoke('consumer-1', '2026-11-16T12:00:00.000Z'))?.revokedAt, '2026-11-16T12:00:00.000Z');
      assert.equal((await store.open311Consumers.revoke('consumer-1', '2026-11-17T12:00:00.000Z'))?.revokedAt, '2026-11-16T12:00:00.000Z');
      assert.equal(await store.open311Consumers.revoke('consumer-9', FIXED_TIME), null);
      assert.deepEqual((await store.open311Consumers.list()).map((c) => [c.id, c.revokedAt]), [['consumer-1', '2026-11-16T12:00:00.000Z'], ['consumer-2', null]]);
    });
  });
}
