/**
 * The server under test, in its own process so the load generator and the Twilio stand-in do not share its event
 * loop. `--bot echo` swaps in the echo bot baseline. Prints one JSON line with its URL, exits on SIGTERM.
 * bench/spawnServer.ts preloads the benchmarks' diagnostics channel (bench/gcChannel.cjs: `gc` on stdin).
 */
import pino from 'pino';
import { createApp } from '../bot/composition';
import { loadConfig } from '../bot/config';
import { startServer } from '../bot/server';
import { EchoBot } from './support';

async function main(): Promise<void> {
  const echo = process.argv.includes('--bot') && process.argv[process.argv.indexOf('--bot') + 1] === 'echo';
  const app = await createApp(loadConfig(), { logger: pino({ level: 'silent' }), ...(echo ? { bot: new EchoBot() } : {}) });
  // The embedded Direct Line's per-conversation limit (60 a minute, a person's pace) would refuse a load generator;
  // the limiter still runs, with limits no benchmark reaches.
  const server = await startServer(app, { port: 0, webChat: { messagesPerMinute: 1_000_000, conversationsPerMinute: 1_000_000 } });
  process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);
  process.on('SIGTERM', () => {
    void server.close().then(() => app.close()).then(() => process.exit(0));
  });
}

void main();
