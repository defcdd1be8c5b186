/**
 * SMS turns through POST /api/sms: the resident bot against an echo bot on the same SDK and server.
 *
 * Each simulated resident texts a befriending journey (and "start again", round and round); a turn's latency is
 * from posting the signed webhook to its reply reaching the local Twilio stand-in, so it includes the webhook,
 * the store writes, the bot, the outbox and the REST call. Two loads: closed loop (as fast as it goes, for
 * throughput) and open loop at a fixed rate (for p50/p99 at 200 messages per second).
 */
import os from 'node:os';
import { ACCOUNT, startSmsServer } from './smsServer';
import type { LoopStats } from './spawnServer';
import { fmt, out, summarise, table, type LatencySummary } from './support';

const SCRIPT = ['I feel lonely', '1', 'Jo Bloggs', '1', '07700 900123', '1', 'S60 9ZZ', '1 3', 'no', 'start again'];

interface Rig {
  send(resident: number): Promise<number>;
  serverCpuMs(): number;
  loopStats(): Promise<LoopStats>;
  stop(): Promise<void>;
}

async function rig(variant: 'resident' | 'echo'): Promise<Rig> {
  const sms = await startSmsServer(variant, 'sms');
  const { server, standIn } = sms;
  const waiting = new Map<string, () => void>();
  standIn.onMessage = (m) => {
    const wake = waiting.get(m.to);
    waiting.delete(m.to);
    wake?.();
  };
  const step = new Map<number, number>();
  let sid = 0;

  return {
    async send(resident: number): Promise<number> {
      const from = `+4477${String(10_000_000 + resident).padStart(8, '0')}`;
      const n = step.get(resident) ?? 0;
      step.set(resident, n + 1);
      const params: Record<string, string> = {
        MessageSid: `SM${(sid++).toString(16).padStart(32, '0')}`,
        AccountSid: ACCOUNT,
        From: from,
        To: '+447700900000',
        Body: SCRIPT[n % SCRIPT.length] as string,
        NumMedia: '0',
      };
      const started = performance.now();
      const replied = new Promise<void>((resolve) => waiting.set(from, resolve));
      const res = await fetch(`${server.url}/api/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sms.sign(params) },
        body: new URLSearchParams(params).toString(),
      });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      await res.arrayBuffer();
      await replied;
      return performance.now() - started;
    },
    serverCpuMs: () => server.cpuMs(),
    loopStats: () => server.loopStats(),
    stop: () => sms.stop(),
  };
}

async function closedLoop(r: Rig, concurrency: number, seconds: number): Promise<LatencySummary> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) latencies.push(await r.send(worker));
    }),
  );
  return summarise(latencies, seconds);
}

/** Sends at a fixed rate across `residents`, each resident waiting for its reply before its next text. */
async function openLoop(r: Rig, rate: number, residents: number, seconds: number): Promise<LatencySummary & { skipped: number }> {
  const latencies: number[] = [];
  const busy = new Set<number>();
  const inFlight: Promise<void>[] = [];
  let skipped = 0;
  const total = Math.round(rate * seconds);
  const start = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const resident = 1_000 + (i % residents);
    if (busy.has(resident)) {
      skipped += 1;
      continue;
    }
    busy.add(resident);
    inFlight.push(
      r.send(resident).then((ms) => {
        latencies.push(ms);
        busy.delete(resident);
      }),
    );
  }
  await Promise.all(inFlight);
  return { ...summarise(latencies, seconds), skipped };
}

export interface SmsBenchResult {
  variant: 'resident' | 'echo';
  closed: LatencySummary;
  open: LatencySummary & { skipped: number };
  /** The server's event-loop delay and GC pauses during the open loop at a fixed rate. */
  openLoopStats: LoopStats;
  /** CPU per turn in the closed loop: the server's, and this process's (load generator and Twilio stand-in). */
  cpuMsPerTurn: { server: number; loadGenerator: number };
}

export async function benchSms(options: { seconds: number; rate: number; residents: number; concurrency: number }): Promise<SmsBenchResult[]> {
  const results: SmsBenchResult[] = [];
  for (const variant of ['echo', 'resident'] as const) {
    const r = await rig(variant);
    let cpu = { server: Number.NaN, loadGenerator: Number.NaN };
    try {
      await closedLoop(r, options.concurrency, 1); // warm up JIT, prepared statements and connections
      const cpu0 = r.serverCpuMs();
      const own0 = process.cpuUsage();
      const closed = await closedLoop(r, options.concurrency, options.seconds);
      const own = process.cpuUsage(own0);
      cpu = { server: (r.serverCpuMs() - cpu0) / closed.count, loadGenerator: (own.user + own.system) / 1000 / closed.count };
      await r.loopStats(); // start counting afresh
      const open = await openLoop(r, options.rate, options.residents, options.seconds);
      const openLoopStats = await r.loopStats();
      results.push({ variant, closed, open, openLoopStats, cpuMsPerTurn: cpu });
    } finally {
      await r.stop();
    }
  }
  return results;
}

/** Prints the SMS benchmark: the resident bot against the echo bot, as ratios. */
export async function runSmsBench(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  out(`SMS benchmark: ${seconds}s per phase (BENCH_SECONDS), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  out();

  out('SMS turns through POST /api/sms (webhook -> bot -> outbox -> Twilio REST stand-in), embedded store');
  const sms = await benchSms({ seconds, rate: 200, residents: 200, concurrency: 32 });
  const echo = sms.find((r) => r.variant === 'echo');
  const resident = sms.find((r) => r.variant === 'resident');
  out(
    table([
      ['bot', 'max turns/s (32 at once)', 'p50 ms', 'p99 ms', 'server CPU ms/turn', 'at 200/s: p50 ms', 'p99 ms', 'max ms', 'skipped'],
      ...sms.map((r) => [
        r.variant,
        fmt(r.closed.perSecond),
        fmt(r.closed.p50),
        fmt(r.closed.p99),
        fmt(r.cpuMsPerTurn.server, 2),
        fmt(r.open.p50),
        fmt(r.open.p99),
        fmt(r.open.max),
        r.open.skipped,
      ]),
    ]),
  );
  out(
    `server at 200/s: ${sms
      .map(
        (r) =>
          `${r.variant} event-loop delay p50 ${fmt(r.openLoopStats.loopDelayMs.p50)} / p99 ${fmt(r.openLoopStats.loopDelayMs.p99)} / max ` +
          `${fmt(r.openLoopStats.loopDelayMs.max)} ms, GC ${r.openLoopStats.gc.count} pauses ${fmt(r.openLoopStats.gc.totalMs)} ms in all (longest ${fmt(r.openLoopStats.gc.maxMs)} ms)`,
      )
      .join('; ')}`,
  );
  out(`load generator and Twilio stand-in CPU per turn: ${sms.map((r) => `${r.variant} ${fmt(r.cpuMsPerTurn.loadGenerator, 2)} ms`).join(', ')}`);
  if (echo && resident) {
    out(
      `ratio resident/echo: throughput ${fmt(resident.closed.perSecond / echo.closed.perSecond, 2)}x, ` +
        `server CPU per turn ${fmt(resident.cpuMsPerTurn.server / echo.cpuMsPerTurn.server, 2)}x (target <= 2), ` +
        `p99 at 200/s ${fmt(resident.open.p99)} ms (target < 25)`,
    );
  }
  out();
}

