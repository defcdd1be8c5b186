/**
 * Live handoff to a hub worker, against the real server and store: a resident by SMS (Twilio played by a local
 * stand-in) and one in web chat (the embedded Direct Line) each reach a worker through the staff API; the bot stays
 * silent while the worker holds the conversation; messages arrive in order both ways; the worker ends it and the
 * bot is back. Also: out of hours, crisis during a handoff, two workers accepting at once, timeouts on the injected
 * clock, referrals from a chat, and Bot Framework's handoff.initiate / handoff.status over /api/messages.
 */
import assert from 'node:assert/strict';
import type { Handoff, TranscriptLine } from '../services/handoff/model';
import type { Referral } from '../services/referrals/model';
import type { StaffUser } from '../services/store/types';
import { BotClient } from './support/botClient';
import { DirectLineTestClient, newEmbeddedConversation, provideGlobalWebSocket, textOf } from './support/directLineClient';
import { ConnectorStandIn } from './support/connectorStandIn';
import { clientWithSession, createStaffFast, type HubClient } from './support/hubClient';
import { Phone, startSmsHarness, type SmsHarness } from './support/smsHarness';
import { SseReader } from './support/sse';
import { startTestApp, type TestApp } from './support/testApp';

interface HandoffList {
  items: { id: string; status: string; channel: string; urgent: boolean }[];
}
interface ErrorBody {
  error: { code: string; message: string };
}
type MessageEvent = { line: TranscriptLine };

const MINUTE = 60_000;

async function only(worker: HubClient): Promise<HandoffList['items'][number]> {
  const list = await worker.get<HandoffList>('/api/hub/handoffs');
  assert.equal(list.status, 200);
  assert.equal(list.body.items.length, 1, JSON.stringify(list.body));
  return list.body.items[0] as HandoffList['items'][number];
}

describe('live handoff to a hub worker', function () {
  this.timeout(60_000);
  const readers: SseReader[] = [];
  const sse = async (client: HubClient, path: string): Promise<SseReader> => {
    const reader = await SseReader.open(client, path);
    readers.push(reader);
    return reader;
  };
  afterEach(() => {
    for (const reader of readers.splice(0)) reader.close();
  });

  describe('over SMS', () => {
    let h: SmsHarness;
    let worker: HubClient;
    let workerUser: StaffUser;

    beforeEach(async () => {
      h = await startSmsHarness();
      workerUser = await createStaffFast(h.t.app, 'hub-worker', 1);
      worker = await clientWithSession(h.t.app, h.t.url, workerUser);
    });
    afterEach(async () => {
      await h.stop();
    });

    it('when a resident texts "speak to a person" in opening hours, then they are told the wait, a worker accepts, the bot stays silent while they text in order both ways, and the bot is back after the worker ends it', async () => {
      const phone = new Phone(h);
      const hubEvents = await sse(worker, '/api/hub/events');
      assert.match(await phone.text('I feel lonely'), /Who is this for|for you/i);

      const queued = await phone.text('speak to a person');
      assert.match(queued, /number 1 in the queue, about 5 minutes/);
      const waiting = await hubEvents.next<{ id: string; channel: string }>('handoff.waiting');
      assert.equal(waiting.channel, 'sms');
      assert.doesNotMatch(JSON.stringify(waiting), /07700|\+44|lonely/, 'console-wide events carry ids only');

      const item = await only(worker);
      assert.equal(item.status, 'waiting');
      const accepted = await worker.post<Handoff>(`/api/hub/handoffs/${item.id}/accept`);
      assert.equal(accepted.status, 200);
      assert.equal(accepted.body.acceptedBy, workerUser.id);
      await h.t.app.sms?.channel.idle();
      assert.match(phone.newReplies().join('\n'), /A hub worker has joined/);

      const stream = await sse(worker, `/api/hub/handoffs/${item.id}/events`);
      assert.equal(stream.status, 200);
      const textsBefore = h.twilioApi.messagesTo(phone.number).length;

      // The bot says nothing: no reply to either text, and nothing else reached the phone.
      assert.equal(await phone.text('hello, is anyone there?'), '');
      assert.equal(await phone.text('I cannot pay the gas bill'), '');
      assert.equal(h.twilioApi.messagesTo(phone.number).length, textsBefore);
      const first = await stream.next<MessageEvent>('message');
      const second = await stream.next<MessageEvent>('message');
      assert.deepEqual([first.line.text, second.line.text], ['hello, is anyone there?', 'I cannot pay the gas bill']);
      assert.ok(first.line.seq < second.line.seq);

      for (const text of ['Hello, I am Sam from the hub.', 'Can I ring you on this number?']) {
        const sent = await worker.post<TranscriptLine>(`/api/hub/handoffs/${item.id}/messages`, { text });
        assert.equal(sent.status, 201);
      }
      await h.t.app.sms?.channel.idle();
      assert.deepEqual(phone.newReplies(), ['Hello, I am Sam from the hub.', 'Can I ring you on this number?']);

      const ended = await worker.post<Handoff>(`/api/hub/handoffs/${item.id}/end`);
      assert.equal(ended.status, 200);
      assert.equal(ended.body.endReason, 'worker');
      assert.equal((await stream.next<{ reason: string }>('ended')).reason, 'worker');
      await h.t.app.sms?.channel.idle();
      assert.match(phone.newReplies().join('\n'), /ended the chat/);

      // The bot is back: the journey the resident was in asks its question again.
      assert.notEqual(await phone.text('start again'), '');

      const view = await worker.get<{ handoff: Handoff }>(`/api/hub/handoffs/${item.id}`);
      const lines = view.body.handoff.transcript.map((l) => `${l.from}: ${l.text}`);
      assert.deepEqual(lines.slice(1, 5), [
        'resident: hello, is anyone there?',
        'resident: I cannot pay the gas bill',
        'worker: Hello, I am Sam from the hub.',
        'worker: Can I ring you on this number?',
      ]);
      const audit = (await h.t.app.store.audit.list({ subject: item.id })).map((e) => e.action);
      assert.deepEqual(audit.filter((a) => a !== 'hub.handoff.viewed' && a !== 'hub.handoff.stream-opened'), [
        'handoff.requested',
        'hub.handoff.accepted',
        'hub.handoff.message-sent',
        'hub.handoff.message-sent',
        'hub.handoff.ended',
      ]);
      assert.doesNotMatch(JSON.stringify(await h.t.app.store.audit.list({ subject: item.id })), /gas bill|Sam from the hub|07700/);
    });

    it('when a resident texts a crisis message during a handoff, then they still get the crisis wording and the worker is alerted', async () => {
      const phone = new Phone(h);
      await phone.text('speak to a person');
      const item = await only(worker);
      await worker.post(`/api/hub/handoffs/${item.id}/accept`);
      await h.t.app.sms?.channel.idle();
      phone.newReplies();
      const stream = await sse(worker, `/api/hub/handoffs/${item.id}/events`);
      const hubEvents = await sse(worker, '/api/hub/events');

      const reply = await phone.text('I want to end my life');

      assert.match(reply, /Samaritans/);
      assert.match(reply, /116 123/);
      assert.doesNotMatch(reply, /When you feel ready/, 'only the crisis wording: the worker follows up, not the bot');
      const alert = await stream.next<{ categories: string[] }>('safeguarding');
      assert.deepEqual(alert.categories, ['suicide-self-harm']);
      const consoleAlert = await hubEvents.next<{ id: string; urgent: boolean }>('handoff.alert');
      assert.equal(consoleAlert.id, item.id);
      assert.equal(consoleAlert.urgent, true);
      assert.equal((await h.t.app.store.handoffs.get(item.id))?.status, 'active', 'the worker still holds the conversation');
    });

    it('when a resident has replied STOP, then a worker message is refused with 409 and nothing is texted', async () => {
      const phone = new Phone(h);
      await phone.text('speak to a person');
      const item = await only(worker);
      await worker.post(`/api/hub/handoffs/${item.id}/accept`);
      await phone.text('STOP');
      await h.t.app.sms?.channel.idle();
      phone.newReplies();

      const res = await worker.post<ErrorBody>(`/api/hub/handoffs/${item.id}/messages`, { text: 'Are you still there?' });

      assert.equal(res.status, 409);
      await h.t.app.sms?.channel.idle();
      assert.deepEqual(phone.newReplies(), []);
    });
    it('when a chat has ended, then subject access by the phone number exports it, and retention deletes it only after handoffTranscriptDays', async () => {
      const phone = new Phone(h);
      await phone.text('speak to a person');
      const item = await only(worker);
      await worker.post(`/api/hub/handoffs/${item.id}/accept`);
      await phone.text('I live at 1 High Street');
      await worker.post(`/api/hub/handoffs/${item.id}/end`);
      const admin = await clientWithSession(h.t.app, h.t.url, await createStaffFast(h.t.app, 'admin', 1));

      const exported = await admin.post<{ handoffs: Handoff[] }>('/api/hub/subject-access/export', { phone: phone.number });
      assert.equal(exported.status, 200);
      assert.deepEqual(exported.body.handoffs.map((x) => x.id), [item.id]);
      assert.match(JSON.stringify(exported.body.handoffs), /1 High Street/);

      h.t.clock.advance(29 * 24 * 60 * MINUTE);
      assert.equal((await h.t.app.retention.run()).handoffsDeleted, 0);
      h.t.clock.advance(2 * 24 * 60 * MINUTE);
      assert.equal((await h.t.app.retention.run()).handoffsDeleted, 1);
      assert.equal(await h.t.app.store.handoffs.get(item.id), null);
    });

    it('when an admin erases by the phone number, then the live chat is deleted with the rest', async () => {
      const phone = new Phone(h);
      await phone.text('speak to a person');
      const item = await only(worker);
      const admin = await clientWithSession(h.t.app, h.t.url, await createStaffFast(h.t.app, 'admin', 1));

      const erased = await admin.post<{ handoffs?: number }>('/api/hub/subject-access/erase', { phone: phone.number, confirm: true });

      assert.equal(erased.status, 200);
      assert.equal(erased.body.handoffs, 1);
      assert.equal(await h.t.app.store.handoffs.get(item.id), null);
    });
  });

  describe('in web chat (embedded Direct Line)', () => {
    let t: TestApp;
    let restoreWebSocket: () => void;
    const clients: DirectLineTestClient[] = [];
    before(() => {
      restoreWebSocket = provideGlobalWebSocket();
    });
    after(() => restoreWebSocket());
    beforeEach(async () => {
      t = await startTestApp();
    });
    afterEach(async () => {
      for (const client of clients.splice(0)) client.end();
      await t.stop();
    });

    it('when a resident asks for a person in web chat, then a worker accepts, the bot stays silent, messages arrive in order both ways over the WebSocket, and the bot is back after the worker ends it', async () => {
      const worker = await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'hub-lead', 1));
      const { domain, token, conversationId } = await newEmbeddedConversation(t.url);
      const resident = new DirectLineTestClient({ domain, token, webSocket: true });
      clients.push(resident);
      await resident.botSays(/What would you like help with/);

      await resident.say('can I talk to a real person');
      await resident.botSays(/number 1 in the queue/);
      const item = await only(worker);
      assert.equal(item.channel, 'webchat');
      assert.equal((await worker.post(`/api/hub/handoffs/${item.id}/accept`)).status, 200);
      await resident.botSays(/A hub worker has joined/);
      const stream = await sse(worker, `/api/hub/handoffs/${item.id}/events`);

      const logBefore = await t.app.store.botState.read([`directline/log/${conversationId}`]);
      const countBefore = (logBefore[`directline/log/${conversationId}`]?.doc['activities'] as unknown[]).length;
      await resident.say('my neighbour is playing loud music every night');
      await resident.say('it keeps me awake');
      assert.equal((await stream.next<MessageEvent>('message')).line.text, 'my neighbour is playing loud music every night');
      assert.equal((await stream.next<MessageEvent>('message')).line.text, 'it keeps me awake');

      // The bot said nothing: after the two posts (each answered only once its turn had run) the log holds exactly
      // the two echoes of the resident's own messages.
      const logAfter = await t.app.store.botState.read([`directline/log/${conversationId}`]);
      const added = (logAfter[`directline/log/${conversationId}`]?.doc['activities'] as { from: { role: string }; type: string }[]).slice(countBefore);
      assert.deepEqual(
        added.filter((a) => a.type === 'message').map((a) => a.from.role),
        ['user', 'user'],
      );

      await worker.post(`/api/hub/handoffs/${item.id}/messages`, { text: 'Thank you. Is it every night?' });
      await worker.post(`/api/hub/handoffs/${item.id}/messages`, { text: 'I can report it for you.' });
      const first = await resident.botSays(/Is it every night/);
      const second = await resident.botSays(/I can report it for you/);
      assert.ok(resident.received.indexOf(first) < resident.received.indexOf(second));

      assert.equal((await worker.post(`/api/hub/handoffs/${item.id}/end`)).status, 200);
      await resident.botSays(/ended the chat/);
      await resident.say('start again');
      assert.match(textOf(await resident.botSays(/What would you like help with/)), /help with today/);
    });
  });

  describe('over /api/messages', () => {
    let t: TestApp;
    let connector: ConnectorStandIn;
    /** A resident whose proactive messages (a worker's words, the bot's notices) reach the connector stand-in. */
    const resident = (options: { channelId?: string } = {}) => {
      const client = new BotClient(t.url, options);
      const say = client.say.bind(client);
      client.say = (text, extra = {}) => say(text, { serviceUrl: connector.url, ...extra });
      const post = client.post.bind(client);
      client.post = (activity) => post({ serviceUrl: connector.url, ...activity });
      return client;
    };
    beforeEach(async () => {
      connector = await new ConnectorStandIn().start();
      t = await startTestApp();
    });
    afterEach(async () => {
      await t.stop();
      await connector.stop();
    });

    it('when two workers accept the same resident at once, then exactly one wins and the other gets 409', async () => {
      const a = await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'hub-worker', 1));
      const b = await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'hub-worker', 2));
      await resident().say('speak to a person');
      const item = await only(a);

      const results = await Promise.all([a.post<Handoff>(`/api/hub/handoffs/${item.id}/accept`), b.post<ErrorBody>(`/api/hub/handoffs/${item.id}/accept`)]);

      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
      const stored = await t.app.store.handoffs.get(item.id);
      const winner = results[0].status === 200 ? 'staff-hub-worker-1' : 'staff-hub-worker-2';
      assert.equal(stored?.acceptedBy, winner);
      assert.equal((await t.app.store.audit.list({ subject: item.id, action: 'hub.handoff.accepted' })).length, 1);
    });

    it('when a resident asks for a person out of hours, then they are told when the hub opens, join no queue, and can leave a call-back referral', async () => {
      t.clock.set('2026-11-21T12:00:00.000Z'); // a Saturday
      const client = resident();
      const reply = await client.say('speak to a person');
      assert.match(reply, /closed at the moment; we open again Monday at 9am/);
      assert.match(reply, /call you back when it opens/);
      assert.equal((await t.app.store.handoffs.list()).length, 0);

      assert.match(await client.say('yes'), /your name/i);
      assert.match(await client.say('Edith Pond'), /phone number/i);
      assert.match(await client.say('07700 900123'), /agree|consent|privacy/i);
      const done = await client.say('yes');
      assert.match(done, /call you back after we open\. Your reference is HUB-/);
      const [referral] = await t.app.store.referrals.list();
      assert.equal(referral?.urgent, false);
      assert.deepEqual(referral?.contact, { anonymous: false, name: 'Edith Pond', method: 'phone', phone: '07700 900123', bestTime: 'any' });
    });

    it('when a resident in a crisis asks for a person out of hours, then the crisis wording comes first', async () => {
      t.clock.set('2026-11-21T23:00:00.000Z');
      const reply = await resident().say('I want to kill myself, can I speak to a person');
      assert.match(reply, /^I'm really sorry you're feeling like this/);
      assert.match(reply, /Samaritans any time, day or night, free: call 116 123/);
      const closedAt = reply.indexOf('closed');
      assert.ok(closedAt === -1 || closedAt > reply.indexOf('116 123'));
    });

    it('when nobody accepts within the wait timeout, then the handoff ends and the resident is offered another way', async () => {
      const client = resident();
      await client.say('speak to a person');
      const [waiting] = await t.app.store.handoffs.list();
      assert.equal(waiting?.status, 'waiting');

      t.clock.advance(14 * MINUTE);
      assert.equal(await t.app.handoffs?.sweep(), 0);
      t.clock.advance(1 * MINUTE);
      // The resident writes: the timeout is noticed on their turn even before the next sweep.
      const reply = await client.say('hello?');

      const ended = await t.app.store.handoffs.get(waiting?.id ?? '');
      assert.equal(ended?.status, 'ended');
      assert.equal(ended?.endReason, 'wait-timeout');
      assert.doesNotMatch(reply, /hub worker has joined/);
      assert.match(connector.textsTo(client.conversationId).join('\n'), /nobody from the hub could join the chat in time/);
      assert.equal((await t.app.store.audit.list({ subject: waiting?.id ?? '', action: 'handoff.ended' }))[0]?.detail['reason'], 'wait-timeout');
    });

    it('when an accepted handoff is idle past the idle timeout, then the sweep ends it and the bot answers again', async () => {
      const worker = await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'hub-worker', 1));
      const client = resident();
      await client.say('speak to a person');
      const item = await only(worker);
      await worker.post(`/api/hub/handoffs/${item.id}/accept`);
      assert.equal(await client.say('anyone?'), '');

      t.clock.advance(20 * MINUTE);
      assert.equal(await t.app.handoffs?.sweep(), 1);

      assert.equal((await t.app.store.handoffs.get(item.id))?.endReason, 'idle-timeout');
      assert.deepEqual(
        connector.textsTo(client.conversationId).map((text) => /has joined|nobody has written/.exec(text)?.[0]),
        ['has joined', 'nobody has written'],
      );
      assert.notEqual(await client.say('start again'), '');
    });

    it('when the queue has history, then the wait quoted is the median time to accept times the place in the queue', async () => {
      const worker = await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'hub-worker', 1));
      const first = resident();
      await first.say('speak to a person');
      t.clock.advance(3 * MINUTE);
      await worker.post(`/api/hub/handoffs/${(await only(worker)).id}/accept`);

      assert.match(await resident().say('speak to a person'), /number 1 in the queue and the wait is likely to be about 3 minutes/);
      assert.match(await resident().say('speak to a person'), /number 2 in the queue and the wait is likely to be about 6 minutes/);
    });

    it('when a worker turns the chat into a referral, then it is prefilled from what was said, claimed for them and linked', async () => {
      const user = await createStaffFast(t.app, 'hub-worker', 1);
      const worker = await clientWithSession(t.app, t.url, user);
      const client = resident();
      await client.say('speak to a person');
      const item = await only(worker);
      await worker.post(`/api/hub/handoffs/${item.id}/accept`);
      await client.say('I am struggling with food this month');

      const view = await worker.get<{ prefill: { notes: string } }>(`/api/hub/handoffs/${item.id}`);
      assert.match(view.body.prefill.notes, /struggling with food/);
      const refused = await worker.post<ErrorBody>(`/api/hub/handoffs/${item.id}/referral`, { kind: 'cost-of-living', name: 'Ann', phone: '07700 900456' });
      assert.equal(refused.status, 400, 'consent must be confirmed');
      const made = await worker.post<{ referral: Referral }>(`/api/hub/handoffs/${item.id}/referral`, {
        kind: 'cost-of-living',
        name: 'Ann',
        phone: '07700 900456',
        consent: true,
      });

      assert.equal(made.status, 201);
      assert.equal(made.body.referral.status, 'claimed');
      assert.equal(made.body.referral.assignee, user.id);
      assert.match(made.body.referral.answers.kind === 'cost-of-living' ? (made.body.referral.answers.notes ?? '') : '', /struggling with food/);
      assert.equal((await t.app.store.handoffs.get(item.id))?.referralId, made.body.referral.id);
    });

    it('when a worker who does not hold the chat writes to it, then 403 and nothing reaches the resident', async () => {
      const holder = await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'hub-worker', 1));
      const other = await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'hub-worker', 2));
      await resident().say('speak to a person');
      const item = await only(holder);
      await holder.post(`/api/hub/handoffs/${item.id}/accept`);

      const res = await other.post<ErrorBody>(`/api/hub/handoffs/${item.id}/messages`, { text: 'hello' });
      const stream = await SseReader.open(other, `/api/hub/handoffs/${item.id}/events`);
      stream.close();

      assert.equal(res.status, 403);
      assert.equal(stream.status, 403);
      assert.equal((await t.app.store.handoffs.get(item.id))?.transcript.some((l) => l.from === 'worker'), false);
    });

    it('when the resident joins the queue, then the bot sends handoff.initiate; a contact-centre handoff.status accepted silences the bot and completed brings it back', async () => {
      const client = resident({ channelId: 'directline' });
      const joined = await client.post({ type: 'message', text: 'speak to a person' });
      const activities = (joined.body as { activities: { type: string; name?: string; value?: { handoffId?: string } }[] }).activities;
      const initiate = activities.find((a) => a.type === 'event' && a.name === 'handoff.initiate');
      assert.ok(initiate, JSON.stringify(activities));
      const [handoff] = await t.app.store.handoffs.list();
      assert.equal(initiate.value?.handoffId, handoff?.id);

      await client.post({ type: 'event', name: 'handoff.status', value: { state: 'accepted' } });
      assert.equal((await t.app.store.handoffs.get(handoff?.id ?? ''))?.acceptedBy, 'external');
      assert.equal(await client.say('hello agent'), '');

      await client.post({ type: 'event', name: 'handoff.status', value: { state: 'completed' } });
      assert.equal((await t.app.store.handoffs.get(handoff?.id ?? ''))?.endReason, 'external');
      assert.notEqual(await client.say('start again'), '');
    });

    it('when a request is malformed, then 400 or 404, never 500', async () => {
      const worker = await clientWithSession(t.app, t.url, await createStaffFast(t.app, 'hub-worker', 1));
      await resident().say('speak to a person');
      const item = await only(worker);
      await worker.post(`/api/hub/handoffs/${item.id}/accept`);

      assert.equal((await worker.post(`/api/hub/handoffs/${item.id}/messages`, { text: '   ' })).status, 400);
      assert.equal((await worker.post(`/api/hub/handoffs/${item.id}/messages`, { text: 'x'.repeat(1601) })).status, 400);
      assert.equal((await worker.post(`/api/hub/handoffs/${item.id}/attach`, { reference: 'nope' })).status, 400);
      assert.equal((await worker.post(`/api/hub/handoffs/${item.id}/attach`, { reference: 'HUB-ZZZZZZ' })).status, 404);
      assert.equal((await worker.post('/api/hub/handoffs/no-such-id/accept')).status, 404);
      assert.equal((await worker.post('/api/hub/handoffs/../../x/accept')).status, 404);
    });
  });
});
