/**
 * Resident memory with many conversations in progress: 10,000 residents each part-way through the befriending
 * journey (started it, and waiting at "Is this for you, or for someone else?") over POST /api/messages; with
 * MEMORY_BENCH_TURNS=2 one step further (waiting at "What is your name?"), at twice the run time. Against the same
 * server process
 * idle (started, no conversation yet). Both are read after a garbage collection in the server process
 * (bench/server.ts answers `gc` on stdin with process.memoryUsage()), and RSS also from /proc/<pid>/status VmRSS.
 * DESIGN.md: under 150 MB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnServer, type ServerMemory } from './spawnServer';
import { fmt, out, table } from './support';

const MiB = 1024 * 1024;
const STEPS: [text: string, expect: RegExp][] = [
  ['I feel lonely', /for you, or for someone else/i],
  ['For me', /What is your name/],
];

async function say(url: string, conversationId: string, [text, expect]: [string, RegExp]): Promise<void> {
  const res = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `${conversationId}-${text}`,
      channelId: 'emulator',
      serviceUrl: 'http://127.0.0.1:9',
      conversation: { id: conversationId },
      from: { id: `resident-${conversationId}`, role: 'user' },
      recipient: { id: 'community-hub-bot', role: 'bot' },
      deliveryMode: 'expectReplies',
      text,
    }),
  });
  const body = (await res.json()) as { activities?: { text?: string }[] };
  if (res.status !== 200) throw new Error(`/api/messages answered ${res.status}`);
  if (!expect.test((body.activities ?? []).map((a) => a.text ?? '').join('\n'))) throw new Error(`conversation ${conversationId} is not where it should be`);
}

export async function runMemoryBench(): Promise<void> {
  const conversations = Number(process.env.MEMORY_BENCH_CONVERSATIONS ?? 10_000);
  const TURNS = STEPS.slice(0, Math.min(STEPS.length, Math.max(1, Number(process.env.MEMORY_BENCH_TURNS ?? 1))));
  const concurrency = 32;
  out(`Memory with ${conversations.toLocaleString('en-GB')} conversations in progress (/api/messages, befriending, ${TURNS.length} turn(s) each), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-memory-'));
  const server = await spawnServer({ DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent', HASH_SECRET: 'bench-hash-secret-0123456789abcdef0123456789' });
  try {
    await new Promise((resolve) => setTimeout(resolve, 500)); // let start-up work settle
    const idle = await server.memoryAfterGc();
    const idleVmRss = server.rssMiB();

    const started = performance.now();
    let next = 0;
    let peakVmRss = idleVmRss;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < conversations) {
          const id = `memory-${next++}`;
          for (const step of TURNS) await say(server.url, id, step);
          if (next % 500 === 0) peakVmRss = Math.max(peakVmRss, server.rssMiB());
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    peakVmRss = Math.max(peakVmRss, server.rssMiB());
    const loaded = await server.memoryAfterGc();
    const loadedVmRss = server.rssMiB();

    const row = (name: string, m: ServerMemory, vmRss: number) => [name, fmt(vmRss), fmt(m.rss / MiB), fmt(m.heapUsed / MiB), fmt(m.heapTotal / MiB), fmt(m.external / MiB)];
    out(
      table([
        ['server', 'VmRSS MiB', 'rss after GC MiB', 'heap used MiB', 'heap total MiB', 'external MiB'],
        row('idle (baseline)', idle, idleVmRss),
        row(`${conversations} in progress`, loaded, loadedVmRss),
      ]),
    );
    out(
      `ratio in progress/idle: RSS ${fmt(loadedVmRss / idleVmRss, 2)}x, heap ${fmt(loaded.heapUsed / idle.heapUsed, 2)}x; ` +
        `${fmt(((loaded.heapUsed - idle.heapUsed) / conversations) / 1024, 2)} KiB heap per conversation; peak VmRSS during the load ${fmt(peakVmRss)} MiB; ` +
        `RSS ${fmt(loadedVmRss)} MiB (target < 150 MB = 143 MiB); ${conversations * TURNS.length} turns in ${fmt(seconds)} s`,
    );
    out(`load average after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  out();
}
