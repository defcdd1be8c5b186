import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export interface ServerMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** Event-loop delay and GC pauses in the server since the previous call (bench/server.ts answers `stats`). */
export interface LoopStats {
  loopDelayMs: { p50: number; p99: number; max: number };
  gc: { count: number; totalMs: number; maxMs: number };
}

export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  /** Resident set size of the server process, in MiB. */
  rssMiB(): number;
  /** User + system CPU time the server process has used, in ms. */
  cpuMs(): number;
  /** Collects garbage in the server process, then reports its memory (bench/server.ts answers on stdin/stdout). */
  memoryAfterGc(): Promise<ServerMemory>;
  loopStats(): Promise<LoopStats>;
  stop(): Promise<void>;
}

/** Starts bench/server.ts with the given environment and waits for it to say where it listens. */
export async function spawnServer(env: Record<string, string>, args: string[] = []): Promise<SpawnedServer & { startupMs: number }> {
  const started = performance.now();
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--expose-gc', '--no-deprecation', '--import', 'tsx', path.join(__dirname, 'server.ts'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const { url } = JSON.parse(first) as { url: string };
  return {
    url,
    child,
    startupMs: performance.now() - started,
    rssMiB() {
      try {
        const status = require('node:fs').readFileSync(`/proc/${child.pid}/status`, 'utf8') as string;
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
        return kb / 1024;
      } catch {
        return Number.NaN;
      }
    },
    cpuMs() {
      const stat = require('node:fs').readFileSync(`/proc/${child.pid}/stat`, 'utf8') as string;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
    },
    memoryAfterGc: () =>
      new Promise<ServerMemory>((resolve) => {
        lines.once('line', (line) => resolve(JSON.parse(line) as ServerMemory));
        child.stdin?.write('gc\n');
      }),
    loopStats: () =>
      new Promise<LoopStats>((resolve) => {
        lines.once('line', (line) => resolve(JSON.parse(line) as LoopStats));
        child.stdin?.write('stats\n');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
