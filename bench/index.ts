/**
 * `npm run bench`: each figure is printed against a baseline measured in the same run, on the same machine, so the
 * ratios mean something on any hardware. No benchmark asserts a time; the targets are in ../shared/DESIGN.md.
 *
 * BENCH_SECONDS (default 8) sets how long each load phase runs.
 */
import { benchSms } from './sms';
import { fmt, out, table } from './support';

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  out(`community-hub-bot benchmarks (node ${process.version}, ${process.platform}/${process.arch}, ${seconds}s per phase)`);
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
