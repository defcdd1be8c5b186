/**
 * The server under test, in its own process so the load generator and the Twilio stand-in do not share its event
 * loop. `--bot echo` swaps in the echo bot baseline. Prints one JSON line with its URL, exits on SIGTERM.
 * A line `gc` on stdin collects garbage (node --expose-gc) and answers with one JSON line of process.memoryUsage():
 * A line `stats` answers with one JSON line of event-loop delay (perf_hooks monitorEventLoopDelay) and garbage
 * collection pauses since the last `stats`, then starts counting afresh: where tail latency comes from.
 * The benchmarks' diagnostics channel, which exists only in this bench process, never in `npm start`.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import readline from 'node:readline';
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
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count += 1;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'stats') {
      const ms = (ns: number): number => ns / 1e6;
      const stats = {
        loopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
        gc: { ...gc },
      };
      loopDelay.reset();
      Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0 });
      process.stdout.write(`${JSON.stringify(stats)}\n`);
      return;
    }
    if (line.trim() !== 'gc') return;
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    collect?.(); // a second pass frees what the first one's finalisers released
    process.stdout.write(`${JSON.stringify(process.memoryUsage())}\n`);
  });
  process.on('SIGTERM', () => {
    void server.close().then(() => app.close()).then(() => process.exit(0));
  });
}

void main();
