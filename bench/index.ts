/**
 * `npm run bench`: every benchmark, one after another. Each prints its figures as ratios against a baseline measured
 * in the same run, because absolute times depend on the machine and ratios mostly do not. Nothing here is asserted
 * in the tests; the targets are in ../shared/DESIGN.md.
 *
 *   npm run bench               # all
 *   npm run bench -- sms claims # some
 *   BENCH_SECONDS=8             # length of each load phase of the SMS benchmark
 *   DIGEST_BENCH_REFERRALS=1000000  # size of the digest benchmark
 */
import { benchClaims } from './claim';
import { runDigestBench } from './digests';
import { runMemoryBench } from './memory';
import { runSmsBench } from './sms';
import { runWebchatBench } from './webchat';

const BENCHMARKS: [name: string, run: () => Promise<void>][] = [
  ['sms', runSmsBench],
  ['claims', benchClaims],
  ['digests', runDigestBench],
  ['webchat', runWebchatBench],
  ['memory', runMemoryBench],
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  process.stdout.write(`community-hub-bot benchmarks (node ${process.version}, ${process.platform}/${process.arch})\n\n`);
  for (const [name, run] of BENCHMARKS) {
    if (only.length === 0 || only.includes(name)) await run();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
