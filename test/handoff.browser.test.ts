/**
 * The worker's side of a live handoff in a real browser (Debian's chromium through playwright-core): sign in, see the
 * resident waiting, accept, see their next text arrive live (server-sent events, no reload), reply, end; and an axe
 * scan of the live chat page. The resident is on SMS, with Twilio played by a local stand-in.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './support/browser';
import { TEST_PASSWORD, createStaff } from './support/hubClient';
import { Phone, startSmsHarness, type SmsHarness } from './support/smsHarness';

describe('live chat in the staff console, in a browser', function () {
  this.timeout(90_000);
  let h: SmsHarness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    if (!existsSync(CHROMIUM)) this.skip();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    h = await startSmsHarness();
    await createStaff(h.t.app, 'hub-worker', 'worker@example.org');
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
    await h.stop();
  });

  /** The page's EventSource has connected to the chat's stream (so a message now is pushed, not missed). */
  async function streamOpen(handoffId: string): Promise<void> {
    assert.equal(await page.locator('#handoff-transcript').getAttribute('data-stream-url'), `/api/hub/handoffs/${handoffId}/events`);
    while ((h.t.app.handoffStream.subscriberCount(handoffId) ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  it('when a resident texts for a person, then a worker signs in, sees them waiting, accepts, receives their next text live, replies and ends the chat', async () => {
    const phone = new Phone(h);
    await phone.text('speak to a person');

    await page.goto(`${h.t.url}/hub`);
    await page.getByLabel('Email address').fill('worker@example.org');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Live chats' }).click();
    await page.getByRole('heading', { name: 'Live chats' }).waitFor();
    const row = page.locator('#handoff-list tbody tr');
    assert.equal(await row.count(), 1);
    assert.match((await row.textContent()) ?? '', /Text message[\s\S]*Waiting[\s\S]*Nobody yet/);

    await row.getByRole('link', { name: /Open/ }).click();
    await page.getByRole('button', { name: 'Accept this chat' }).click();
    await page.getByText('You have accepted this chat').waitFor();
    const [handoff] = await h.t.app.store.handoffs.list();
    assert.equal(handoff?.status, 'active');
    await h.t.app.sms?.channel.idle();
    assert.match(phone.newReplies().join('\n'), /A hub worker has joined/);

    await streamOpen(handoff?.id ?? '');
    assert.equal(await phone.text('Thank you, I need help with my rent'), '', 'the bot says nothing');
    await page.locator('#handoff-transcript').getByText('Thank you, I need help with my rent').waitFor();

    await page.getByLabel('Your message').fill('Hello, I am Sam. I can help with that.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Message sent.').waitFor();
    await h.t.app.sms?.channel.idle();
    assert.deepEqual(phone.newReplies(), ['Hello, I am Sam. I can help with that.']);

    const violations = (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze()).violations;
    assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);

    await page.getByRole('button', { name: 'End chat' }).click();
    await page.getByText('Chat ended.').waitFor();
    await h.t.app.sms?.channel.idle();
    assert.match(phone.newReplies().join('\n'), /ended the chat/);
    assert.equal((await h.t.app.store.handoffs.get(handoff?.id ?? ''))?.endReason, 'worker');
  });
});
