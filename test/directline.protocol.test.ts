/**
 * The embedded Direct Line against Microsoft's own client (botframework-directlinejs, the one inside Web Chat),
 * running in Node: conversation start, echo with clientActivityID, WebSocket stream and polling, typing, the
 * Adaptive Card summary, reconnecting with a watermark, and a whole journey that ends in the store.
 */
import assert from 'node:assert/strict';
import { ConnectionStatus, type Activity } from 'botframework-directlinejs';
import { DirectLineTestClient, newEmbeddedConversation, provideGlobalWebSocket, textOf } from './support/directLineClient';
import { startTestApp, type TestApp } from './support/testApp';
import { befriendingSteps, GREETING, REFERENCE } from './support/webChatJourney';

function isFromBot(a: Activity): boolean {
  return a.from.role === 'bot';
}

async function completeJourney(client: DirectLineTestClient): Promise<string> {
  let last = '';
  for (const step of befriendingSteps) {
    await client.say(step.send);
    last = textOf(await client.botSays(step.expect));
  }
  const match = REFERENCE.exec(last);
  assert.ok(match, `no reference in: ${last}`);
  return match[0];
}

describe('embedded Direct Line with the botframework-directlinejs client', () => {
  let t: TestApp;
  let restoreWebSocket: () => void;
  const clients: DirectLineTestClient[] = [];
  const connect = (options: ConstructorParameters<typeof DirectLineTestClient>[0]) => {
    const client = new DirectLineTestClient(options);
    clients.push(client);
    return client;
  };

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

  for (const webSocket of [true, false]) {
    const transport = webSocket ? 'WebSocket' : 'polling';
    it(`over ${transport}, when a resident completes the befriending journey, then they get a reference and the referral is in the store from the webchat channel`, async () => {
      const { domain, token, conversationId } = await newEmbeddedConversation(t.url);
      const client = connect({ domain, token, webSocket });
      const menu = await client.botSays(GREETING);
      assert.deepEqual(
        (menu as Activity & { suggestedActions?: { actions: { title: string }[] } }).suggestedActions?.actions.map((a) => a.title),
        ['Someone to talk to', 'Help with the cost of living', 'Report anti-social behaviour'],
      );

      const reference = await completeJourney(client);

      const referral = await t.app.store.referrals.getByReference(reference);
      assert.ok(referral, `referral ${reference} is not in the store`);
      assert.equal(referral.kind, 'befriending');
      assert.equal(referral.channel, 'webchat');
      assert.equal(referral.conversationId, conversationId);
      assert.deepEqual(referral.contact, { anonymous: false, name: 'Margaret Hall', method: 'phone', phone: '07700 900123', bestTime: 'morning' });
      assert.ok(client.connectionStatuses.includes(ConnectionStatus.Online));
    });
  }

  it('when a message is posted, then it comes back in the stream with its clientActivityID, before the bot answers it', async () => {
    const { domain, token } = await newEmbeddedConversation(t.url);
    const client = connect({ domain, token, webSocket: true });
    await client.botSays(GREETING);
    const id = await client.say('Someone to talk to', 'client-activity-1');
    const echo = await client.next((a) => a.type === 'message' && a.from.role === 'user', 'the echo');
    assert.equal(echo.id, id);
    assert.equal((echo.channelData as { clientActivityID?: string }).clientActivityID, 'client-activity-1');
    assert.equal(textOf(echo), 'Someone to talk to');
    const reply = await client.botSays(/for you, or for someone else/);
    assert.ok(client.received.indexOf(echo) < client.received.indexOf(reply));
    assert.equal((reply as Activity & { replyToId?: string }).replyToId, id);
  });

  it('when the bot is working on a message, then the WebSocket shows a typing activity before the reply', async () => {
    const { domain, token } = await newEmbeddedConversation(t.url);
    const client = connect({ domain, token, webSocket: true });
    await client.botSays(GREETING);
    await client.say('I feel lonely');
    const typing = await client.next((a) => a.type === 'typing', 'a typing activity');
    assert.ok(isFromBot(typing));
    const reply = await client.botSays(/for you, or for someone else/);
    assert.ok(client.received.indexOf(typing) < client.received.indexOf(reply));
  });

  it('when the resident reaches the summary, then web chat gets an Adaptive Card with one fact per answer', async () => {
    const { domain, token } = await newEmbeddedConversation(t.url);
    const client = connect({ domain, token, webSocket: true });
    await client.botSays(GREETING);
    for (const step of befriendingSteps.slice(0, -2)) {
      await client.say(step.send);
      await client.botSays(step.expect);
    }
    await client.say('Yes');
    const summary = await client.botSays(/Please check this is right/);
    const attachments = (summary as Activity & { attachments?: { contentType: string; content: { body: { type: string; facts: { title: string; value: string }[] }[] } }[] }).attachments ?? [];
    assert.equal(attachments.length, 1);
    assert.equal(attachments[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    const factSet = attachments[0]?.content.body.find((b) => b.type === 'FactSet');
    assert.deepEqual(factSet?.facts.map((f) => [f.title, f.value]), [
      ['For:', 'For me'],
      ['Name:', 'Margaret Hall'],
      ['Contact by:', 'Phone call'],
      ['Phone:', '07700 900123'],
      ['Best time:', 'Morning'],
      ['Postcode:', 'S60 9ZZ'],
      ['Would enjoy:', 'A regular phone call'],
      ['Other needs:', 'None'],
    ]);
    // The question and its buttons still follow, so the flow is the same as on SMS.
    await client.botSays(/Shall I send this to the hub\?/);
  });

  for (const webSocket of [true, false]) {
    const transport = webSocket ? 'WebSocket' : 'polling';
    it(`over ${transport}, when the client reconnects with the conversation id (a page reload), then it gets the whole conversation again and can finish it`, async () => {
      const { domain, token, conversationId } = await newEmbeddedConversation(t.url);
      const first = connect({ domain, token, webSocket });
      await first.botSays(GREETING);
      for (const step of befriendingSteps.slice(0, 4)) {
        await first.say(step.send);
        await first.botSays(step.expect);
      }
      first.end();

      const second = connect({ domain, token, conversationId, webSocket });
      await second.botSays(GREETING);
      await second.botSays(/What is your phone number\?/);
      const replayed = second.received.filter((a) => a.type === 'message');
      assert.deepEqual(
        replayed.filter((a) => a.from.role === 'user').map(textOf),
        befriendingSteps.slice(0, 4).map((s) => s.send),
      );
      for (const step of befriendingSteps.slice(4)) {
        await second.say(step.send);
        await second.botSays(step.expect);
      }
      assert.equal(await t.app.store.referrals.count(), 1);
    });
  }

  for (const webSocket of [true, false]) {
    const transport = webSocket ? 'WebSocket' : 'polling';
    it(`over ${transport}, when the client reconnects with a watermark, then only the activities after it arrive`, async () => {
      const { domain, token, conversationId } = await newEmbeddedConversation(t.url);
      const first = connect({ domain, token, webSocket });
      await first.botSays(GREETING);
      await first.say('Someone to talk to');
      await first.botSays(/for you, or for someone else/);
      first.end();

      // The log so far: welcome, menu, the echo, the journey's intro and its question. Watermark 3 skips three.
      const second = connect({ domain, token, conversationId, watermark: '3', webSocket });
      await second.botSays(/for you, or for someone else/);
      assert.deepEqual(second.received.filter((a) => a.type === 'message').map(textOf), [
        'We can put you in touch with a friendly volunteer or local groups. I just need to ask a few questions.',
        'Is this for you, or for someone else?',
      ]);
    });
  }
});
