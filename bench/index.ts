/**
 * `npm run bench`: every benchmark, one after another. Each prints its figures as ratios against a baseline measured
 * in the same run, because absolute times depend on the machine and ratios mostly do not. Nothing here is asserted
 * in the tests.
 */
import { benchClaims } from './claim';

const BENCHMARKS: [name: string, run: () => Promise<void>][] = [['claims', benchClaims]];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const [name, run] of BENCHMARKS) {
    if (only.length === 0 || only.includes(name)) await run();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
