/**
 * One contract for both stores. Everything the services rely on (idempotent submission, unique references, the
 * queue order, optimistic concurrency on bot state, the audit order) is stated once here and run against the
 * embedded store always, and against MongoDB whenever `MONGODB_URI` points at a server.
 *
 * Without `MONGODB_URI` the MongoDB half skips: no MongoDB server installs on these machines, and no MongoDB
 * wire-compatible stand-in installs from the npm registry alone (checked November 2026: `@push.rocks/smartmongo` 9
 * depends on `@lossless.org/nosqldb`, which the registry does not have; its 2.2.0 pulls in mongodb-memory-server,
 * which downloads mongod, and a dependency the registry does not have either; `mongo-mock` and `tingodb`
 * replace the driver's API in-process instead of speaking the wire protocol, so they would test a different driver,
 * not ours). See README, "MongoDB".
 */
import assert from 'node:assert/strict';
import type { RelayedEvent } from '../services/events/relay';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { ManualClock } from '../services/clock';
import { openStore } from '../services/store';
import { MongoStore } from '../services/store/mongoStore';
import { SQLITE_FILE_NAME, SqliteStore } from '../services/store/sqliteStore';
import { DuplicateReferenceError, EtagConflictError, type AuditEntry, type Store } from '../services/store/types';
import { hubStoreContract } from './support/hubStoreContract';
import { retentionStoreContract } from './support/retentionStoreContract';
import { digestContract } from './support/digestContract';
import { open311StoreContract } from './support/open311StoreContract';
import { handoffStoreContract } from './support/handoffStoreContract';
import { FIXED_TIME, makeReferral, numbered } from './support/referralFactory';

/** Fresh, empty storage for one test; `open` may be called again to reopen the same storage. */
interface StoreHarness {
  open(): Promise<Store>;
  destroy(): Promise<void>;
}

const clock = new ManualClock(FIXED_TIME);

function auditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: FIXED_TIME,
    actor: 'system',
    action: 'referral.submitted',
    subject: 'referral-1',
    detail: { reference: 'HUB-000001', urgent: false },
    ...overrides,
  };
}

function storeContract(newHarness: () => StoreHarness): void {
  let harness: StoreHarness;
  let store: Store;

  beforeEach(async () => {
    harness = newHarness();
    store = await harness.open();
  });

  afterEach(async () => {
    await store.close();
    await harness.destroy();
  });

  describe('referrals', () => {
    it('when a referral is inserted, then it reads back whole by id and by reference', async () => {
      const referral = makeReferral(numbered(1));

      const result = await store.referrals.insertIfAbsent(referral);

      assert.equal(result.created, true);
      assert.deepEqual(result.referral, referral);
      assert.deepEqual(await store.referrals.get(referral.id), referral);
      assert.deepEqual(await store.referrals.getByReference(referral.reference), referral);
    });

    it('when nothing has that id or reference, then get and getByReference return null', async () => {
      await store.referrals.insertIfAbsent(makeReferral(numbered(1)));

      assert.equal(await store.referrals.get('referral-unknown'), null);
      assert.equal(await store.referrals.getByReference('HUB-ZZZZZZ'), null);
    });

    it('when the same idempotency key is submitted again, then the first referral comes back, created is false and no second row exists', async () => {
      const first = makeReferral(numbered(1));
      await store.referrals.insertIfAbsent(first);

      const retry = await store.referrals.insertIfAbsent(
        makeReferral({ ...numbered(2), idempotencyKey: first.idempotencyKey, kind: 'asb' }),
      );

      assert.equal(retry.created, false);
      assert.deepEqual(retry.referral, first);
      assert.equal(await store.referrals.count(), 1);
      assert.equal(await store.referrals.get('referral-2'), null);
    });

    it('when a different key arrives with a reference already taken, then DuplicateReferenceError is thrown and nothing is stored', async () => {
      const first = makeReferral(numbered(1));
      await store.referrals.insertIfAbsent(first);

      await assert.rejects(
        store.referrals.insertIfAbsent(makeReferral({ ...numbered(2), reference: first.reference })),
        (err: unknown) => err instanceof DuplicateReferenceError && err.reference === first.reference,
      );
      assert.equal(await store.referrals.count(), 1);
      assert.equal(await store.referrals.get('referral-2'), null);
    });

    it('when 20 submissions with the same key arrive at once, then exactly one row exists and every caller gets it', async () => {
      const key = 'conversation-1:submission-1';
      const attempts = Array.from({ length: 20 }, (_, i) =>
        store.referrals.insertIfAbsent(makeReferral({ ...numbered(i + 1), idempotencyKey: key })),
      );

      const results = await Promise.all(attempts);

      assert.equal(results.filter((r) => r.created).length, 1);
      const winner = results.find((r) => r.created)?.referral;
      for (const result of results) assert.deepEqual(result.referral, winner);
      assert.equal(await store.referrals.count(), 1);
    });

    it('when a referral fails the model, then insertIfAbsent rejects it and stores nothing', async () => {
      const invalid = { ...makeReferral(numbered(1)), reference: 'not-a-reference' };

      await assert.rejects(store.referrals.insertIfAbsent(invalid));
      assert.equal(await store.referrals.count(), 0);
    });

    describe('the queue', () => {
      // Inserted out of order on purpose: the store, not insertion order, must produce the queue order.
      const queue = [
        makeReferral({ ...numbered(1), createdAt: '2026-11-16T12:00:00.000Z' }),
        makeReferral({ ...numbered(2), createdAt: '2026-11-16T09:00:00.000Z', kind: 'asb', status: 'claimed' }),
        makeReferral({
          ...numbered(3),
          createdAt: '2026-11-16T11:00:00.000Z',
          urgent: true,
          urgencyReasons: ['safeguarding'],
          ward: { code: 'E05099999', name: 'Rother Vale', source: 'postcode-table' },
        }),
        makeReferral({ ...numbered(4), createdAt: '2026-11-16T08:00:00.000Z', kind: 'cost-of-living' }),
        makeReferral({
          ...numbered(5),
          createdAt: '2026-11-16T10:00:00.000Z',
          urgent: true,
          urgencyReasons: ['danger'],
          conversationId: 'conversation-5',
          kind: 'asb',
        }),
        // Same time as 4: the id decides, so the order is stable.
        makeReferral({ ...numbered(6), createdAt: '2026-11-16T08:00:00.000Z' }),
      ];
      const ids = (referrals: { id: string }[]): string[] => referrals.map((r) => r.id);

      beforeEach(async () => {
        for (const referral of queue) await store.referrals.insertIfAbsent(referral);
      });

      it('when listed without a filter, then urgent referrals come first, then the oldest, then by id', async () => {
        assert.deepEqual(ids(await store.referrals.list()), [
          'referral-5', 'referral-3', 'referral-4', 'referral-6', 'referral-2', 'referral-1',
        ]);
      });

      it('when filtered by status, then only those statuses are listed and counted', async () => {
        assert.deepEqual(ids(await store.referrals.list({ status: ['claimed'] })), ['referral-2']);
        assert.deepEqual(ids(await store.referrals.list({ status: ['new', 'claimed'] })), [
          'referral-5', 'referral-3', 'referral-4', 'referral-6', 'referral-2', 'referral-1',
        ]);
        assert.equal(await store.referrals.count({ status: ['new'] }), 5);
      });

      it('when filtered by kind, then only those kinds are listed and counted', async () => {
        assert.deepEqual(ids(await store.referrals.list({ kind: ['asb'] })), ['referral-5', 'referral-2']);
        assert.deepEqual(ids(await store.referrals.list({ kind: ['asb', 'cost-of-living'] })), [
          'referral-5', 'referral-4', 'referral-2',
        ]);
        assert.equal(await store.referrals.count({ kind: ['befriending'] }), 3);
      });

      it('when filtered by ward, then only that ward is listed and counted', async () => {
        assert.deepEqual(ids(await store.referrals.list({ wardCode: 'E05099999' })), ['referral-3']);
        assert.equal(await store.referrals.count({ wardCode: 'E05012345' }), 5);
      });

      it('when filtered by urgency, then only urgent or only non-urgent referrals are listed', async () => {
        assert.deepEqual(ids(await store.referrals.list({ urgent: true })), ['referral-5', 'referral-3']);
        assert.deepEqual(ids(await store.referrals.list({ urgent: false })), [
          'referral-4', 'referral-6', 'referral-2', 'referral-1',
        ]);
        assert.equal(await store.referrals.count({ urgent: false }), 4);
      });

      it('when filtered by conversation, then only that conversation is listed and counted', async () => {
        assert.deepEqual(ids(await store.referrals.list({ conversationId: 'conversation-5' })), ['referral-5']);
        assert.equal(await store.referrals.count({ conversationId: 'conversation-none' }), 0);
      });

      it('when filters are combined, then a referral must match all of them', async () => {
        const filter = { status: ['new' as const], kind: ['asb' as const, 'befriending' as const], urgent: false };
        assert.deepEqual(ids(await store.referrals.list(filter)), ['referral-6', 'referral-1']);
        assert.equal(await store.referrals.count(filter), 2);
      });

      it('when a limit is given, then the head of the queue is returned and count ignores the limit', async () => {
        assert.deepEqual(ids(await store.referrals.list({ limit: 3 })), ['referral-5', 'referral-3', 'referral-4']);
        assert.deepEqual(await store.referrals.list({ limit: 0 }), []);
        assert.equal(await store.referrals.count({ limit: 1 }), 6);
      });

      it('when a status or kind list is empty, then nothing matches', async () => {
        assert.deepEqual(await store.referrals.list({ status: [] }), []);
        assert.equal(await store.referrals.count({ kind: [] }), 0);
      });

      it('when the limit is negative or fractional, then list rejects it', async () => {
        await assert.rejects(store.referrals.list({ limit: -1 }), RangeError);
        await assert.rejects(store.referrals.list({ limit: 1.5 }), RangeError);
      });
    });
  });

  describe('bot state', () => {
    it('when some keys were never written, then read returns only the keys that exist', async () => {
      await store.botState.write('webchat/conversations/a/', { turn: 1 });

      const items = await store.botState.read(['webchat/conversations/a/', 'webchat/conversations/missing/']);

      assert.deepEqual(Object.keys(items), ['webchat/conversations/a/']);
      assert.deepEqual(await store.botState.read([]), {});
    });

    it('when a doc is written, then it reads back with the etag the write returned', async () => {
      const doc = { dialogStack: [{ id: 'befriending', state: { step: 2 } }], note: null };

      const etag = await store.botState.write('sms/conversations/x/', doc);

      assert.ok(etag.length > 0);
      assert.deepEqual(await store.botState.read(['sms/conversations/x/']), { 'sms/conversations/x/': { doc, etag } });
    });

    it('when written with the current etag, then the write succeeds and the etag changes', async () => {
      const first = await store.botState.write('k', { turn: 1 });

      const second = await store.botState.write('k', { turn: 2 }, first);

      assert.notEqual(second, first);
      assert.deepEqual(await store.botState.read(['k']), { k: { doc: { turn: 2 }, etag: second } });
    });

    it('when written with a stale etag, then EtagConflictError is thrown and the stored doc is unchanged', async () => {
      const stale = await store.botState.write('k', { turn: 1 });
      const current = await store.botState.write('k', { turn: 2 }, stale);

      await assert.rejects(
        store.botState.write('k', { turn: 3 }, stale),
        (err: unknown) => err instanceof EtagConflictError && err.key === 'k',
      );
      assert.deepEqual(await store.botState.read(['k']), { k: { doc: { turn: 2 }, etag: current } });
    });

    it("when written with '*' or no etag, then the write wins whatever is stored", async () => {
      await store.botState.write('k', { turn: 1 });

      await store.botState.write('k', { turn: 2 }, '*');
      const last = await store.botState.write('k', { turn: 3 });
      const created = await store.botState.write('new-key', { turn: 1 }, '*');

      assert.deepEqual(await store.botState.read(['k', 'new-key']), {
        k: { doc: { turn: 3 }, etag: last },
        'new-key': { doc: { turn: 1 }, etag: created },
      });
    });

    it('when written with an etag for a key that does not exist, then EtagConflictError is thrown and nothing is created', async () => {
      await assert.rejects(store.botState.write('missing', { turn: 1 }, 'some-etag'), EtagConflictError);
      assert.deepEqual(await store.botState.read(['missing']), {});
    });

    it('when keys are deleted, then only those keys are gone and missing keys are ignored', async () => {
      await store.botState.write('a', { n: 1 });
      await store.botState.write('b', { n: 2 });

      await store.botState.delete(['a', 'never-written']);
      await store.botState.delete([]);

      assert.deepEqual(Object.keys(await store.botState.read(['a', 'b'])), ['b']);
    });

    it('when keys are listed by prefix, then % and _ in the prefix match only themselves and case matters', async () => {
      for (const key of ['user%1/a', 'user%1/b', 'userX1/c', 'user_2/d', 'userA2/e', 'USER%1/f', 'other/g']) {
        await store.botState.write(key, {});
      }

      assert.deepEqual(await store.botState.keys('user%1/'), ['user%1/a', 'user%1/b']);
      assert.deepEqual(await store.botState.keys('user_'), ['user_2/d']);
      assert.deepEqual(await store.botState.keys('user.'), []);
      assert.equal((await store.botState.keys('')).length, 7);
    });
  });

  describe('audit', () => {
    it('when entries are appended, then they list oldest first with increasing seq', async () => {
      await store.audit.append(auditEntry({ action: 'a.first' }));
      await store.audit.append(auditEntry({ action: 'a.second', subject: null, detail: {} }));
      await store.audit.append(auditEntry({ action: 'a.third', actor: 'staff-7' }));

      const entries = await store.audit.list();

      assert.deepEqual(entries.map((e) => e.action), ['a.first', 'a.second', 'a.third']);
      assert.ok(entries.every((e, i) => i === 0 || e.seq > (entries[i - 1]?.seq ?? Infinity)));
      const { seq: _seq, ...second } = entries[1] ?? assert.fail('no second entry');
      assert.deepEqual(second, auditEntry({ action: 'a.second', subject: null, detail: {} }));
    });

    it('when listed by subject or action, then only matching entries are returned', async () => {
      await store.audit.append(auditEntry({ subject: 'referral-1', action: 'referral.submitted' }));
      await store.audit.append(auditEntry({ subject: 'referral-2', action: 'referral.submitted' }));
      await store.audit.append(auditEntry({ subject: 'referral-1', action: 'referral.claimed' }));

      const forOne = await store.audit.list({ subject: 'referral-1' });
      const submitted = await store.audit.list({ action: 'referral.submitted' });
      const both = await store.audit.list({ subject: 'referral-1', action: 'referral.claimed' });

      assert.deepEqual(forOne.map((e) => e.action), ['referral.submitted', 'referral.claimed']);
      assert.deepEqual(submitted.map((e) => e.subject), ['referral-1', 'referral-2']);
      assert.deepEqual(both.map((e) => e.action), ['referral.claimed']);
    });

    it('when a limit is given, then the newest entries are returned, still oldest first', async () => {
      for (const action of ['one', 'two', 'three', 'four']) await store.audit.append(auditEntry({ action }));

      assert.deepEqual((await store.audit.list({ limit: 2 })).map((e) => e.action), ['three', 'four']);
    });
  });

  describe('sms', () => {
    const inbound = (sid: string, receivedAt: string) => ({
      messageSid: sid,
      conversationId: 'sms-abc',
      from: '+447700900123',
      body: 'hello',
      numMedia: 0,
      receivedAt,
      processedAt: null,
    });
    const outbound = (id: string) => ({
      id,
      conversationId: 'sms-abc',
      to: '+447700900123',
      body: `text ${id}`,
      status: 'queued' as const,
      attempts: 0,
      lastError: null,
      nextAttemptAt: null,
      twilioSid: null,
      createdAt: '2026-11-16T10:00:00.000Z',
      updatedAt: '2026-11-16T10:00:00.000Z',
    });

    it('when the same MessageSid is recorded twice, then the second is refused and only one is pending', async () => {
      assert.equal(await store.sms.recordInbound(inbound('SM1', '2026-11-16T10:00:00.000Z')), true);
      assert.equal(await store.sms.recordInbound(inbound('SM1', '2026-11-16T10:00:01.000Z')), false);
      assert.deepEqual((await store.sms.pendingInbound()).map((m) => m.messageSid), ['SM1']);
    });

    it('when an inbound text is processed, then it leaves the pending list and its number and text are forgotten', async () => {
      await store.sms.recordInbound(inbound('SM2', '2026-11-16T10:00:02.000Z'));
      await store.sms.recordInbound(inbound('SM1', '2026-11-16T10:00:01.000Z'));
      assert.deepEqual((await store.sms.pendingInbound()).map((m) => m.messageSid), ['SM1', 'SM2'], 'oldest first');
      await store.sms.markInboundProcessed('SM1', '2026-11-16T10:00:03.000Z');
      const pending = await store.sms.pendingInbound();
      assert.deepEqual(pending.map((m) => m.messageSid), ['SM2']);
      // A re-delivery of a processed message is still a duplicate.
      assert.equal(await store.sms.recordInbound(inbound('SM1', '2026-11-16T10:00:04.000Z')), false);
    });

    it('when texts are queued, then they are pending in order and updates are kept', async () => {
      const a = await store.sms.enqueueOutbound(outbound('a'));
      const b = await store.sms.enqueueOutbound(outbound('b'));
      assert.ok(b.seq > a.seq);
      assert.deepEqual((await store.sms.pendingOutbound()).map((m) => m.id), ['a', 'b']);
      await store.sms.updateOutbound('a', { status: 'sent', attempts: 1, twilioSid: 'SMx', updatedAt: '2026-11-16T10:00:05.000Z' });
      await store.sms.updateOutbound('b', { status: 'retrying', attempts: 1, lastError: 'twilio 500', nextAttemptAt: '2026-11-16T10:00:07.000Z' });
      assert.deepEqual((await store.sms.pendingOutbound()).map((m) => [m.id, m.status, m.lastError]), [['b', 'retrying', 'twilio 500']]);
      assert.equal((await store.sms.nextPendingOutbound('sms-abc'))?.id, 'b', 'the first unsent text of the conversation');
      assert.equal(await store.sms.nextPendingOutbound('sms-other'), null);
      const sent = await store.sms.getOutbound('a');
      assert.equal(sent?.twilioSid, 'SMx');
      assert.equal(sent?.attempts, 1);
    });

    it('when a text with an id already queued is queued again (a replayed turn), then it is stored once and the first copy stands', async () => {
      const first = await store.sms.enqueueOutbound(outbound('reply:SM1:0'));
      await store.sms.updateOutbound('reply:SM1:0', { status: 'sent', attempts: 1, twilioSid: 'SMr' });
      const again = await store.sms.enqueueOutbound({ ...outbound('reply:SM1:0'), body: 'a second rendering' });
      assert.equal(again.seq, first.seq);
      assert.equal(again.status, 'sent', 'the stored text is returned, not the copy offered');
      assert.notEqual(again.body, 'a second rendering');
      assert.deepEqual((await store.sms.outboundFor('sms-abc')).map((m) => m.id), ['reply:SM1:0']);
    });

    it('when two instances lease the same text, then one holds it until its lease runs out, and a handled text cannot be leased', async () => {
      const at = (s: number) => new Date(Date.parse('2026-11-16T10:00:00.000Z') + s * 1000).toISOString();
      await store.sms.recordInbound(inbound('SM1', at(0)));
      assert.equal(await store.sms.leaseInbound('SM1', 'one', at(60), at(0)), true);
      assert.equal(await store.sms.leaseInbound('SM1', 'two', at(90), at(30)), false, 'held by one');
      assert.equal(await store.sms.leaseInbound('SM1', 'one', at(100), at(40)), true, 'the holder renews');
      assert.equal(await store.sms.leaseInbound('SM1', 'two', at(130), at(99)), false);
      assert.equal(await store.sms.leaseInbound('SM1', 'two', at(160), at(100)), true, 'taken over once it ran out');
      await store.sms.markInboundProcessed('SM1', at(101));
      assert.equal(await store.sms.leaseInbound('SM1', 'two', at(200), at(140)), false, 'processed');
      assert.equal(await store.sms.leaseInbound('SM-unknown', 'one', at(60), at(0)), false);

      await store.sms.enqueueOutbound(outbound('a'));
      assert.equal(await store.sms.leaseOutbound('a', 'one', at(60), at(0)), true);
      assert.equal(await store.sms.leaseOutbound('a', 'two', at(70), at(10)), false);
      assert.equal(await store.sms.leaseOutbound('a', 'two', at(130), at(60)), true);
      await store.sms.updateOutbound('a', { status: 'sent', twilioSid: 'SMa' });
      assert.equal(await store.sms.leaseOutbound('a', 'one', at(200), at(150)), false, 'sent');
      assert.deepEqual(Object.keys((await store.sms.getOutbound('a')) ?? {}).sort(), Object.keys({ ...outbound('a'), seq: 1 }).sort(), 'leases stay inside the store');
    });

    it('when Twilio reports delivery, then the status is stored and a late "sent" does not move it back', async () => {
      await store.sms.enqueueOutbound(outbound('a'));
      await store.sms.updateOutbound('a', { status: 'sent', twilioSid: 'SMd' });
      assert.equal(await store.sms.setDeliveryStatus('SMd', 'delivered', null, '2026-11-16T10:01:00.000Z'), true);
      assert.equal(await store.sms.setDeliveryStatus('SMd', 'sent', null, '2026-11-16T10:01:01.000Z'), true);
      assert.equal((await store.sms.getOutbound('a'))?.status, 'delivered');
      assert.equal(await store.sms.setDeliveryStatus('SMunknown', 'delivered', null, '2026-11-16T10:01:00.000Z'), false);
    });

    it("when one conversation's texts are deleted (erasure), then its inbound and outbound rows go, others and the opt-out stay", async () => {
      await store.sms.recordInbound(inbound('SM1', '2026-11-16T10:00:00.000Z'));
      await store.sms.enqueueOutbound(outbound('a'));
      await store.sms.enqueueOutbound({ ...outbound('b'), conversationId: 'sms-other' });
      await store.sms.setOptOut('sms-abc', true, '2026-11-16T10:00:00.000Z');
      assert.deepEqual(await store.sms.deleteForConversation('sms-abc'), { inbound: 1, outbound: 1 });
      assert.deepEqual(await store.sms.outboundFor('sms-abc'), []);
      assert.deepEqual(await store.sms.pendingInbound(), []);
      assert.deepEqual((await store.sms.outboundFor('sms-other')).map((m) => m.id), ['b']);
      assert.equal(await store.sms.isOptedOut('sms-abc'), true);
    });

    it('when a number opts out and back in, then the flag follows', async () => {
      assert.equal(await store.sms.isOptedOut('sms-abc'), false);
      await store.sms.setOptOut('sms-abc', true, '2026-11-16T10:00:00.000Z');
      assert.equal(await store.sms.isOptedOut('sms-abc'), true);
      assert.equal(await store.sms.isOptedOut('sms-other'), false);
      await store.sms.setOptOut('sms-abc', false, '2026-11-16T11:00:00.000Z');
      assert.equal(await store.sms.isOptedOut('sms-abc'), false);
    });
  });
  // ---- staff console (issue 5) ----
  hubStoreContract(() => store);
  retentionStoreContract(() => store, clock);

  digestContract(() => store);
  open311StoreContract(() => store);

  handoffStoreContract(() => store);

  describe('relayed events', () => {
    const event = (id: string, at: string): RelayedEvent => ({
      id,
      origin: 'instance-a',
      at,
      body: { topic: 'handoff-line', handoffId: 'handoff-1', seq: Number(id.slice(-1)) },
    });

    it('when events are read from a time, then those at or after it come oldest first, and a page can be read on from its last event', async () => {
      await store.relayEvents.append(event('e3', '2026-11-16T10:00:02.000Z'));
      await store.relayEvents.append(event('e1', '2026-11-16T10:00:01.000Z'));
      await store.relayEvents.append(event('e2', '2026-11-16T10:00:01.000Z'));
      await store.relayEvents.append(event('e0', '2026-11-16T09:59:00.000Z'));
      await store.relayEvents.append(event('e1', '2026-11-16T10:00:01.000Z')); // the same event twice is stored once
      const page = await store.relayEvents.since('2026-11-16T10:00:00.000Z', 2);
      assert.deepEqual(page.map((e) => e.id), ['e1', 'e2']);
      assert.deepEqual(page[0], event('e1', '2026-11-16T10:00:01.000Z'));
      const next = await store.relayEvents.since('2026-11-16T10:00:01.000Z', 2, 'e2');
      assert.deepEqual(next.map((e) => e.id), ['e3']);
      assert.equal(await store.relayEvents.deleteBefore('2026-11-16T10:00:02.000Z'), 3);
      assert.deepEqual((await store.relayEvents.since('2026-01-01T00:00:00.000Z', 10)).map((e) => e.id), ['e3']);
    });
  });

  describe('durability', () => {
    it('when the store is closed and reopened on the same storage, then referrals, state and audit are all still there', async () => {
      const referral = makeReferral(numbered(1));
      await store.referrals.insertIfAbsent(referral);
      const etag = await store.botState.write('k', { turn: 1 });
      await store.audit.append(auditEntry({ action: 'before' }));
      await store.close();

      store = await harness.open();
      await store.audit.append(auditEntry({ action: 'after' }));

      assert.deepEqual(await store.referrals.get(referral.id), referral);
      assert.deepEqual(await store.botState.read(['k']), { k: { doc: { turn: 1 }, etag } });
      const entries = await store.audit.list();
      assert.deepEqual(entries.map((e) => e.action), ['before', 'after']);
      assert.ok((entries[1]?.seq ?? 0) > (entries[0]?.seq ?? Infinity));
    });

    it('when pinged, then the store answers', async () => {
      await store.ping();
    });
  });
}

describe('store contract: embedded (SQLite)', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-store-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  storeContract(() => {
    const dir = tempDir();
    return {
      open: () => SqliteStore.open(dir, { clock }),
      destroy: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });

  describe('embedded only', () => {
    it('when a stored referral no longer fits the model, then get and list throw instead of returning it', async () => {
      const dir = tempDir();
      const store = await SqliteStore.open(dir, { clock });
      const referral = makeReferral(numbered(1));
      await store.referrals.insertIfAbsent(referral);
      const raw = new Database(path.join(dir, SQLITE_FILE_NAME));
      raw.prepare('UPDATE referrals SET doc = ? WHERE id = ?').run(
        JSON.stringify({ id: referral.id, reference: referral.reference, status: 'lost' }),
        referral.id,
      );
      raw.close();

      try {
        await assert.rejects(store.referrals.get(referral.id));
        await assert.rejects(store.referrals.getByReference(referral.reference));
        await assert.rejects(store.referrals.list());
      } finally {
        await store.close();
      }
    });

    it('when the data directory does not exist, then openStore creates it and the SQLite file inside', async () => {
      const dir = path.join(tempDir(), 'nested', 'data');

      const store = await openStore({ dataDir: dir });
      try {
        assert.equal(store.kind, 'embedded');
        assert.ok(existsSync(path.join(dir, SQLITE_FILE_NAME)));
      } finally {
        await store.close();
      }
    });

    it("when opened on ':memory:', then it works without touching the disk", async () => {
      const store = await SqliteStore.open(':memory:');
      try {
        const { created } = await store.referrals.insertIfAbsent(makeReferral(numbered(1)));
        assert.equal(created, true);
        assert.equal(await store.referrals.count(), 1);
      } finally {
        await store.close();
      }
    });
  });
});

describe('store contract: MongoDB (when MONGODB_URI is set)', function () {
  const uri = process.env.MONGODB_URI ?? '';
  const runId = randomBytes(4).toString('hex');
  let testNumber = 0;

  before(function () {
    if (!uri) this.skip();
  });

  storeContract(() => {
    testNumber += 1;
    const dbName = `hub_contract_${runId}_${testNumber}`;
    return {
      open: () => MongoStore.open(uri, dbName, { clock }),
      destroy: async () => {
        const client = await MongoClient.connect(uri);
        try {
          await client.db(dbName).dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  });
});
