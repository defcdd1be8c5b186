/**
 * The summary before submission renders per channel: an Adaptive Card (FactSet) on web chat, plain lines of text on
 * SMS and the Emulator. The flow, the question after it and the referral are the same on every channel.
 */
import assert from 'node:assert/strict';
import { escapeMarkdown, summaryCard, summaryMessage } from '../dialogs/summaryCard';
import { BotClient } from './support/botClient';
import { startTestApp, type TestApp } from './support/testApp';
import { play, referenceIn, type Turn } from './support/transcript';

const toConsent: Turn[] = [
  ['I feel lonely', /for you, or for someone else/i],
  ['For me', /What is your name/],
  ['Margaret Hall', /contact you/],
  ['Phone call', /phone number/],
  ['07700 900123', /best time/],
  ['Morning', /postcode/],
  ['s60 9zz', /What would you enjoy/],
  ['1 and 3', /anything that would help/i],
  ['no', /Do you agree/],
];

interface CardReply {
  text?: string;
  attachments?: { contentType: string; content: { body: { type: string; facts?: { title: string; value: string }[] }[]; fallbackText?: string } }[];
}

describe('summary before submission, per channel', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('when the resident is on web chat, then the summary is an Adaptive Card with a fact per answer and the same question follows', async () => {
    const client = new BotClient(t.url, { channelId: 'webchat' });
    await play(client, toConsent);
    const reply = await client.say('yes');
    assert.match(reply, /Shall I send this to the hub\?/);
    const summary = client.lastReplies[0] as CardReply;
    assert.equal(summary.text, 'Please check this is right:');
    assert.equal(summary.attachments?.[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    const facts = summary.attachments?.[0]?.content.body.find((b) => b.type === 'FactSet')?.facts ?? [];
    assert.deepEqual(Object.fromEntries(facts.map((f) => [f.title, f.value])), {
      'For:': 'For me',
      'Name:': 'Margaret Hall',
      'Contact by:': 'Phone call',
      'Phone:': '07700 900123',
      'Best time:': 'Morning',
      'Postcode:': 'S60 9ZZ',
      'Would enjoy:': 'A regular phone call, Groups and activities nearby',
      'Other needs:': 'None',
    });
    const reference = referenceIn(await client.say('Yes, send it'));
    assert.equal((await t.app.store.referrals.getByReference(reference))?.channel, 'webchat');
  });

  for (const channelId of ['sms', 'emulator']) {
    it(`when the resident is on ${channelId}, then the summary is plain text lines with no card`, async () => {
      const client = new BotClient(t.url, { channelId });
      await play(client, toConsent);
      await client.say('yes');
      const summary = client.lastReplies[0] as CardReply;
      assert.match(summary.text ?? '', /^Please check this is right:\nFor: For me\nName: Margaret Hall\n/);
      assert.equal(summary.attachments?.length ?? 0, 0);
    });
  }

  it('when an answer contains markdown, then the card shows it as typed rather than as a link, a list or bold text', () => {
    assert.equal(escapeMarkdown('[click](http://example.org)'), '\\[click\\]\\(http://example.org\\)');
    assert.equal(escapeMarkdown('**loud**'), '\\*\\*loud\\*\\*');
    assert.equal(escapeMarkdown('1. first'), '1\\. first');
    assert.equal(escapeMarkdown('- a dash'), '\\- a dash');
    assert.equal(escapeMarkdown('Flat 2-3, S60 1AE'), 'Flat 2-3, S60 1AE');
  });

  it('when a card is sent, then its fallback text is the same summary SMS would get', () => {
    const lines = [['Name', 'Ann'], ['Postcode', 'S60 1AE']] as const;
    assert.equal(summaryMessage('sms', lines).text, 'Please check this is right:\nName: Ann\nPostcode: S60 1AE');
    assert.equal((summaryCard(lines).content as { fallbackText: string }).fallbackText, 'Please check this is right:\nName: Ann\nPostcode: S60 1AE');
  });
});
