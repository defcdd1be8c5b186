/**
 * Subject access end to end: a resident talks to the bot and leaves a referral, a hub worker notes it, and an
 * admin exports everything held about them by phone number, then erases it, through the real server.
 */
import assert from 'node:assert/strict';
import type { Referral } from '../services/referrals/model';
import { BotClient } from './support/botClient';
import { clientWithSession, createStaffFast, type HubClient } from './support/hubClient';
import { startTestApp, type TestApp } from './support/testApp';
import { play, referenceIn } from './support/transcript';

interface Export {
  referrals: Referral[];
  conversationState: { key: string; doc: Record<string, unknown> }[];
  audit: { action: string; subject: string | null }[];
}

describe('subject access: export and erasure by phone number or email', function () {
  this.timeout(30_000);
  let t: TestApp;
  let admin: HubClient;
  let worker: HubClient;
  let resident: BotClient;
  let referral: Referral;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'admin', 1));
    worker = await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'hub-worker', 1));
    resident = new BotClient(t.url);
    await play(resident, [
      ['I feel lonely', /for you, or for someone else/i],
      ['For me', /What is your name/],
      ['Zebedee Quinton-Farthing', /contact you/],
      ['Phone call', /phone number/],
      ['07700 900321', /best time/],
      ['Morning', /postcode/],
      ['s60 9zz', /What would you enjoy/],
      ['1', /access needs|anything that would help/i],
      ['no', /Do you agree/],
      ['yes', /Shall I send this/],
    ]);
    const reference = referenceIn(await resident.say('yes'));
    const stored = await t.app.store.referrals.getByReference(reference);
    assert.ok(stored);
    referral = stored;
    assert.equal((await worker.post(`/api/hub/referrals/${referral.id}/claim`)).status, 200);
    assert.equal((await worker.post(`/api/hub/referrals/${referral.id}/notes`, { text: 'Zebedee prefers mornings.' })).status, 201);
    // Someone else's conversation, which must be left alone.
    await t.app.store.botState.write('emulator/conversations/someone-else/', { turn: 1 });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('when an admin exports by phone number in any format, then the referral, its conversation state and its audit trail come back', async () => {
    for (const phone of ['07700 900321', '+447700900321', '07700900321']) {
      const res = await admin.post<Export>('/api/hub/subject-access/export', { phone });

      assert.equal(res.status, 200, phone);
      assert.deepEqual(res.body.referrals.map((r) => r.reference), [referral.reference]);
      assert.equal(res.body.referrals[0]?.notes[0]?.text, 'Zebedee prefers mornings.');
      assert.deepEqual(res.body.conversationState.map((s) => s.key), [`emulator/conversations/${resident.conversationId}/`]);
      const actions = res.body.audit.map((a) => a.action);
      assert.ok(actions.includes('referral.submitted'));
      assert.ok(actions.includes('hub.referral.claimed'));
      assert.ok(actions.includes('hub.referral.note-added'));
    }
    const exports = await t.app.store.audit.list({ action: 'hub.sar.exported' });
    assert.equal(exports.length, 3);
    assert.doesNotMatch(JSON.stringify(exports), /07700|900321|Zebedee/);
  });

  it('when nothing is held for an email, then the export is empty', async () => {
    const res = await admin.post<Export>('/api/hub/subject-access/export', { email: 'someone.else@example.org' });

    assert.equal(res.status, 200);
    assert.deepEqual(res.body.referrals, []);
    assert.deepEqual(res.body.conversationState, []);
  });

  it('when an admin erases by phone number, then the referral and the bot state are gone, others are kept, and the audit entry holds no personal data', async () => {
    const res = await admin.post<{ referrals: number; stateKeys: number }>('/api/hub/subject-access/erase', { phone: '+44 7700 900321', confirm: true });

    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { referrals: 1, conversations: 1, stateKeys: 1 });
    assert.equal(await t.app.store.referrals.get(referral.id), null);
    assert.deepEqual(await t.app.store.botState.keys(`emulator/conversations/${resident.conversationId}/`), []);
    assert.deepEqual(await t.app.store.botState.keys('emulator/conversations/someone-else/'), ['emulator/conversations/someone-else/']);

    const [entry] = await t.app.store.audit.list({ action: 'hub.sar.erased' });
    assert.ok(entry);
    assert.equal(entry.subject, null);
    const text = JSON.stringify(entry);
    for (const personal of ['07700', '900321', 'Zebedee', 'S60', resident.conversationId, referral.id, referral.reference]) {
      assert.ok(!text.includes(personal), `the erasure audit entry contains ${personal}: ${text}`);
    }

    const after = await admin.post<Export>('/api/hub/subject-access/export', { phone: '07700 900321' });
    assert.deepEqual(after.body.referrals, []);
    assert.deepEqual(after.body.conversationState, []);
    assert.equal((await worker.get(`/api/hub/referrals/${referral.id}`)).status, 404);
  });

  it('when the resident talks to the bot again after erasure, then it starts afresh with nothing of theirs', async () => {
    await admin.post('/api/hub/subject-access/erase', { phone: '07700 900321', confirm: true });

    const reply = await resident.say('hello');

    assert.doesNotMatch(reply, /Zebedee/);
    assert.equal(await t.app.store.referrals.count(), 0);
  });
});
