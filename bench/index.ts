/**
 * `npm run bench`: each figure is printed against a baseline measured in the same run, on the same machine, so the
 * ratios mean something on any hardware. No benchmark asserts a time; the targets are in ../shared/DESIGN.md.
 *
 * BENCH_SECONDS (default 8) sets how long each load phase runs. BENCH_ONLY=sms or BENCH_ONLY=digests runs one of them;
 * DIGEST_BENCH_REFERRALS (default 1,000,000) sets the digest benchmark's size.
 */
import { benchDigests } from './digests';
import { benchSms } from './sms';
import { fmt, out, table } from './support';

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  out(`community-hub-bot benchmarks (node ${process.version}, ${process.platform}/${process.arch}, ${seconds}s per phase)`);
  out();
  const only = process.env.BENCH_ONLY;

  if (!only || only === 'sms') await smsBench(seconds);
  if (!only || only === 'digests') await digestBench(Number(process.env.DIGEST_BENCH_REFERRALS ?? 1_000_000));
}

async function digestBench(referrals: number): Promise<void> {
  out(`Ward digests over ${referrals.toLocaleString('en-GB')} referrals, embedded store (seeding in one transaction; the facts table filled by the store's triggers)`);
  const r = await benchDigests({ referrals });
  const per = (ms: number) => fmt(ms / r.scanAllMs, 1);
  out(`seeded in ${fmt(r.seedSeconds)} s`);
  out(
    `baselines over the same ${referrals.toLocaleString('en-GB')} referrals: SELECT count(*) ${fmt(r.countAllMs, 2)} ms (SQLite counts b-tree cells), ` +
      `SELECT sum(urgent) ${fmt(r.scanAllMs, 1)} ms (visits every row once; the ratios below use this)`,
  );
  out(
    table([
      ['all ward digests (25 + unknown ward, with the period before)', 'first build ms', 'x scan', 'again ms (median of 5)', 'x scan'],
      ['one week (about 9,600 referrals, and the week before)', fmt(r.weekly.firstMs), per(r.weekly.firstMs), fmt(r.weekly.againMs), per(r.weekly.againMs)],
      [`every referral in one period (${r.allTime.placed.toLocaleString('en-GB')} ASB reports placed on the first build)`, fmt(r.allTime.firstMs), per(r.allTime.firstMs), fmt(r.allTime.againMs), per(r.allTime.againMs)],
    ]),
  );
  out(`target: all 25 ward digests over 1,000,000 referrals in under 2 s (weekly, again: ${fmt(r.weekly.againMs / 1000, 3)} s; whole million, again: ${fmt(r.allTime.againMs / 1000, 2)} s)`);
  out();
}

async function smsBench(seconds: number): Promise<void> {
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

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
