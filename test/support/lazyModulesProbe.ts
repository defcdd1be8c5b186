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
    for (const text of ['I feel lonely', '2', 'yes']) report.push({ step: text, reply: await client.say(text), loaded: loaded() });
    const polish = languageSamples.pl[0] as string;
    report.push({ step: 'polish', reply: await new BotClient(t.url).say(polish), loaded: loaded() });
  } finally {
    await t.stop();
  }
  // Last, as it loads every deferred module: does each stand-in answer `__esModule` as the real module has it?
  const esModule = Object.fromEntries([...deferredModules].map(([name, r]) => [name, r.esModule()]));
  process.stdout.write(`${JSON.stringify({ report, esModule })}\n`);
}

void main();
