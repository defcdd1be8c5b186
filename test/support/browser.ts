/**
 * Browser tests drive Debian's chromium through playwright-core (no browser download), and the resident chat page
 * through what a resident sees: suggested-action buttons, the send box and the messages in the transcript.
 */
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { PageGlobals } from './pageTypes';
import type { WebChatStep } from './webChatJourney';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What went wrong in the page that a resident would not see: console errors, CSP violations, uncaught errors. */
export interface PageProblems {
  console: string[];
  csp: string[];
  errors: string[];
}

export async function openChat(context: BrowserContext, url: string): Promise<{ page: Page; problems: PageProblems; sockets: string[] }> {
  const page = await context.newPage();
  const problems: PageProblems = { console: [], csp: [], errors: [] };
  const sockets: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.console.push(m.text());
    if (m.text().startsWith('CSP violation')) problems.csp.push(m.text());
  });
  page.on('pageerror', (e) => problems.errors.push(e.message));
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.addInitScript(() => {
    const w = globalThis as unknown as PageGlobals;
    w.document.addEventListener('securitypolicyviolation', (e) => {
      w.console.info(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(url);
  return { page, problems, sockets };
}

/** The message bubbles in the transcript (not Web Chat's hidden screen-reader copies). */
export function bubbles(page: Page, text: RegExp): Locator {
  return page.locator('.webchat__basic-transcript .webchat__bubble').filter({ hasText: text });
}

export function suggestedAction(page: Page, label: string): Locator {
  return page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name: label, exact: true });
}

export function sendBox(page: Page): Locator {
  return page.locator('[data-id="webchat-sendbox-input"]');
}

/** Does one step as a resident would, then waits for a new bubble with the bot's next question. */
export async function doStep(page: Page, step: WebChatStep): Promise<string> {
  const answers = bubbles(page, step.expect);
  const before = await answers.count();
  if (step.how === 'click') {
    await suggestedAction(page, step.send).click();
  } else {
    await sendBox(page).fill(step.send);
    await sendBox(page).press('Enter');
  }
  const reply = answers.nth(before);
  await reply.waitFor();
  return (await reply.textContent()) ?? '';
}
