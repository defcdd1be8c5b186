/**
 * Every journey is interruptible at every step (help, start again, speak to a person), bad input gets a polite
 * re-prompt that keeps what was already given, and safeguarding wins over everything.
 */
import assert from 'node:assert/strict';
import { BotClient } from './support/botClient';
import { startTestApp, type TestApp } from './support/testApp';
import { JOURNEY_STEPS } from './support/journeySteps';
import { play, referenceIn, type Turn } from './support/transcript';

const journeys: Record<string, Turn[]> = JOURNEY_STEPS;

describe('interruptions and bad input', function () {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.stop();
  });

  for (const [journey, turns] of Object.entries(journeys)) {
    // Interrupt after the first, a middle and the last-but-one step.
    const steps = [1, Math.floor(turns.length / 2), turns.length - 1];
    for (const step of steps) {
      const [, waitingFor] = turns[step - 1] as Turn;
      const reprompt = Array.isArray(waitingFor) ? waitingFor[0] as RegExp : waitingFor;

      it(`${journey}, step ${step}: "help" explains the options and asks the same question again`, async () => {
        const client = new BotClient(t.url);
        await play(client, turns.slice(0, step));
        const reply = await client.say('help');
        assert.match(reply, /start again/);
        assert.match(reply, /speak to a person/);
        assert.match(reply, /You are (asking|reporting)/);
        assert.match(reply, reprompt);
      });

      it(`${journey}, step ${step}: "speak to a person" gives the hub's number and hours, records it, and carries on`, async () => {
        const client = new BotClient(t.url);
        await play(client, turns.slice(0, step));
        const reply = await client.say('speak to a person');
        assert.match(reply, /0114 496 0/);
        assert.match(reply, /Opening hours: Monday/);
        assert.match(reply, /\(open now\)/);
        assert.match(reply, reprompt);
        const audit = await t.app.store.audit.list({ action: 'resident.asked-for-person' });
        assert.equal(audit.length, 1);
        assert.equal(audit[0]?.subject, client.conversationId);
      });

      it(`${journey}, step ${step}: "start again" stops the journey, saves nothing and shows the menu`, async () => {
        const client = new BotClient(t.url);
        await play(client, turns.slice(0, step));
        const reply = await client.say('start again');
        assert.match(reply, /Nothing has been sent to the hub/);
        assert.match(reply, /What would you like help with/);
        assert.equal(await t.app.store.referrals.count(), 0);
        // and a new journey starts cleanly afterwards
        assert.match(await client.say('Report anti-social behaviour'), /What kind of problem/);
      });
    }
  }

  it('outside opening hours, "speak to a person" says the hub is closed and offers to carry on', async () => {
    t.clock.set('2026-11-21T12:00:00.000Z'); // a Saturday
    const client = new BotClient(t.url);
    await play(client, journeys.befriending!.slice(0, 2));
    const reply = await client.say('can I talk to a real person');
    assert.match(reply, /closed at the moment/);
    assert.doesNotMatch(reply, /open now/);
  });

  const badInputs: [what: string, text: string | undefined][] = [
    ['an empty message', ''],
    ['a message with no text', undefined],
    ['emoji only', '😀😀👍'],
    ['2,000 characters', 'a'.repeat(2000)],
  ];
  for (const [what, text] of badInputs) {
    it(`when the resident sends ${what} at the name step, then the bot re-prompts politely and keeps earlier answers`, async () => {
      const client = new BotClient(t.url);
      await play(client, journeys.befriending!.slice(0, 2));
      const reply = await client.say(text);
      assert.match(reply, /please type a name/i);
      await play(client, journeys.befriending!.slice(2));
      const summary = client.lastReplies.map((a) => a.text).join('\n');
      assert.match(summary, /For: For me/);
      assert.match(summary, /Name: Jo Bloggs/);
    });
  }

  it('when the postcode is invalid, then it asks again with an example and keeps the journey', async () => {
    const client = new BotClient(t.url);
    await play(client, journeys.befriending!.slice(0, 6));
    await play(client, [
      ['S60', /does not look like a UK postcode/],
      ['not a postcode', /like S60 1AE/],
      ['🏠', /does not look like a UK postcode/],
      ['S60 9ZZ', /What would you enjoy/],
    ]);
  });

  it('when the ASB description is 2,000 characters, then it asks for a shorter one and accepts it', async () => {
    const client = new BotClient(t.url);
    await play(client, journeys.asb!.slice(0, 5));
    await play(client, [
      ['x'.repeat(2000), /1,000 characters or fewer/],
      ['Loud music until 3am', /anonymously/],
    ]);
  });

  it('when the resident answers a button question in their own words, then it is understood', async () => {
    const client = new BotClient(t.url);
    await play(client, [
      ['hi', /What would you like help with/],
      ['I am so lonely since my husband died', /for you, or for someone else/],
      ['it is for me', /What is your name/],
    ]);
  });

  it('when the menu answer is not understood, then it re-prompts with the options', async () => {
    const client = new BotClient(t.url);
    await play(client, [
      ['hi', /What would you like help with/],
      ['banana', /Please choose one of the options/],
    ]);
    assert.deepEqual(client.buttons(), ['Someone to talk to', 'Help with the cost of living', 'Report anti-social behaviour']);
  });

  describe('safeguarding comes first', () => {
    it('when a resident mentions suicide mid-journey, then they get the crisis lines at once, can carry on, and the referral is urgent', async () => {
      const client = new BotClient(t.url);
      await play(client, journeys.befriending!.slice(0, 3));
      const crisis = await client.say("honestly I don't want to be here anymore");
      assert.match(crisis, /Samaritans/);
      assert.match(crisis, /116 123/);
      assert.match(crisis, /SHOUT to 85258/);
      assert.match(crisis, /NHS 111/);
      assert.match(crisis, /999/);
      assert.match(crisis, /How would you like the hub to contact you/, 're-asks the question it was on');
      await play(client, journeys.befriending!.slice(3));
      const reply = await client.say('yes');
      const referral = await t.app.store.referrals.getByReference(referenceIn(reply));
      assert.equal(referral?.urgent, true);
      assert.deepEqual(referral?.urgencyReasons, ['safeguarding']);
      assert.match(reply, /as soon as possible/);
      const audit = await t.app.store.audit.list({ action: 'safeguarding.risk-detected' });
      assert.equal(audit.length, 1);
      assert.doesNotMatch(JSON.stringify(audit), /don't want to be here/, 'the audit holds phrase ids, not the words');
    });

    it('when a message says someone is in immediate danger, then 999 comes first', async () => {
      const client = new BotClient(t.url);
      const reply = await client.say("he's outside with a knife");
      assert.match(reply.split('\n')[0] ?? '', /call 999 now/);
    });

    it('when the resident says "help" in crisis words, then crisis wording wins over the help command', async () => {
      const client = new BotClient(t.url);
      await play(client, journeys.asb!.slice(0, 2));
      const reply = await client.say('help I want to kill myself');
      assert.match(reply, /Samaritans/);
    });

    it('when a resident uses an idiom like "the noise is killing me", then no crisis wording is sent', async () => {
      const client = new BotClient(t.url);
      await play(client, journeys.asb!.slice(0, 5));
      const reply = await client.say('the noise is killing me, music every night until 3am');
      assert.doesNotMatch(reply, /Samaritans|999 now/);
      assert.match(reply, /anonymously/);
    });
  });
});

describe('safeguarding alerts reach the hub console', () => {
  it('when a resident writes something that indicates risk, then a safeguarding.alert with no words in it is published to the console', async () => {
    const t = await startTestApp();
    try {
      const events: unknown[] = [];
      t.app.hubEvents.subscribe((event) => events.push(event));
      const client = new BotClient(t.url);
      await client.say("i can't go on, i want to end it all");
      assert.equal(events.length, 1);
      const event = events[0] as { type: string; conversationId: string; categories: string[]; channel: string };
      assert.equal(event.type, 'safeguarding.alert');
      assert.equal(event.conversationId, client.conversationId);
      assert.deepEqual(event.categories, ['suicide-self-harm']);
      assert.doesNotMatch(JSON.stringify(event), /end it all|go on/);
    } finally {
      await t.stop();
    }
  });
});
