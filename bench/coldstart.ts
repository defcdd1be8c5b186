/**
 * Cold start: from spawning the process to GET /readyz answering 200, on a fresh DATA_DIR (so it includes creating
 * the embedded store). Variants, run in turn, `COLDSTART_RUNS` times each (default 5), median reported:
 * - baseline: a bare node process serving a trivial /readyz;
 * - `tsx bot/index.ts`: what `npm start` runs (without npm's own start-up);
 * - `node --import tsx bot/index.ts`: what the Dockerfile ran until the build (one process, tsx as a loader);
 * - `node dist/bot/index.js`: `npm run start:prod` and the Dockerfile, the same code compiled by `npm run build`
 *   (tsconfig.build.json) beforehand; built here when dist/ is older than a source. With the image's Node flags and
 *   MALLOC_ARENA_MAX (read from deploy/Dockerfile). The code finds web/ and
 *   councils/ from the project root, so dist/ needs nothing beside it.
 * DESIGN.md: under 2 s. Also shown: the CPU each used until ready (user + system from /proc/<pid>/stat, children
 * included), which a busy machine distorts far less than wall time, and its RSS once ready.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuild, freePort, imageRuntime, ROOT } from './build';
import { fmt, out, percentile, table } from './support';

function vmRssMiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** All RSS of a process and its children (tsx's CLI runs the app in a child process). */
function treeRssMiB(pid: number): number {
  let total = vmRssMiB(pid);
  try {
    for (const child of fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) total += treeRssMiB(Number(child));
  } catch {
    // no children file: nothing to add
  }
  return total;
}

/** User + system CPU of a process and its children so far, in ms (clock ticks of 10 ms). */
function treeCpuMs(pid: number): number {
  let total = Number.NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    for (const child of fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) total += treeCpuMs(Number(child));
  } catch {
    // gone, or no children file
  }
  return total;
}

interface Start {
  ms: number;
  /** CPU the process (and its children) used until ready: steadier than wall time on a shared machine. */
  cpuMs: number;
  rssMiB: number;
}

async function timeStart(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<Start> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-coldstart-'));
  const started = performance.now();
  const child = spawn(command, args, {
    cwd,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789',
      HASH_SECRET: 'bench-hash-secret-0123456789abcdef0123456789',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited before it was ready: ${stderr}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const ms = performance.now() - started;
    return { ms, cpuMs: treeCpuMs(child.pid as number), rssMiB: treeRssMiB(child.pid as number) };
  } finally {
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const TRIVIAL = `require('node:http').createServer((req, res) => { res.writeHead(req.url === '/readyz' ? 200 : 404); res.end('ok'); }).listen(Number(process.env.PORT), process.env.HOST);`;

export async function runColdstartBench(): Promise<void> {
  const runs = Number(process.env.COLDSTART_RUNS ?? 5);
  out(`Cold start: spawn to GET /readyz 200, fresh DATA_DIR, median of ${runs} (COLDSTART_RUNS), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const built = ensureBuild();
  const image = imageRuntime();
  const variants: [name: string, command: string, args: string[], cwd: string, env?: Record<string, string>][] = [
    ['baseline: bare node, trivial /readyz', process.execPath, ['-e', TRIVIAL], ROOT],
    ['tsx bot/index.ts (npm start)', path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['--no-deprecation', 'bot/index.ts'], ROOT],
    ['node --import tsx bot/index.ts (old Dockerfile)', process.execPath, ['--no-deprecation', '--import', 'tsx', 'bot/index.ts'], ROOT],
    [`node ${image.nodeFlags.join(' ')} dist/bot/index.js (start:prod, Dockerfile; ${Object.entries(image.env).map(([k, v]) => `${k}=${v}`).join(' ')})`, process.execPath, [...image.nodeFlags, built], ROOT, image.env],
  ];
  const samples = new Map<string, Start[]>(variants.map(([name]) => [name, []]));
  for (let i = 0; i < runs; i += 1) {
    for (const [name, command, args, cwd, env] of variants) samples.get(name)?.push(await timeStart(command, args, cwd, env));
  }
  const medians = variants.map(([name]) => {
    const s = samples.get(name) ?? [];
    const ms = s.map((x) => x.ms).sort((a, b) => a - b);
    const rss = s.map((x) => x.rssMiB).sort((a, b) => a - b);
    const cpu = s.map((x) => x.cpuMs).sort((a, b) => a - b);
    return { name, median: percentile(ms, 50), min: ms[0] ?? Number.NaN, max: ms.at(-1) ?? Number.NaN, cpu: percentile(cpu, 50), rss: percentile(rss, 50) };
  });
  const baseline = medians[0]?.median ?? Number.NaN;
  const baselineCpu = medians[0]?.cpu ?? Number.NaN;
  out(
    table([
      ['process', 'median ms', 'min ms', 'max ms', 'x baseline', 'CPU ms to ready', 'x baseline CPU', 'RSS when ready MiB'],
      ...medians.map((m) => [m.name, fmt(m.median, 0), fmt(m.min, 0), fmt(m.max, 0), fmt(m.median / baseline, 1), fmt(m.cpu, 0), fmt(m.cpu / baselineCpu, 1), fmt(m.rss)]),
    ]),
  );
  out(`target: under 2000 ms; load average after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  out();
}
