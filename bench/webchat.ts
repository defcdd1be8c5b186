/**
 * Web chat turns through the embedded Direct Line, as Web Chat makes them: a token from POST /api/webchat/token,
 * POST /v3/directline/conversations, the WebSocket stream open, then each message POSTed to
 * /v3/directline/conversations/{id}/activities with the token. A turn's time runs from the POST to the bot's reply
 * (an activity from the bot with replyToId set to the posted activity's id) arriving on the WebSocket.
 *
 * Baseline: the echo bot on the same SDK, restify server, Direct Line endpoints, conversation log and stream
 * (bench/server.ts --bot echo). Two loads, as for SMS: closed loop (throughput) and a fixed offered rate (p50/p99).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { spawnServer, type SpawnedServer } from './spawnServer';
import { fmt, out, summarise, table, type LatencySummary } from './support';

const SCRIPT = ['I feel lonely', 'For me', 'Jo Bloggs', 'Phone call', '07700 900123', 'Morning', 'S60 9ZZ', '1 and 3', 'no', 'start again'];

interface StreamActivity {
  id?: string;
  type?: string;
  replyToId?: string;
  from?: { id?: string; role?: string };
}

/** One resident's web chat: its token, its stream, and the replies it is waiting for. */
class Chat {
  private step = 0;
  private readonly waiting = new Map<string, () => void>();
  private readonly early = new Set<string>();

  private constructor(
    private readonly url: string,
    private readonly conversationId: string,
    private readonly token: string,
    private readonly socket: WebSocket,
  ) {
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (!text) return; // keep-alive
      const { activities } = JSON.parse(text) as { activities?: StreamActivity[] };
      for (const a of activities ?? []) {
        if (a.type !== 'message' || !a.replyToId || a.from?.role === 'user') continue;
        const wake = this.waiting.get(a.replyToId);
        if (wake) {
          this.waiting.delete(a.replyToId);
          wake();
        } else {
          this.early.add(a.replyToId); // the reply raced ahead of the POST's answer
        }
      }
    });
  }

  static async open(url: string): Promise<Chat> {
    const minted = (await (await fetch(`${url}/api/webchat/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const started = await fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${minted.token}` } });
    if (started.status >= 300) throw new Error(`starting a conversation answered ${started.status}`);
    const { streamUrl } = (await started.json()) as { streamUrl: string };
    const socket = new WebSocket(streamUrl);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new Chat(url, minted.conversationId, minted.token, socket);
  }

  /** Posts the next message of the script; resolves with the ms until the bot's reply was on the stream. */
  async turn(): Promise<number> {
    const text = SCRIPT[this.step++ % SCRIPT.length] as string;
    const started = performance.now();
    const res = await fetch(`${this.url}/v3/directline/conversations/${this.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text, from: { id: 'resident' }, channelData: { clientActivityID: `c${this.step}` } }),
    });
    if (res.status !== 200) throw new Error(`posting an activity answered ${res.status}`);
    const { id } = (await res.json()) as { id: string };
    if (!this.early.delete(id)) await new Promise<void>((resolve) => this.waiting.set(id, resolve));
    return performance.now() - started;
  }

  close(): void {
    this.socket.close();
  }
}

interface WebchatResult {
  variant: 'echo' | 'resident';
  closed: LatencySummary;
  open: LatencySummary & { skipped: number };
  serverCpuMsPerTurn: number;
}

async function measure(server: SpawnedServer, variant: 'echo' | 'resident', seconds: number, rate: number): Promise<WebchatResult> {
  // 16 at once for throughput; 120 conversations for the fixed rate, so each posts well under the embedded Direct
  // Line's 60 messages a minute per conversation.
  const closedChats = await Promise.all(Array.from({ length: 16 }, () => Chat.open(server.url)));
  const openChats = await Promise.all(Array.from({ length: 120 }, () => Chat.open(server.url)));
  try {
    const closedLoop = async (secs: number): Promise<LatencySummary> => {
      const latencies: number[] = [];
      const deadline = performance.now() + secs * 1000;
      await Promise.all(closedChats.map(async (chat) => {
        while (performance.now() < deadline) latencies.push(await chat.turn());
      }));
      return summarise(latencies, secs);
    };
    await closedLoop(1); // warm up
    const cpu0 = server.cpuMs();
    const closed = await closedLoop(seconds);
    const serverCpuMsPerTurn = (server.cpuMs() - cpu0) / closed.count;

    const latencies: number[] = [];
    const busy = new Set<number>();
    const inFlight: Promise<void>[] = [];
    let skipped = 0;
    const total = Math.round(rate * seconds);
    const start = performance.now();
    for (let i = 0; i < total; i += 1) {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const n = i % openChats.length;
      if (busy.has(n)) {
        skipped += 1;
        continue;
      }
      busy.add(n);
      inFlight.push((openChats[n] as Chat).turn().then((ms) => {
        latencies.push(ms);
        busy.delete(n);
      }));
    }
    await Promise.all(inFlight);
    return { variant, closed, open: { ...summarise(latencies, seconds), skipped }, serverCpuMsPerTurn };
  } finally {
    for (const chat of [...closedChats, ...openChats]) chat.close();
  }
}

export async function runWebchatBench(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  const rate = Number(process.env.WEBCHAT_BENCH_RATE ?? 50);
  out(`Web chat turns through the embedded Direct Line (POST activity -> bot -> reply on the WebSocket), ${seconds}s per phase, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const results: WebchatResult[] = [];
  for (const variant of ['echo', 'resident'] as const) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-webchat-${variant}-`));
    const server = await spawnServer({ DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent', HASH_SECRET: 'bench-hash-secret-0123456789abcdef0123456789' }, variant === 'echo' ? ['--bot', 'echo'] : []);
    try {
      results.push(await measure(server, variant, seconds, rate));
    } finally {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  out(
    table([
      ['bot', 'max turns/s (16 at once)', 'p50 ms', 'p99 ms', 'server CPU ms/turn', `at ${rate}/s: p50 ms`, 'p99 ms', 'max ms', 'skipped'],
      ...results.map((r) => [r.variant, fmt(r.closed.perSecond), fmt(r.closed.p50), fmt(r.closed.p99), fmt(r.serverCpuMsPerTurn, 2), fmt(r.open.p50), fmt(r.open.p99), fmt(r.open.max), r.open.skipped]),
    ]),
  );
  const [echo, resident] = results;
  if (echo && resident) {
    out(
      `ratio resident/echo: throughput ${fmt(resident.closed.perSecond / echo.closed.perSecond, 2)}x, server CPU per turn ` +
        `${fmt(resident.serverCpuMsPerTurn / echo.serverCpuMsPerTurn, 2)}x, p99 at ${rate}/s ${fmt(resident.open.p99 / echo.open.p99, 2)}x; ` +
        `load average after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    );
  }
  out();
}
