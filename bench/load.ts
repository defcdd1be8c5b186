/**
 * Sustained load by SMS: 200 texts a second for 60 s (`npm run bench -- load --seconds 10` for a quick run) across
 * 1,000 simulated residents, each texting through the befriending journey (and starting it again once they have their
 * reference), every webhook signed as Twilio signs it. Bounded and local: a resident has at most one text awaiting
 * its reply, so at most 1,000 are outstanding; each tick goes to the next resident who is not waiting.
 *
 * Every accepted text must get its reply at the Twilio stand-in: a text counts as answered when the texts that
 * resident has been sent since contain the reply expected at that step of the journey (the question that follows,
 * or the reference). Counted: webhook errors, texts never answered ("lost"), p50/p99 from the webhook POST to the
 * reply reaching the stand-in. Baseline: the same load on the echo bot (same SDK, server, webhook, store, outbox).
 */
import http from 'node:http';
import os from 'node:os';
import { ACCOUNT, startSmsServer } from './smsServer';
import { fmt, out, percentile, table } from './support';

const REFERENCE = /HUB-[0-9A-Z]{6}/;
const RESIDENTS = 1_000;
const RATE = 200;
/** After the last text, owed replies are waited for until none has arrived for this long; those still owed are lost. */
const DRAIN_MS = 30_000;
/** Connections the load generator keeps open to the server, as a webhook sender's pool would; more posts wait here. */
const CONNECTIONS = 64;

/** POSTs a form over a bounded keep-alive pool; resolves with the status. */
function postForm(agent: http.Agent, url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(body);
  });
}

type Step = readonly [send: string, expect: RegExp];

const JOURNEY: Step[] = [
  ['I feel lonely', /for you, or for someone else/],
  ['1', /What is your name/],
  ['Margaret Hall', /Reply 1 for Phone call/],
  ['1', /number/i],
  ['07700 900123', /best time/],
  ['one', /postcode/],
  ['s60 9zz', /1 A regular phone call/],
  ['1 3', /anything that would help/i],
  ['no', /Privacy: Rotherham/],
  ['yes', /Shall I send this/],
  ['1', REFERENCE],
];

interface Resident {
  number: string;
  step: number;
  waiting: { expect: RegExp; sentAt: number; text: string } | null;
  buffer: string;
}

export interface LoadResult {
  variant: 'echo' | 'resident';
  offered: number;
  accepted: number;
  errors: number;
  answered: number;
  lost: number;
  noIdleResident: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  serverCpuMsPerTurn: number;
  examples: string[];
}

async function run(variant: 'echo' | 'resident', seconds: number): Promise<LoadResult> {
  const sms = await startSmsServer(variant, 'load');
  const { server, standIn } = sms;
  const residents: Resident[] = Array.from({ length: RESIDENTS }, (_, i) => ({ number: `+4477${String(20_000_000 + i)}`, step: 0, waiting: null, buffer: '' }));
  const byNumber = new Map(residents.map((r) => [r.number, r]));
  const latencies: number[] = [];
  const examples: string[] = [];
  standIn.onMessage = (m) => {
    const r = byNumber.get(m.to);
    if (!r?.waiting) return;
    r.buffer += `${m.body}\n\n`;
    if (r.waiting.expect.test(r.buffer)) {
      latencies.push(performance.now() - r.waiting.sentAt);
      r.waiting = null;
      r.buffer = '';
      r.step += 1;
    }
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let sid = 0;
  let accepted = 0;
  let errors = 0;
  const send = async (r: Resident): Promise<void> => {
    const [text, expect] = variant === 'echo' ? ([`hello ${r.step}`, new RegExp(`Echo: hello ${r.step}\\b`)] as const) : (JOURNEY[r.step % JOURNEY.length] as Step);
    const params: Record<string, string> = {
      MessageSid: `SM${(sid++).toString(16).padStart(32, '0')}`,
      AccountSid: ACCOUNT,
      From: r.number,
      To: '+447700900000',
      Body: text,
      NumMedia: '0',
    };
    r.buffer = '';
    r.waiting = { expect, sentAt: performance.now(), text };
    try {
      const status = await postForm(
        agent,
        `${server.url}/api/sms`,
        { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sms.sign(params) },
        new URLSearchParams(params).toString(),
      );
      if (status !== 200) throw new Error(`webhook answered ${status}`);
      accepted += 1;
    } catch (err) {
      errors += 1;
      r.waiting = null;
      if (examples.length < 3) examples.push(`error: ${(err as Error).message} ${(err as { code?: string }).code ?? ''}`);
    }
  };

  try {
    // Warm up: one journey step for 50 residents, not counted.
    await Promise.all(residents.slice(0, 50).map((r) => send(r)));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    latencies.length = 0;
    accepted = 0;

    const cpu0 = server.cpuMs();
    const total = Math.round(RATE * seconds);
    let cursor = 0;
    let noIdleResident = 0;
    const posts: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < total; i += 1) {
      const wait = start + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      let picked: Resident | null = null;
      for (let n = 0; n < RESIDENTS && !picked; n += 1) {
        const r = residents[(cursor + n) % RESIDENTS] as Resident;
        if (!r.waiting) {
          picked = r;
          cursor = (cursor + n + 1) % RESIDENTS;
        }
      }
      if (!picked) {
        noIdleResident += 1;
        continue;
      }
      posts.push(send(picked));
    }
    const sendingSeconds = (performance.now() - start) / 1000;
    await Promise.all(posts);
    // Replies still owed are waited for as long as they keep coming: a slow machine drains a backlog slowly, and that
    // is latency, not loss. Lost means nothing more arrived for DRAIN_MS.
    let lastProgress = performance.now();
    let lastCount = latencies.length;
    while (residents.some((r) => r.waiting) && performance.now() - lastProgress < DRAIN_MS) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (latencies.length !== lastCount) {
        lastCount = latencies.length;
        lastProgress = performance.now();
      }
    }
    const stillWaiting = residents.filter((r) => r.waiting);
    for (const r of stillWaiting.slice(0, 3)) examples.push(`no reply to "${r.waiting?.text}" (got ${JSON.stringify(r.buffer.slice(0, 160))})`);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      variant,
      offered: total,
      accepted,
      errors,
      answered: latencies.length,
      lost: stillWaiting.length,
      noIdleResident,
      seconds: sendingSeconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      serverCpuMsPerTurn: (server.cpuMs() - cpu0) / Math.max(1, latencies.length),
      examples,
    };
  } finally {
    agent.destroy();
    await sms.stop();
  }
}

export async function runLoadBench(options: { seconds?: number } = {}): Promise<void> {
  const seconds = options.seconds ?? Number(process.env.LOAD_SECONDS ?? 60);
  out(`Load: ${RATE} texts/s for ${seconds} s across ${RESIDENTS} residents over POST /api/sms (--seconds N), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const results: LoadResult[] = [];
  for (const variant of ['echo', 'resident'] as const) results.push(await run(variant, seconds));
  out(
    table([
      ['bot', 'offered', 'accepted', 'errors', 'answered', 'lost', 'no idle resident', 'achieved/s', 'p50 ms', 'p99 ms', 'max ms', 'server CPU ms/turn'],
      ...results.map((r) => [r.variant, r.offered, r.accepted, r.errors, r.answered, r.lost, r.noIdleResident, fmt(r.answered / r.seconds), fmt(r.p50), fmt(r.p99), fmt(r.max), fmt(r.serverCpuMsPerTurn, 2)]),
    ]),
  );
  for (const r of results) for (const e of r.examples) out(`  ${r.variant}: ${e}`);
  const [echo, resident] = results;
  if (echo && resident) {
    out(
      `ratio resident/echo: p50 ${fmt(resident.p50 / echo.p50, 2)}x, p99 ${fmt(resident.p99 / echo.p99, 2)}x, server CPU per turn ${fmt(resident.serverCpuMsPerTurn / echo.serverCpuMsPerTurn, 2)}x; ` +
        `targets: 0 errors and 0 lost (resident: ${resident.errors} and ${resident.lost}), p99 < 25 ms (${fmt(resident.p99)} ms)`,
    );
  }
  out(`load average after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  out();
}
