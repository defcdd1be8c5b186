/**
 * Subject access end to end: a resident talks to the bot and leaves a referral, a hub worker notes it, and an
 * admin exports everything held about them by phone number, then erases it, through the real server.
 */
import assert from 'node:assert/strict';
import type { Referral } from '../services/referrals/model';
import { BotClient } from './support/botClient';
import { DirectLineTestClient, newEmbeddedConversation, textOf } from './support/directLineClient';
import { clientWithSession, createStaffFast, type HubClient } from './support/hubClient';
import { Phone, startSmsHarness, type SmsHarness } from './support/smsHarness';
import { startTestApp, type TestApp } from './support/testApp';
import { play, referenceIn } from './support/transcript';
import { befriendingSteps, GREETING, REFERENCE } from './support/webChatJourney';

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
    assert.deepEqual(res.body, { referrals: 1, conversations: 1, stateKeys: 1, webChatTranscripts: 0, texts: 0 });
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

describe('subject access: web chat transcripts and texts', function () {
  this.timeout(60_000);
  let h: SmsHarness;
  let admin: HubClient;
  let chat: DirectLineTestClient | null = null;

  beforeEach(async () => {
    h = await startSmsHarness();
    admin = await clientWithSession(h.t.app, h.t.url, await createStaffFast(h.t.app, 'admin', 1));
  });
  afterEach(async () => {
    chat?.end();
    chat = null;
    await h.stop();
  });

  /** The befriending journey in web chat, giving 07700 900123 as the phone number; returns the conversation id. */
  async function webChatReferral(): Promise<string> {
    const { domain, token, conversationId } = await newEmbeddedConversation(h.t.url);
    chat = new DirectLineTestClient({ domain, token, webSocket: false, pollingInterval: 200 });
    await chat.botSays(GREETING);
    let last = '';
    for (const step of befriendingSteps) {
      await chat.say(step.send);
      last = textOf(await chat.botSays(step.expect));
    }
    assert.match(last, REFERENCE);
    return conversationId;
  }

  it("when a resident used web chat and texts, then the export holds the chat's transcript and the texts, and erasure removes them but keeps the opt-out", async () => {
    const conversationId = await webChatReferral();
    const phone = new Phone(h, '+447700900123');
    const neighbour = new Phone(h, '+447700900456');
    assert.match(await phone.text('hi'), /What would you like help with/);
    await phone.text('STOP');
    await neighbour.text('hi');
    const smsConversation = h.t.app.sms?.channel.conversationIdFor('+447700900123') ?? '';
    const neighbourConversation = h.t.app.sms?.channel.conversationIdFor('+447700900456') ?? '';

    type Export = { webChatTranscripts: { conversationId: string; doc: unknown }[]; texts: { to: string; conversationId: string }[] };
    const exported = await admin.post<Export>('/api/hub/subject-access/export', { phone: '07700 900123' });
    assert.equal(exported.status, 200);
    assert.deepEqual(exported.body.webChatTranscripts.map((x) => x.conversationId), [conversationId]);
    assert.match(JSON.stringify(exported.body.webChatTranscripts), /Margaret Hall/, "the transcript holds the resident's words");
    assert.ok(exported.body.texts.length >= 1);
    assert.ok(exported.body.texts.every((text) => text.to === '+447700900123' && text.conversationId === smsConversation));

    const erased = await admin.post<{ webChatTranscripts: number; texts: number }>('/api/hub/subject-access/erase', { phone: '07700 900123', confirm: true });
    assert.equal(erased.status, 200);
    assert.equal(erased.body.webChatTranscripts, 1);
    assert.ok(erased.body.texts >= 3, 'inbound and outbound rows');
    assert.deepEqual(await h.t.app.store.botState.read([`directline/log/${conversationId}`]), {});
    assert.deepEqual(await h.t.app.store.sms.outboundFor(smsConversation), []);
    assert.equal(await h.t.app.store.sms.isOptedOut(smsConversation), true, 'an erased number is still never texted');
    assert.notDeepEqual(await h.t.app.store.sms.outboundFor(neighbourConversation), [], "a neighbour's texts are kept");
  });
});
