/**
 * Transcript tests: every path of every journey, through the real server (POST /api/messages with
 * expectReplies), the real dialogs and the embedded store.
 */
import assert from 'node:assert/strict';
import { BotClient } from './support/botClient';
import { startTestApp, type TestApp } from './support/testApp';
import { play, referenceIn, type Turn } from './support/transcript';

/** The befriending journey up to the summary, for the resident themselves, by phone. */
const befriendingToSummary: Turn[] = [
  ['I feel lonely', [/for you, or for someone else/i]],
  ['For me', /What is your name/],
  ['Margaret Hall', /How would you like the hub to contact you/],
  ['Phone call', /phone number/],
  ['07700 900123', /best time/],
  ['Morning', /postcode/],
  ['s60 9zz', /What would you enjoy/],
  ['1 and 3', /access needs|anything that would help/i],
  ['I use a wheelchair', [/Privacy:/, /Do you agree/]],
  ['yes', [/Please check this is right/, /Name: Margaret Hall/, /Phone: 07700 900123/, /Postcode: S60 9ZZ/, /A regular phone call, Groups and activities nearby/, /Shall I send this/]],
];

describe('resident journeys over /api/messages', function () {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.stop();
  });

  describe('befriending', () => {
    it('when a lonely resident completes the journey, then they get a reference and the referral is in the queue with the ward', async () => {
      const client = new BotClient(t.url);
      await play(client, befriendingToSummary);
      const reply = await client.say('Yes, send it');
      const reference = referenceIn(reply);
      assert.match(reply, /within 3 days/);
      assert.match(reply, /0114 496 0/);

      const referral = await t.app.store.referrals.getByReference(reference);
      assert.ok(referral);
      assert.equal(referral.kind, 'befriending');
      assert.equal(referral.status, 'new');
      assert.equal(referral.urgent, false);
      assert.deepEqual(referral.ward, { code: 'E05012996', name: 'Boston Castle', source: 'postcode-table' });
      assert.deepEqual(referral.contact, { anonymous: false, name: 'Margaret Hall', method: 'phone', phone: '07700 900123', bestTime: 'morning' });
      assert.equal(referral.consent.given, true);
      assert.equal(referral.consent.wordingVersion, 'privacy-2026-11-v2');
      assert.equal(referral.channel, 'emulator');
      assert.equal(referral.slaDueAt, '2026-11-19T10:00:00.000Z');
      assert.deepEqual(referral.answers, {
        kind: 'befriending',
        forWhom: 'self',
        postcode: 'S60 9ZZ',
        interests: ['phone-call', 'groups'],
        accessNeeds: 'I use a wheelchair',
      });
      assert.equal(await t.app.store.referrals.count(), 1);
    });

    it('when the referral is for someone else who has agreed, then the questions speak of them and it records their agreement', async () => {
      const client = new BotClient(t.url);
      await play(client, [
        ['hi', [/Hello, this is the Rotherham Community Hub/, /What would you like help with/]],
        ['Someone to talk to', /for you, or for someone else/],
        ['For someone else', /Have they agreed/],
        ['yes', /What is their name/],
        ['Arthur Jones', /How should the hub contact them/],
        ['Text message', /their mobile number/],
        ['01709 123456', /does not look like a UK mobile number/],
        ['07700 900456', /best time/],
        ['any time', /What is their postcode/],
        ['S66 9ZZ', /What would they enjoy/],
        ['a visit', /help them/],
        ['no', /contacting them/],
        ['yes', /For: For someone else/],
      ]);
      const reference = referenceIn(await client.say('yes'));
      const referral = await t.app.store.referrals.getByReference(reference);
      assert.ok(referral);
      assert.equal(referral.answers.kind, 'befriending');
      assert.equal(referral.answers.kind === 'befriending' && referral.answers.personAgreed, true);
      assert.equal(referral.answers.kind === 'befriending' && referral.answers.accessNeeds, null);
      assert.deepEqual(referral.contact, { anonymous: false, name: 'Arthur Jones', method: 'sms', phone: '07700 900456', bestTime: 'any' });
      assert.equal(referral.ward.code, 'E05013006');
    });

    it('when the other person has not agreed, then nothing is saved and the resident is told why', async () => {
      const client = new BotClient(t.url);
      await play(client, [
        ['I want a befriender for my mum', /for you, or for someone else/],
        ['2', /Have they agreed/],
        ['no', /only contact someone who has agreed/],
      ]);
      assert.equal(await t.app.store.referrals.count(), 0);
    });

    it('when the resident does not consent, then nothing is saved', async () => {
      const client = new BotClient(t.url);
      await play(client, befriendingToSummary.slice(0, 9));
      await play(client, [['no', /Nothing has been sent to the hub/]]);
      assert.equal(await t.app.store.referrals.count(), 0);
    });

    it('when the resident changes their postcode at the summary, then only the postcode is asked again', async () => {
      const client = new BotClient(t.url);
      await play(client, befriendingToSummary);
      await play(client, [
        ['Change something', /What would you like to change/],
        ['Postcode', /What is your postcode/],
        ['S65 9ZZ', [/Postcode: S65 9ZZ/, /Name: Margaret Hall/, /Shall I send this/]],
      ]);
      const reference = referenceIn(await client.say('Yes, send it'));
      const referral = await t.app.store.referrals.getByReference(reference);
      assert.equal(referral?.ward.code, 'E05013010');
    });

    it('when the postcode is not in the table, then the referral is saved with the ward unknown for staff to set', async () => {
      const client = new BotClient(t.url);
      const turns = befriendingToSummary.map(([send, expect]) =>
        send === 's60 9zz' ? (['M1 1AE', expect] as const) : ([send, [expect].flat().filter((p) => !/S60/.test(p.source))] as const),
      );
      await play(client, turns);
      const referral = await t.app.store.referrals.getByReference(referenceIn(await client.say('yes')));
      assert.deepEqual(referral?.ward, { code: null, name: null, source: 'unknown' });
    });

    it('when the resident changes their contact details by email, then the phone number is not kept', async () => {
      const client = new BotClient(t.url);
      await play(client, befriendingToSummary);
      await play(client, [
        ['change', /What would you like to change/],
        ['Name and contact details', /What is your name/],
        ['Margaret Hall', /contact you/],
        ['email', /email address/],
        ['margaret@example', /does not look like an email/],
        ['Margaret@Example.org', /best time/],
        ['afternoon', [/Email: margaret@example.org/, /Shall I send this/]],
      ]);
      const referral = await t.app.store.referrals.getByReference(referenceIn(await client.say('yes')));
      assert.deepEqual(referral?.contact, { anonymous: false, name: 'Margaret Hall', method: 'email', email: 'margaret@example.org', bestTime: 'afternoon' });
    });
  });

  describe('cost of living', () => {
    it('when the first message names a need, then it signposts matching services straight away and a call-back becomes a referral', async () => {
      const client = new BotClient(t.url);
      const signposting = await client.say("can't afford the electric");
      assert.match(signposting, /These services can help now/);
      assert.match(signposting, /example listings/);
      assert.match(signposting, /call you back/);
      await play(client, [
        ['yes', /What is your name/],
        ['Priya Patel', /contact you/],
        ['phone', /phone number/],
        ['+44 7700 900789', /best time/],
        ['evenings', /postcode/],
        ['S60 9ZZ', /anything else the hub should know/i],
        ['My prepayment meter is nearly empty', /Do you agree/],
        ['yes', [/Help with: Energy and heating/, /Anything else: My prepayment meter is nearly empty/]],
      ]);
      const referral = await t.app.store.referrals.getByReference(referenceIn(await client.say('Yes, send it')));
      assert.ok(referral && referral.answers.kind === 'cost-of-living');
      assert.deepEqual(referral.answers.needs, ['energy']);
      assert.ok(referral.answers.signposted.length > 0, 'records which services were shown');
      assert.equal(referral.contact.anonymous === false && referral.contact.phone, '07700 900789');
    });

    it('when the resident picks several needs from the menu, then all are signposted and recorded', async () => {
      const client = new BotClient(t.url);
      await play(client, [
        ['hello', /What would you like help with/],
        ['Help with the cost of living', /What do you need help with/],
        ['food and rent', /These services can help now/],
        ['yes', /What is your name/],
        ['Sam', /contact you/],
        ['text', /mobile/],
        ['07700900321', /best time/],
        ['1', /postcode/],
        ['S66 9ZZ', /anything else/i],
        ['no', /Do you agree/],
        ['yes', /Help with: Food, Housing costs/],
      ]);
      const referral = await t.app.store.referrals.getByReference(referenceIn(await client.say('yes')));
      assert.ok(referral && referral.answers.kind === 'cost-of-living');
      assert.deepEqual(referral.answers.needs, ['food', 'housing-costs']);
      assert.equal(referral.answers.notes, null);
    });

    it('when the resident only wants the signposting, then no referral is made', async () => {
      const client = new BotClient(t.url);
      await play(client, [
        ['I need a food bank', /These services can help now/],
        ['no thanks', /If you change your mind, call the hub/],
      ]);
      assert.equal(await t.app.store.referrals.count(), 0);
    });
  });

  describe('anti-social behaviour', () => {
    it('when a resident reports vandalism with contact details, then the report is saved with every answer and 101 is given', async () => {
      const client = new BotClient(t.url);
      await play(client, [
        ['kids smashing windows on our street', /Where is it happening/],
        ['Outside the shops on Wellgate, S60 9ZZ', /When is it happening/],
        ['It keeps happening', /How often/],
        ['most days', /anyone in danger right now/],
        ['no', /describe what is happening/],
        ['A group of teenagers throws stones at the bus shelter after school.', /anonymously/],
        ['Give my contact details', /What is your name/],
        ['Dev Khan', /contact you/],
        ['phone', /phone number/],
        ['0114 496 0999', /best time/],
        ['morning', /share your name and contact details with Rotherham Council's anti-social behaviour team/],
        ['yes', /Do you agree/],
        ['yes', [/Problem: Vandalism or damage/, /Where: Outside the shops on Wellgate, S60 9ZZ/, /When: It keeps happening \(a few times a week\)/, /Share my details with Rotherham Council's anti-social behaviour team: Yes/]],
      ]);
      const reply = await client.say('Yes, send it');
      assert.match(reply, /call 101/);
      const referral = await t.app.store.referrals.getByReference(referenceIn(reply));
      assert.ok(referral && referral.answers.kind === 'asb');
      assert.deepEqual(referral.answers, {
        kind: 'asb',
        asbType: 'vandalism',
        location: 'Outside the shops on Wellgate, S60 9ZZ',
        postcode: 'S60 9ZZ',
        when: 'ongoing',
        frequency: 'few-times-a-week',
        dangerNow: false,
        description: 'A group of teenagers throws stones at the bus shelter after school.',
      });
      assert.equal(referral.ward.code, 'E05012996');
      assert.equal(referral.slaDueAt, '2026-11-18T10:00:00.000Z');
      assert.deepEqual(referral.sharing, { body: 'rotherham-asb-team', agreed: true, wordingVersion: 'asb-sharing-2026-11-v1', at: '2026-11-16T10:00:00.000Z' });
    });

    it('when a resident with contact details says no to sharing, then that is recorded, and they can change it at the summary', async () => {
      const client = new BotClient(t.url);
      await play(client, [
        ['report noise', /Where/],
        ['Clifton Park', /When/],
        ['earlier today', /danger/],
        ['no', /describe/],
        ['Shouting at 2am', /anonymously/],
        ['Give my contact details', /What is your name/],
        ['Dev Khan', /contact you/],
        ['phone', /phone number/],
        ['0114 496 0999', /best time/],
        ['any time', /share your name and contact details/],
        ['no', /Do you agree/],
        ['yes', /Share my details with Rotherham Council's anti-social behaviour team: No/],
      ]);
      const declined = await t.app.store.referrals.getByReference(referenceIn(await client.say('Yes, send it')));
      assert.equal(declined?.sharing?.agreed, false);
      assert.equal(declined?.sharing?.body, 'rotherham-asb-team');

      const again = new BotClient(t.url);
      await play(again, [
        ['report noise', /Where/],
        ['Clifton Park', /When/],
        ['earlier today', /danger/],
        ['no', /describe/],
        ['Shouting at 2am', /anonymously/],
        ['Give my contact details', /What is your name/],
        ['Dev Khan', /contact you/],
        ['phone', /phone number/],
        ['0114 496 0999', /best time/],
        ['any time', /share your name/],
        ['no', /Do you agree/],
        ['yes', /: No/],
        ['Change something', /What would you like to change/],
        ['Sharing my details', /share your name and contact details/],
        ['yes', [/: Yes/, /Shall I send this/]],
      ]);
      const changed = await t.app.store.referrals.getByReference(referenceIn(await again.say('Yes, send it')));
      assert.equal(changed?.sharing?.agreed, true);
    });

    it('when the report is anonymous, then no contact details are asked for or stored', async () => {
      const client = new BotClient(t.url);
      await play(client, [
        ['I want to report anti-social behaviour', /What kind of problem/],
        ['Drug activity', /Where/],
        ['the alley behind Main Street', /When/],
        ['earlier today', /danger/],
        ['no', /describe/],
        ['People dealing from a car', /anonymously/],
        ['Report anonymously', /sharing it with the community safety team/],
        ['yes', [/Anonymous: Yes/, /Shall I send this/]],
      ]);
      const reply = await client.say('yes');
      assert.match(reply, /we will not contact you/);
      const referral = await t.app.store.referrals.getByReference(referenceIn(reply));
      assert.deepEqual(referral?.contact, { anonymous: true });
      assert.equal(referral?.ward.source, 'unknown');
      assert.equal(referral?.sharing, undefined, 'an anonymous reporter is never asked about sharing');
    });

    it('when someone is in danger and the resident wants it kept, then they are told to call 999 and an urgent partial report is saved', async () => {
      const client = new BotClient(t.url);
      const reply = await play(client, [
        ['report noise', /Where/],
        ['Flat 3, Clifton Court', /When/],
        ['now', /anyone in danger right now/],
        ['yes', [/call 999 now/i, /keep what you have told us/]],
        ['yes', /urgent report/],
      ]);
      const referral = await t.app.store.referrals.getByReference(referenceIn(reply));
      assert.ok(referral);
      assert.equal(referral.urgent, true);
      assert.equal(referral.partial, true);
      assert.deepEqual(referral.urgencyReasons, ['danger']);
      assert.deepEqual(referral.contact, { anonymous: true });
      assert.equal(referral.slaDueAt, '2026-11-16T12:00:00.000Z');
    });

    it('when someone is in danger and the resident does not want it kept, then nothing is saved', async () => {
      const client = new BotClient(t.url);
      await play(client, [
        ['report noise', /Where/],
        ['Clifton Park', /When/],
        ['now', /danger/],
        ['yes', /999/],
        ['no', /nothing has been saved/],
      ]);
      assert.equal(await t.app.store.referrals.count(), 0);
    });
  });

  describe('idempotent submission', () => {
    it('when the final "yes" arrives twice at once (a client retry), then there is exactly one referral and one reference', async () => {
      const client = new BotClient(t.url);
      await play(client, befriendingToSummary);
      const replies = await Promise.all([client.say('Yes, send it'), client.say('Yes, send it')]);
      assert.equal(await t.app.store.referrals.count(), 1);
      const references = new Set(replies.flatMap((r) => r.match(/HUB-[0-9A-Z]{6}/g) ?? []));
      assert.equal(references.size, 1, `both replies name the same reference: ${replies.join(' | ')}`);
    });

    it('when the journey has ended and the resident says yes again, then no second referral is made', async () => {
      const client = new BotClient(t.url);
      await play(client, befriendingToSummary);
      referenceIn(await client.say('yes'));
      const again = await client.say('yes');
      assert.match(again, /What would you like help with/);
      assert.equal(await t.app.store.referrals.count(), 1);
    });
  });
});
