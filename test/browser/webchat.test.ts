/**
 * The resident chat page in a real browser (Debian's chromium): Microsoft's Web Chat against this server's embedded
 * Direct Line, over WebSocket and over polling, across a reload, with the keyboard only, and scanned with axe for
 * WCAG 2.2 AA.
 */
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bubbles, doStep, launchChromium, openChat, sendBox, suggestedAction, type PageProblems } from '../support/browser';
import type { PageGlobals } from '../support/pageTypes';
import { startTestApp, type TestApp } from '../support/testApp';
import { befriendingSteps, GREETING, REFERENCE } from '../support/webChatJourney';

const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  return result.violations.map((v) => `${v.id} (${v.impact ?? '?'}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function savedConversationId(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    const saved = JSON.parse(w.sessionStorage.getItem('communityHub.webChat.v1') ?? 'null') as { conversationId?: string } | null;
    return saved?.conversationId;
  });
}

function assertNoProblems(problems: PageProblems): void {
  assert.deepEqual(problems, { console: [], csp: [], errors: [] });
}

describe('resident chat page in a browser', function () {
  this.timeout(120_000);
  let browser: Browser;
  let t: TestApp;
  let context: BrowserContext;

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser.close();
  });
  beforeEach(async () => {
    t = await startTestApp();
    context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  });
  afterEach(async () => {
    await context.close();
    await t.stop();
  });

  for (const transport of ['websocket', 'polling'] as const) {
    const query = transport === 'polling' ? '?transport=polling' : '';

    it(`over ${transport}, a resident completes the befriending journey by clicking and typing, sees their reference, and the referral is in the store`, async () => {
      const { page, problems, sockets } = await openChat(context, `${t.url}/${query}`);
      await bubbles(page, GREETING).waitFor();
      let last = '';
      for (const step of befriendingSteps) last = await doStep(page, step);

      const reference = REFERENCE.exec(last)?.[0];
      assert.ok(reference, `no reference in: ${last}`);
      const referral = await t.app.store.referrals.getByReference(reference);
      assert.ok(referral, `${reference} is not in the store`);
      assert.equal(referral.kind, 'befriending');
      assert.equal(referral.channel, 'webchat');
      assert.equal(referral.conversationId, await savedConversationId(page));
      assert.deepEqual(referral.contact, { anonymous: false, name: 'Margaret Hall', method: 'phone', phone: '07700 900123', bestTime: 'morning' });

      const streams = sockets.filter((url) => url.includes('/v3/directline/conversations/'));
      assert.equal(streams.length, transport === 'websocket' ? 1 : 0, `WebSockets opened: ${sockets.join(', ')}`);
      assertNoProblems(problems);
    });

    it(`over ${transport}, when the page is reloaded mid-journey, then the conversation comes back and can be finished`, async () => {
      const { page, problems } = await openChat(context, `${t.url}/${query}`);
      await bubbles(page, GREETING).waitFor();
      for (const step of befriendingSteps.slice(0, 5)) await doStep(page, step);
      const conversationId = await savedConversationId(page);

      await page.reload();
      await bubbles(page, /When is the best time to get in touch\?/).waitFor();
      await suggestedAction(page, 'Morning').waitFor();
      assert.equal(await bubbles(page, GREETING).count(), 1, 'the old conversation is replayed, not a new one started');
      assert.equal(await bubbles(page, /^Margaret Hall$/).count(), 1);

      let last = '';
      for (const step of befriendingSteps.slice(5)) last = await doStep(page, step);
      const reference = REFERENCE.exec(last)?.[0] ?? '';
      const referral = await t.app.store.referrals.getByReference(reference);
      assert.equal(referral?.conversationId, conversationId);
      assert.equal(await t.app.store.referrals.count(), 1);
      assertNoProblems(problems);
    });
  }

  it('an axe scan for WCAG 2.2 AA finds no violations before or during a conversation', async () => {
    const { page } = await openChat(context, `${t.url}/`);
    await suggestedAction(page, 'Someone to talk to').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'before the conversation');

    for (const step of befriendingSteps.slice(0, -1)) await doStep(page, step);
    await suggestedAction(page, 'Yes, send it').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'at the summary card');

    await doStep(page, befriendingSteps[befriendingSteps.length - 1] as (typeof befriendingSteps)[number]);
    assert.deepEqual(await axeViolations(page), [], 'after the reference');
  });

  it('at 320 CSS pixels wide (400% zoom on a laptop) the page and the chat reflow without sideways scrolling', async () => {
    await context.close();
    context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const { page } = await openChat(context, `${t.url}/`);
    await bubbles(page, GREETING).waitFor();
    await doStep(page, befriendingSteps[0] as (typeof befriendingSteps)[number]);
    await suggestedAction(page, 'For someone else').waitFor();
    const widths = await page.evaluate(() => {
      const { documentElement } = (globalThis as unknown as PageGlobals).document;
      return [documentElement.scrollWidth, documentElement.clientWidth];
    });
    assert.deepEqual(widths, [320, 320]);
    const height = (await suggestedAction(page, 'For someone else').boundingBox())?.height ?? 0;
    assert.ok(height >= 44, `buttons are ${height}px tall`);
    assert.deepEqual(await axeViolations(page), []);
  });

  it('a resident using only the keyboard can skip to the chat, choose a suggested action and type a reply, with focus always visible', async () => {
    const { page } = await openChat(context, `${t.url}/`);
    await suggestedAction(page, 'Someone to talk to').waitFor();

    const focused = () =>
      page.evaluate(() => {
        const w = globalThis as unknown as PageGlobals;
        const e = w.document.activeElement;
        if (!e || e.tagName === 'BODY') return { tag: 'BODY', text: '', dataId: null, id: '', visible: true };
        const style = w.getComputedStyle(e);
        return {
          tag: e.tagName,
          text: (e.textContent ?? '').trim(),
          dataId: e.getAttribute('data-id'),
          id: e.id,
          visible: (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none',
        };
      });
    type Focus = Awaited<ReturnType<typeof focused>>;
    const tabTo = async (matches: (f: Focus) => boolean, what: string, key: 'Tab' | 'Shift+Tab' = 'Tab') => {
      for (let i = 0; i < 25; i++) {
        await page.keyboard.press(key);
        const f = await focused();
        assert.ok(f.visible, `focus is not visible on ${f.tag} "${f.text.slice(0, 60)}"`);
        if (matches(f)) return;
      }
      assert.fail(`could not ${key} to ${what}`);
    };
    const inSendBox = (f: Focus) => f.dataId === 'webchat-sendbox-input';

    await page.keyboard.press('Tab');
    assert.equal((await focused()).text, 'Skip to the chat');
    await page.keyboard.press('Enter');
    assert.equal((await focused()).id, 'chat-heading');

    await tabTo((f) => f.text === 'Someone to talk to', 'the first suggested action');
    await page.keyboard.press('Enter');
    await bubbles(page, /Is this for you, or for someone else\?/).waitFor();
    // Web Chat puts focus in the send box after a choice, so the resident can type at once…
    assert.ok(inSendBox(await focused()), 'focus is in the send box after choosing');
    // …and the new choices are just before it.
    await tabTo((f) => f.text === 'For me', 'the "For me" suggested action', 'Shift+Tab');
    await page.keyboard.press('Space');
    await bubbles(page, /What is your name\?/).waitFor();

    await tabTo(inSendBox, 'the send box');
    await page.keyboard.type('Margaret Hall');
    await page.keyboard.press('Enter');
    await bubbles(page, /How would you like the hub to contact you\?/).waitFor();
    await bubbles(page, /^Margaret Hall$/).waitFor();
  });

  it('when the bot replies, then the reply is put in a polite live region for screen readers', async () => {
    const { page } = await openChat(context, `${t.url}/`);
    const live = page.locator('[aria-live="polite"].webchat__live-region-transcript');
    await live.filter({ hasText: GREETING }).waitFor({ state: 'attached' });
    await suggestedAction(page, 'Someone to talk to').click();
    await live.filter({ hasText: /Is this for you, or for someone else\?/ }).waitFor({ state: 'attached' });
    assert.equal(await live.getAttribute('role'), 'log');
  });

  it('when the resident chooses "Start again", then a new conversation begins and the old one is cleared from the page', async () => {
    const { page, problems } = await openChat(context, `${t.url}/`);
    await bubbles(page, GREETING).waitFor();
    await doStep(page, befriendingSteps[0] as (typeof befriendingSteps)[number]);
    const first = await savedConversationId(page);

    await page.getByRole('button', { name: 'Start again' }).click();
    await page.getByRole('status').filter({ hasText: 'A new conversation has started.' }).waitFor();
    await bubbles(page, GREETING).waitFor();
    assert.equal(await bubbles(page, /Is this for you, or for someone else\?/).count(), 0);
    assert.equal(await bubbles(page, GREETING).count(), 1);
    const second = await savedConversationId(page);
    assert.ok(second && second !== first, 'a new conversation id is saved');
    await sendBox(page).fill('I feel lonely');
    await sendBox(page).press('Enter');
    await bubbles(page, /Is this for you, or for someone else\?/).waitFor();
    assertNoProblems(problems);
  });
});
