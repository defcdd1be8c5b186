/**
 * Safeguarding as a workflow in the conversation, over HTTP against the real server: a brush-off does not clear the
 * flag, the bot asks once more in fixed wording and offers an urgent call-back, staff are alerted and everything is
 * audited by ids. With Azure on, strongly negative sentiment supports a weaker phrase.
 */
import assert from 'node:assert/strict';
import * as wording from '../dialogs/wording';
import type { SafeguardingAlert } from '../services/safeguarding/alerts';
import { SENTIMENT_SIGNAL_ID } from '../services/safeguarding/signals';
import { AzureLanguageStandIn, STAND_IN_KEY } from './support/azureLanguageStandIn';
import { BotClient } from './support/botClient';
import { startTestApp, type TestApp } from './support/testApp';
import { play, referenceIn } from './support/transcript';

const CRISIS = "honestly I don't want to be here anymore";

describe('safeguarding in the conversation', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.stop();
  });

  describe('the follow-up after a risk', () => {
    beforeEach(async () => {
      t = await startTestApp();
    });

    it('when the resident says "I\'m fine" straight after, then the bot asks once more, gently, and "no" leaves the flag in place', async () => {
      const client = new BotClient(t.url);
      assert.match(await client.say(CRISIS), /Samaritans/);
      const check = await client.say("I'm fine");
      assert.equal(check, wording.safeguardingFollowUp.checkIn);
      assert.deepEqual(client.buttons(), [wording.safeguardingFollowUp.options.yes, wording.safeguardingFollowUp.options.no]);
      assert.equal(await client.say('no thanks'), wording.safeguardingFollowUp.declined);

      // The flag is still there: a referral made later in the conversation is urgent.
      await play(client, [
        ['I feel lonely', /for you, or for someone else/],
        ['For me', /What is your name/],
        ['Jo Bloggs', /contact you/],
        ['phone', /phone number/],
        ['07700 900111', /best time/],
        ['morning', /postcode/],
        ['S60 9ZZ', /What would you enjoy/],
        ['visit', /anything that would help/i],
        ['no', /Do you agree/],
        ['yes', /Shall I send this/],
      ]);
      const referral = await t.app.store.referrals.getByReference(referenceIn(await client.say('yes')));
      assert.equal(referral?.urgent, true);
      const steps = (await t.app.store.audit.list({ action: 'safeguarding.follow-up' })).map((e) => e.detail.step);
      assert.deepEqual(steps, ['offered', 'call-back-declined']);
    });

    it('when the resident accepts the call-back, then a short form makes an urgent referral', async () => {
      const client = new BotClient(t.url);
      await client.say('i wanna die');
      await client.say('no');
      await play(client, [
        ['Yes, please call me', [new RegExp(wording.safeguardingFollowUp.callbackIntro), /What is your name/]],
        ['Sam Smith', /What is your phone number/],
        ['0114 496 0123', /Do you agree/],
      ]);
      const done = await client.say('yes');
      assert.match(done, /Someone from the hub will call you as soon as they can/);
      const referral = await t.app.store.referrals.getByReference(referenceIn(done));
      assert.equal(referral?.urgent, true);
      assert.deepEqual(referral?.urgencyReasons, ['safeguarding']);
      assert.equal(referral?.kind, 'befriending');
      assert.deepEqual(referral?.answers.kind === 'befriending' && referral.answers.interests, ['phone-call']);
      assert.equal(referral?.contact.anonymous === false && referral.contact.method, 'phone');
      const steps = (await t.app.store.audit.list({ action: 'safeguarding.follow-up' })).map((e) => e.detail.step);
      assert.deepEqual(steps, ['offered', 'call-back-accepted']);
    });

    it('in the middle of a journey, a brush-off gets the check first and then the journey\'s question again', async () => {
      const client = new BotClient(t.url);
      await play(client, [
        ['I want to report anti-social behaviour', /What kind of problem/],
        ['Noise', /Where is it happening/],
      ]);
      assert.match(await client.say('i just want to end it all'), /Where is it happening/);
      assert.equal(await client.say('forget it'), wording.safeguardingFollowUp.checkIn);
      const reply = await client.say('No, thank you');
      assert.match(reply, /116 123/);
      assert.match(reply, /Where is it happening/);
      assert.match(await client.say('Park Road'), /When is it happening/);
    });

    it('asks only straight after the risk: a later "no" is an ordinary answer', async () => {
      const client = new BotClient(t.url);
      await play(client, [
        ['I want to report anti-social behaviour', /What kind of problem/],
        ['Noise', /Where is it happening/],
      ]);
      await client.say('I want to kill myself');
      await client.say('Park Road');
      await client.say('earlier today');
      assert.match(await client.say('no'), /describe/);
    });

    it('when a risk is detected, then staff are alerted with ids and phrase ids, never the words', async () => {
      const alerts: SafeguardingAlert[] = [];
      t.app.alerts.subscribe((alert) => {
        alerts.push(alert);
      });
      const client = new BotClient(t.url);
      await client.say("he's outside with a knife and I want to die");
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0]?.conversationId, client.conversationId);
      assert.deepEqual(alerts[0]?.categories, ['danger', 'suicide-self-harm']);
      assert.equal(alerts[0]?.channel, 'emulator');
      assert.doesNotMatch(JSON.stringify(alerts), /knife|want to die/);
      const [audit] = await t.app.store.audit.list({ action: 'safeguarding.risk-detected' });
      assert.deepEqual(audit?.detail.categories, ['danger', 'suicide-self-harm']);
      assert.doesNotMatch(JSON.stringify(audit), /knife|want to die/);
    });

    it('without Azure, a supporting phrase alone ("I can\'t cope anymore") does not bring the crisis wording', async () => {
      const client = new BotClient(t.url);
      const reply = await client.say("I can't cope anymore, I feel hopeless");
      assert.doesNotMatch(reply, /Samaritans/);
    });
  });

  describe('with Azure AI Language (the stand-in)', () => {
    let standIn: AzureLanguageStandIn;
    beforeEach(async () => {
      standIn = await new AzureLanguageStandIn().start();
      t = await startTestApp({ env: { AZURE_LANGUAGE_ENDPOINT: standIn.url, AZURE_LANGUAGE_KEY: STAND_IN_KEY, AZURE_LANGUAGE_TIMEOUT_MS: '300' } });
    });
    afterEach(async () => {
      await standIn.stop();
    });

    it('strongly negative sentiment turns a supporting phrase into a risk: crisis wording, flag, audit with the signal', async () => {
      const client = new BotClient(t.url);
      const reply = await client.say("I can't cope anymore, I feel hopeless");
      assert.match(reply, /Samaritans/);
      const [audit] = await t.app.store.audit.list({ action: 'safeguarding.risk-detected' });
      assert.ok((audit?.detail.matched as string[]).includes(SENTIMENT_SIGNAL_ID));
      assert.ok((audit?.detail.matched as string[]).includes('sh.support.cannot-cope'));
    });

    it('negativity aimed at the noise (opinion mining) is a complaint, not a crisis', async () => {
      const client = new BotClient(t.url);
      const reply = await client.say("I can't take any more of the noise, it's unbearable");
      assert.doesNotMatch(reply, /Samaritans/);
      assert.equal(standIn.requestsFor('SentimentAnalysis').length, 1);
    });

    it('messages with no supporting phrase never wait on Azure for sentiment', async () => {
      const client = new BotClient(t.url);
      await client.say('I feel lonely');
      await client.say('I want to kill myself');
      assert.equal(standIn.requestsFor('SentimentAnalysis').length, 0);
    });

    it('when Azure is down, the phrase check still answers a crisis at once', async () => {
      standIn.mode = 'stall';
      const client = new BotClient(t.url);
      const started = Date.now();
      assert.match(await client.say('i wanna kms'), /Samaritans/);
      assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    });
  });
});
