/**
 * The benchmarks' diagnostics channel, preloaded (`node --expose-gc --require bench/gcChannel.cjs ...`) into the
 * server under test: bench/server.ts, or the production entry point itself (dist/bot/index.js, bot/index.ts), which
 * stays unchanged. It exists only in processes the benchmarks start, never in `npm start` or the image.
 *   `gc` on stdin: collect garbage (twice: the second pass frees what the first one's finalisers released), wait
 *     until RSS settles, then answer with one line `gc-memory {process.memoryUsage()}` on stdout. Waiting matters:
 *     V8 returns the pages a collection freed from background threads just after it, and RSS read at once was
 *     about 70 MiB higher than 100 ms later (2,000 conversations in progress, compiled server).
 *   `snapshot PATH` on stdin: write a V8 heap snapshot to PATH after a collection, then answer `gc-snapshot PATH`.
 *   `stats` on stdin: answer `loop-stats {...}` with the event-loop delay (perf_hooks monitorEventLoopDelay) and the
 *     garbage collection pauses since the last `stats`, then count afresh: where tail latency comes from.
 * Answers start with a marker because the entry point writes its own lines (its banner, its logs) to stdout too.
 */
'use strict';
const readline = require('node:readline');
const v8 = require('node:v8');
const { monitorEventLoopDelay, PerformanceObserver } = require('node:perf_hooks');

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const pauses = { count: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    pauses.count += 1;
    pauses.totalMs += entry.duration;
    pauses.maxMs = Math.max(pauses.maxMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

function collect() {
  const gc = globalThis.gc;
  if (typeof gc === 'function') {
    gc();
    gc();
  }
}

const MiB = 1024 * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Samples RSS every 100 ms, from 0.5 s on, until it has stayed within 0.5 MiB for 3 samples (at most 5 s). */
async function settle() {
  let last = process.memoryUsage.rss();
  let steady = 0;
  for (let i = 0; i < 50; i += 1) {
    await sleep(100);
    const now = process.memoryUsage.rss();
    steady = Math.abs(now - last) < MiB / 2 ? steady + 1 : 0;
    last = now;
    if (i >= 4 && steady >= 3) return;
  }
}

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  const [command, arg] = line.trim().split(/\s+/, 2);
  if (command === 'gc') {
    collect();
    await settle();
    process.stdout.write(`gc-memory ${JSON.stringify(process.memoryUsage())}\n`);
  } else if (command === 'stats') {
    const ms = (ns) => ns / 1e6;
    const stats = { loopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) }, gc: { ...pauses } };
    loopDelay.reset();
    Object.assign(pauses, { count: 0, totalMs: 0, maxMs: 0 });
    process.stdout.write(`loop-stats ${JSON.stringify(stats)}\n`);
  } else if (command === 'snapshot' && arg) {
    collect();
    v8.writeHeapSnapshot(arg);
    process.stdout.write(`gc-snapshot ${arg}\n`);
  }
});
