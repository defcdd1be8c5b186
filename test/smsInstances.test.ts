/**
 * Several server instances on one store (as behind a load balancer): each inbound text is processed by one instance
 * and each reply sent by one, however many look through the inbound list and the outbox; a dead instance's texts are
 * taken over once its lease runs out. Two whole servers share one embedded store file here; the MongoDB store states
 * the same lease semantics in test/store.contract.test.ts.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { newMessageSid, Phone, postForm, sign, startSmsHarness, type SmsHarness } from './support/smsHarness';
import { tempDataDir } from './support/testApp';

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SMS with several instances on one store', function () {
  this.timeout(60_000);
  let one: SmsHarness;
  let two: SmsHarness;
  beforeEach(async () => {
    const dataDir = tempDataDir();
    one = await startSmsHarness({ dataDir, env: { INSTANCE_ID: 'instance-one' } });
    two = await startSmsHarness({ dataDir, env: { INSTANCE_ID: 'instance-two' } });
  });
  afterEach(async () => {
    sinon.restore();
    await two.stop();
    await one.stop();
  });

  it('when one instance is sending a reply and another looks through the outbox, then the reply is sent once', async () => {
    two.twilioApi.delayMs = 400; // the second instance's send is still in flight while the first looks
    const phone = new Phone(two);
    const params = phone.params('I feel lonely');
    assert.equal((await postForm(two.t.url, '/api/sms', params, sign(params))).status, 200);
    const conversationId = two.t.app.sms?.channel.conversationIdFor(phone.number) ?? '';
    await until(async () => (await two.t.app.store.sms.outboundFor(conversationId)).length > 0, 'the reply to be queued');

    await one.t.app.sms?.outbox.flush(); // the first instance's outbox scan finds the queued reply
    await two.t.app.sms?.channel.idle();
    assert.equal(one.twilioApi.messages.length, 0, 'the first instance left it to the one holding it');
    assert.equal(two.twilioApi.messagesTo(phone.number).length, 1);
    assert.match(phone.newReplies().join('\n'), /for you, or for someone else/);
  });

  it('when a text is held by a live instance, then another does not process it; once that lease runs out, it does, once', async () => {
    const number = '+447700900661';
    const conversationId = one.t.app.sms?.channel.conversationIdFor(number) ?? '';
    const messageSid = newMessageSid();
    // What the second instance's webhook did before it died: stored the text and leased it for a minute.
    const now = two.t.clock.now();
    await two.t.app.store.sms.recordInbound({ messageSid, conversationId, from: number, body: 'I feel lonely', numMedia: 0, receivedAt: now.toISOString(), processedAt: null });
    assert.equal(await two.t.app.store.sms.leaseInbound(messageSid, 'instance-two', new Date(now.getTime() + 60_000).toISOString(), now.toISOString()), true);

    assert.equal(await one.t.app.sms?.channel.resumePending(), 0, 'held by a live instance');
    await one.t.app.sms?.channel.idle();
    assert.equal(one.twilioApi.messages.length, 0);

    one.t.clock.advance(61_000);
    assert.equal(await one.t.app.sms?.channel.resumePending(), 1, "the dead instance's lease ran out");
    assert.equal(await one.t.app.sms?.channel.resumePending(), 0, 'already queued here');
    await one.t.app.sms?.channel.idle();
    assert.equal(one.twilioApi.messagesTo(number).length, 1);
    assert.match(one.twilioApi.messagesTo(number)[0]?.body ?? '', /for you, or for someone else/);
    assert.deepEqual(await one.t.app.store.sms.pendingInbound(), []);
  });

  it("when one resident's texts reach both instances at the same moment, then the turns take their turn and neither gets the error reply", async () => {
    const number = '+447700900662';
    await new Phone(one, number).text('I feel lonely'); // the journey asks who it is for
    const atOne = new Phone(one, number);
    const atTwo = new Phone(two, number);
    atOne.newReplies();
    atTwo.newReplies();
    // The first instance is slow to save its state, so without a lock the second reads the old state meanwhile.
    const state = one.t.app.store.botState;
    const write = state.write.bind(state);
    sinon.stub(state, 'write').callsFake(async (...args: Parameters<typeof write>) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return write(...args);
    });
    const [first, second] = [atOne.params('1'), atTwo.params('Margaret Hall')];
    const posting = postForm(one.t.url, '/api/sms', first, sign(first));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the first turn is under way
    const posts = await Promise.all([posting, postForm(two.t.url, '/api/sms', second, sign(second))]);
    assert.deepEqual(posts.map((r) => r.status), [200, 200]);
    await Promise.all([one.t.app.sms?.channel.idle(), two.t.app.sms?.channel.idle()]);
    const replies = [...atOne.newReplies(), ...atTwo.newReplies()].join('\n');
    assert.doesNotMatch(replies, /went wrong|sorry/i, 'no turn failed on the other one\'s saved state');
    assert.match(replies, /What is your name/, '"1" answered "who is it for"');
    assert.match(replies, /Reply 1 for Phone call/, 'and the name, taken after it, answered "what is your name"');
  });

  it('when residents text both instances at once, then every text is answered exactly once', async () => {
    const phones = Array.from({ length: 8 }, (_, i) => new Phone(i % 2 === 0 ? one : two, `+4477009007${String(i).padStart(2, '0')}`));
    await Promise.all(phones.map((p) => p.text('I feel lonely')));
    // Both outboxes scan the whole outbox meanwhile.
    await Promise.all([one.t.app.sms?.outbox.flush(), two.t.app.sms?.outbox.flush()]);
    for (const p of phones) {
      const texts = [...one.twilioApi.messagesTo(p.number), ...two.twilioApi.messagesTo(p.number)];
      assert.equal(texts.length, 1, `${p.number} got ${texts.length} texts`);
    }
  });
});
