/**
 * Run in a fresh process by test/lazyModules.test.ts (a mocha process may have loaded these modules already): starts
 * the real app, plays turns that need each lazily loaded module, and prints one JSON line of what was loaded when.
 */
import { deferredModules } from '../../bot/lazyModules';
import { BotClient } from './botClient';
import { languageSamples } from './languageSamples';
import { startTestApp } from './testApp';

function loaded(): Record<string, boolean> {
  const state: Record<string, boolean> = Object.fromEntries([...deferredModules].map(([name, r]) => [name, r.loaded]));
  state['franc-all'] = Object.keys(require.cache).some((file) => file.includes(`${'/node_modules/'}franc-all/`));
  return state;
}

async function main(): Promise<void> {
  const t = await startTestApp();
  const report: { step: string; reply: string; loaded: Record<string, boolean> }[] = [{ step: 'started', reply: '', loaded: loaded() }];
  try {
    const client = new BotClient(t.url);
    for (const text of ['I feel lonely', 'the second', 'yes']) report.push({ step: text, reply: await client.say(text), loaded: loaded() });
    const polish = languageSamples.pl[0] as string;
    report.push({ step: 'polish', reply: await new BotClient(t.url).say(polish), loaded: loaded() });
  } finally {
    await t.stop();
  }
  // With an app id, Bot Service tokens are checked: a request without one, or with a forged one, is refused.
  const authed = await startTestApp({ env: { MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'not-a-real-password' } });
  try {
    const activity = { type: 'message', id: 'a1', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9', conversation: { id: 'c1' }, from: { id: 'u1' }, recipient: { id: 'bot' }, text: 'hello' };
    const statuses: number[] = [];
    for (const authorization of [undefined, 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJub2JvZHkifQ.c2lnbmF0dXJl']) {
      const res = await fetch(`${authed.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(activity),
      });
      statuses.push(res.status);
    }
    report.push({ step: 'app id', reply: statuses.join(','), loaded: loaded() });
  } finally {
    await authed.stop();
  }
  // Last, as it loads every deferred module: does each stand-in answer `__esModule` as the real module has it?
  const esModule = Object.fromEntries([...deferredModules].map(([name, r]) => [name, r.esModule()]));
  process.stdout.write(`${JSON.stringify({ report, esModule })}\n`);
}

void main();
