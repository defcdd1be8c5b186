/**
 * `npm run bench`: every benchmark, one after another. Each prints its figures as ratios against a baseline measured
 * in the same run, because absolute times depend on the machine and ratios mostly do not. Nothing here is asserted
 * in the tests; the targets are in ../shared/DESIGN.md.
 *
 *   npm run bench               # all
 *   npm run bench -- sms claims # some
 *   BENCH_SECONDS=8             # length of each load phase of the SMS benchmark
 *   DIGEST_BENCH_REFERRALS=1000000  # size of the digest benchmark
 *   npm run bench -- load --seconds 10   # a shorter sustained-load run (default 60 s; or LOAD_SECONDS)
 *   MEMORY_BENCH_CONVERSATIONS=10000, MEMORY_BENCH_ENTRIES=dist,tsx, MEMORY_BENCH_SNAPSHOTS=DIR, COLDSTART_RUNS=5,
 *   WEBCHAT_BENCH_RATE=50
 */
import os from 'node:os';
import { benchClaims } from './claim';
import { runColdstartBench } from './coldstart';
import { runDigestBench } from './digests';
import { runLoadBench } from './load';
import { runMemoryBench } from './memory';
import { runSmsBench } from './sms';
import { runWebchatBench } from './webchat';

export interface BenchOptions {
  /** --seconds N: the length of the sustained-load run. */
  seconds?: number;
}

const BENCHMARKS: [name: string, run: (options: BenchOptions) => Promise<void>][] = [
  ['sms', runSmsBench],
  ['claims', benchClaims],
  ['digests', runDigestBench],
  ['webchat', runWebchatBench],
  ['memory', runMemoryBench],
  ['coldstart', runColdstartBench],
  ['load', runLoadBench],
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const options: BenchOptions = {};
  const only: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--seconds') {
      const seconds = Number(args[++i]);
      if (!(seconds > 0)) throw new Error('--seconds needs a positive number');
      options.seconds = seconds;
    } else if (BENCHMARKS.some(([name]) => name === arg)) {
      only.push(arg);
    } else {
      throw new Error(`unknown benchmark or option "${arg}"; benchmarks: ${BENCHMARKS.map(([name]) => name).join(', ')}`);
    }
  }
  process.stdout.write(
    `community-hub-bot benchmarks ${new Date().toISOString()} (node ${process.version}, ${process.platform}/${process.arch}, ` +
      `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})\n\n`,
  );
  for (const [name, run] of BENCHMARKS) {
    if (only.length === 0 || only.includes(name)) await run(options);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
