/**
 * The staff console in a real browser (Debian's chromium through playwright-core): sign in, pick up the next
 * referral, add a note, close it with an outcome; and an axe scan of the queue and referral pages for WCAG 2.2 AA.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { TEST_PASSWORD, createStaff } from './support/hubClient';
import { makeReferral, numbered } from './support/referralFactory';
import { startTestApp, type TestApp } from './support/testApp';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Screenshots for a person to look at; not compared by the test. */
const SHOTS = path.join(__dirname, '..', 'tmp', 'screenshots');

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

describe('the staff console in a browser', function () {
  this.timeout(60_000);
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    if (!existsSync(CHROMIUM)) this.skip();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  after(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    t = await startTestApp();
    await createStaff(t.app, 'hub-worker', 'worker@example.org');
    await t.app.store.referrals.insertIfAbsent(makeReferral({ ...numbered(1), createdAt: '2026-11-16T08:00:00.000Z', slaDueAt: '2026-11-16T09:00:00.000Z' }));
    await t.app.store.referrals.insertIfAbsent(
      makeReferral({
        ...numbered(2),
        createdAt: '2026-11-16T09:30:00.000Z',
        urgent: true,
        urgencyReasons: ['safeguarding'],
        contact: { anonymous: false, name: 'Edith Pond', method: 'sms', phone: '07700 900777', bestTime: 'evening' },
      }),
    );
    await t.app.store.referrals.insertIfAbsent(makeReferral({ ...numbered(3), kind: 'asb', answers: makeReferral({ kind: 'asb' }).answers, contact: { anonymous: true } }));
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
    await t.stop();
  });

  async function signIn(): Promise<void> {
    await page.goto(`${t.url}/hub`);
    await page.getByLabel('Email address').fill('worker@example.org');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Referral queue' }).waitFor();
  }

  it('when a worker signs in, picks up the next referral, adds a note and closes it with an outcome, then it is closed with that outcome', async () => {
    await signIn();
    assert.equal(await page.locator('[data-count="new"]').textContent(), '3');

    await page.getByRole('button', { name: 'Pick up next referral' }).click();
    await page.getByRole('heading', { name: /Referral HUB-000002/ }).waitFor();
    assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /You have claimed this referral/);
    assert.match((await page.locator('main').textContent()) ?? '', /Edith Pond/);

    await page.getByLabel('Add a note').fill('Rang Edith, she would like a weekly call.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Note added.').waitFor();
    assert.match((await page.locator('.hub-notes').textContent()) ?? '', /weekly call/);

    await page.getByLabel('Closed').check();
    await page.getByLabel(/Outcome/).selectOption('befriender-matched');
    await page.getByRole('button', { name: 'Update status' }).click();
    await page.getByText('Status updated.').waitFor();

    const stored = await t.app.store.referrals.get('referral-2');
    assert.equal(stored?.status, 'closed');
    assert.equal(stored?.outcome, 'befriender-matched');
    assert.equal(stored?.notes[0]?.text, 'Rang Edith, she would like a weekly call.');
    assert.match((await page.locator('main').textContent()) ?? '', /Matched with a befriender/);
  });

  it('when closing without an outcome, then the page says so and the referral stays open', async () => {
    await signIn();
    await page.getByRole('button', { name: 'Pick up next referral' }).click();
    await page.getByLabel('Closed').check();
    await page.getByRole('button', { name: 'Update status' }).click();

    await page.locator('.govuk-error-summary').waitFor();
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Choose an outcome/);
    assert.equal((await t.app.store.referrals.get('referral-2'))?.status, 'claimed');
  });

  it('when the holder chooses a ward from the list and gives a reason, then the referral is in that ward; the form and its error pass axe', async () => {
    await signIn();
    await page.getByRole('button', { name: 'Pick up next referral' }).click();
    await page.getByRole('heading', { name: /Referral HUB-000002/ }).waitFor();

    await page.getByRole('button', { name: 'Change ward' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Choose a ward/);
    assert.deepEqual(await axeViolations(page), []);

    await page.getByLabel('Ward', { exact: true }).selectOption({ label: 'Maltby East' });
    await page.getByLabel('Reason', { exact: true }).fill('Resident confirmed their address on the phone.');
    await page.getByRole('button', { name: 'Change ward' }).click();
    await page.getByText('Ward updated.').waitFor();

    const stored = await t.app.store.referrals.get('referral-2');
    assert.deepEqual(stored?.ward, { code: 'E05013006', name: 'Maltby East', source: 'staff' });
    assert.match((await page.locator('main').textContent()) ?? '', /Maltby East \(set by staff\)/);
    assert.match((await page.locator('main table').last().textContent()) ?? '', /Resident confirmed their address on the phone\./);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'referral-ward.png'), fullPage: true });
    assert.deepEqual(await axeViolations(page), []);
  });

  it('when a resident submits a referral while the queue is open, then it appears without a reload', async () => {
    await signIn();
    await page.locator('body').click({ position: { x: 1, y: 1 } });

    await t.app.referrals.submitReferral(
      {
        kind: 'cost-of-living',
        answers: { kind: 'cost-of-living', needs: ['food'], postcode: 'S60 1AE', signposted: [], notes: null },
        contact: { anonymous: false, name: 'Live Resident', method: 'phone', phone: '07700 900555', bestTime: 'any' },
        consent: { given: true, wordingVersion: 'privacy-v1', at: t.clock.now().toISOString() },
        channel: 'test',
        conversationId: 'conversation-live',
        urgencyReasons: ['danger'],
      },
      'conversation-live:1',
    );

    await page.locator('#hub-live-note').getByText(/New urgent referral HUB-/).waitFor();
    await page.locator('[data-count="new"]').getByText('4').waitFor();
    assert.equal(await page.locator('.hub-queue tbody tr').count(), 4);
  });

  it('when the queue and a referral page are scanned with axe, then there are no WCAG 2.2 AA violations', async () => {
    await signIn();
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'queue.png'), fullPage: true });
    assert.deepEqual(await axeViolations(page), []);

    await page.getByRole('link', { name: 'HUB-000002' }).click();
    await page.getByRole('heading', { name: /Referral HUB-000002/ }).waitFor();
    await page.getByRole('button', { name: 'Claim this referral' }).click();
    await page.getByText('You have claimed this referral.').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'referral.png'), fullPage: true });
    assert.deepEqual(await axeViolations(page), []);

    await page.goto(`${t.url}/hub/login`);
    await context.clearCookies();
    await page.goto(`${t.url}/hub/login`);
    assert.deepEqual(await axeViolations(page), []);
  });
});
