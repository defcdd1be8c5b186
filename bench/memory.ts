/**
 * Resident memory with many conversations in progress: 10,000 residents each part-way through the befriending
 * journey (started it, and waiting at "Is this for you, or for someone else?") over POST /api/messages; with
 * MEMORY_BENCH_TURNS=2 one step further (waiting at "What is your name?"), at twice the run time.
 *
 * The server is the production entry point itself, as the image runs it: `node dist/bot/index.js` (compiled by
 * `npm run build`, built here when a source is newer), NODE_ENV=production, with the Node flags and MALLOC_ARENA_MAX
 * of deploy/Dockerfile; then the same under tsx (`node --import tsx bot/index.ts`) as a second row. MEMORY_BENCH_ENTRIES=dist (or tsx) runs one.
 * Baseline: the same server process idle (ready, and two warm-up conversations have loaded what is loaded on first
 * use: the number and yes/no recognisers and the language detector). Both are read after a garbage collection in
 * the server process and once its RSS has settled (the diagnostics channel bench/gcChannel.cjs, preloaded; V8 hands
 * freed pages back from background threads just after a collection), RSS from /proc/<pid>/status VmRSS; the peak
 * is VmHWM.
 * MEMORY_BENCH_SNAPSHOTS=DIR also writes V8 heap snapshots of each, idle and loaded, into DIR.
 * DESIGN.md: under 150 MB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { imageRuntime } from './build';
import { spawnEntry, type ServerMemory } from './spawnServer';
import { fmt, out, table } from './support';

const MiB = 1024 * 1024;
const STEPS: [text: string, expect: RegExp][] = [
  ['I feel lonely', /for you, or for someone else/i],
  ['For me', /What is your name/],
];

/**
 * Before the baseline, two conversations load what real traffic loads on first use (bot/lazyModules.ts,
 * services/language/localAnalyser.ts): a choice answered by number, a yes/no answered, a message in Polish.
 */
const WARM_UP: [conversationId: string, steps: [string, RegExp][]][] = [
  ['warm-up-1', [['I feel lonely', /for you, or for someone else/i], ['2', /Have they agreed/], ['yes', /name/i]]],
  ['warm-up-2', [['Dzień dobry, potrzebuję pomocy z jedzeniem dla mojej rodziny', /^Dzień dobry/m]]],
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

interface EntryResult {
  name: string;
  idle: ServerMemory;
  idleVmRss: number;
  loaded: ServerMemory;
  loadedVmRss: number;
  peakVmRss: number;
  seconds: number;
}

const ENTRIES = {
  dist: 'node dist/bot/index.js (image)',
  tsx: 'node --import tsx bot/index.ts',
} as const;

async function measureEntry(entry: keyof typeof ENTRIES, conversations: number, turns: [string, RegExp][]): Promise<EntryResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-memory-'));
  const snapshots = process.env.MEMORY_BENCH_SNAPSHOTS;
  const server = await spawnEntry(entry, { DATA_DIR: dataDir });
  try {
    for (const [id, steps] of WARM_UP) for (const step of steps) await say(server.url, id, step);
    await new Promise((resolve) => setTimeout(resolve, 500)); // let start-up work settle
    const idle = await server.memoryAfterGc();
    const idleVmRss = server.rssMiB();
    if (snapshots) await server.heapSnapshot(path.resolve(snapshots, `memory-${entry}-idle.heapsnapshot`));

    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < conversations) {
          const id = `memory-${next++}`;
          for (const step of turns) await say(server.url, id, step);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const peakVmRss = server.peakRssMiB();
    const loaded = await server.memoryAfterGc();
    const loadedVmRss = server.rssMiB();
    if (snapshots) await server.heapSnapshot(path.resolve(snapshots, `memory-${entry}-loaded.heapsnapshot`));
    return { name: ENTRIES[entry], idle, idleVmRss, loaded, loadedVmRss, peakVmRss, seconds };
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runMemoryBench(): Promise<void> {
  const conversations = Number(process.env.MEMORY_BENCH_CONVERSATIONS ?? 10_000);
  const turns = STEPS.slice(0, Math.min(STEPS.length, Math.max(1, Number(process.env.MEMORY_BENCH_TURNS ?? 1))));
  const entries = (process.env.MEMORY_BENCH_ENTRIES ?? 'dist,tsx').split(',').map((e) => e.trim()).filter((e): e is keyof typeof ENTRIES => e in ENTRIES);
  out(
    `Memory with ${conversations.toLocaleString('en-GB')} conversations in progress (/api/messages, befriending, ${turns.length} turn(s) each, 32 at once), ` +
      `as the image runs it (NODE_ENV=production, ${Object.entries(imageRuntime().env).map(([k, v]) => `${k}=${v}`).join(' ')}, node ${imageRuntime().nodeFlags.join(' ')}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  const results: EntryResult[] = [];
  for (const entry of entries) results.push(await measureEntry(entry, conversations, turns));

  const row = (name: string, m: ServerMemory, vmRss: number) => [name, fmt(vmRss), fmt(m.rss / MiB), fmt(m.heapUsed / MiB), fmt(m.heapTotal / MiB), fmt(m.external / MiB)];
  out(
    table([
      ['server', 'VmRSS MiB', 'rss after GC MiB', 'heap used MiB', 'heap total MiB', 'external MiB'],
      ...results.flatMap((r) => [row(`${r.name}: idle, warmed up (baseline)`, r.idle, r.idleVmRss), row(`${r.name}: ${conversations} in progress`, r.loaded, r.loadedVmRss)]),
    ]),
  );
  for (const r of results) {
    out(
      `${r.name}: in progress/idle RSS ${fmt(r.loadedVmRss / r.idleVmRss, 2)}x, heap ${fmt(r.loaded.heapUsed / r.idle.heapUsed, 2)}x; ` +
        `${fmt((r.loaded.heapUsed - r.idle.heapUsed) / conversations / 1024, 2)} KiB heap and ${fmt(((r.loadedVmRss - r.idleVmRss) * 1024) / conversations, 2)} KiB RSS per conversation; ` +
        `peak RSS (VmHWM, start-up included) ${fmt(r.peakVmRss)} MiB; RSS ${fmt(r.loadedVmRss)} MiB (target < 150 MB = 143 MiB); ${conversations * turns.length} turns in ${fmt(r.seconds)} s`,
    );
  }
  out(`load average after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  out();
}
