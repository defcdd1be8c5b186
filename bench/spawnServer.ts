import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { ensureBuild, freePort, imageRuntime, ROOT } from './build';

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
  /** The most RSS the server process has had so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  /** User + system CPU time the server process has used, in ms. */
  cpuMs(): number;
  /** Collects garbage in the server process, then reports its memory (bench/gcChannel.cjs, on stdin/stdout). */
  memoryAfterGc(): Promise<ServerMemory>;
  /** Event-loop delay and GC pauses since the last call (bench/gcChannel.cjs `stats`). */
  loopStats(): Promise<LoopStats>;
  /** Writes a V8 heap snapshot of the server process to `file` (after a collection). */
  heapSnapshot(file: string): Promise<void>;
  stop(): Promise<void>;
}

const GC_CHANNEL = path.join(__dirname, 'gcChannel.cjs');

function nodeFlags(): string[] {
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  return [...profile, '--expose-gc', '--no-deprecation', '--require', GC_CHANNEL];
}

function statusMiB(child: ChildProcess, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Every line the server writes is read (so its stdout never fills); the diagnostics channel's answers are marked. */
function attach(child: ChildProcess, lines: readline.Interface, url: string): SpawnedServer {
  const answer = (marker: string) =>
    new Promise<string>((resolve) => {
      const onLine = (line: string) => {
        if (!line.startsWith(`${marker} `)) return;
        lines.off('line', onLine);
        resolve(line.slice(marker.length + 1));
      };
      lines.on('line', onLine);
    });
  return {
    url,
    child,
    rssMiB: () => statusMiB(child, 'VmRSS'),
    peakRssMiB: () => statusMiB(child, 'VmHWM'),
    cpuMs() {
      const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
    },
    async memoryAfterGc() {
      const answered = answer('gc-memory');
      child.stdin?.write('gc\n');
      return JSON.parse(await answered) as ServerMemory;
    },
    async loopStats() {
      const answered = answer('loop-stats');
      child.stdin?.write('stats\n');
      return JSON.parse(await answered) as LoopStats;
    },
    async heapSnapshot(file: string) {
      const answered = answer('gc-snapshot');
      child.stdin?.write(`snapshot ${file}\n`);
      await answered;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Starts bench/server.ts with the given environment and waits for it to say where it listens. */
export async function spawnServer(env: Record<string, string>, args: string[] = []): Promise<SpawnedServer & { startupMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags(), '--import', 'tsx', path.join(__dirname, 'server.ts'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const { url } = JSON.parse(first) as { url: string };
  return { ...attach(child, lines, url), startupMs: performance.now() - started };
}

/**
 * Starts the production entry point itself, unchanged, as the image does: `node dist/bot/index.js` compiled by
 * `npm run build` (built here when a source is newer), or `node --import tsx bot/index.ts` (TypeScript compiled in
 * process, as the image ran before the build). Both with the image's Node flags and MALLOC_ARENA_MAX (read from
 * deploy/Dockerfile) and NODE_ENV=production, unless `env` says otherwise; ready when GET /readyz answers 200.
 */
export async function spawnEntry(entry: 'dist' | 'tsx', env: Record<string, string>): Promise<SpawnedServer & { startupMs: number }> {
  const port = await freePort();
  const target = entry === 'dist' ? [ensureBuild()] : ['--import', 'tsx', path.join(ROOT, 'bot', 'index.ts')];
  const image = imageRuntime();
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags(), ...image.nodeFlags, ...target], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      ...image.env,
      LOG_LEVEL: 'warn',
      SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789',
      HASH_SECRET: 'bench-hash-secret-0123456789abcdef0123456789',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const server = attach(child, readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }), `http://127.0.0.1:${port}`);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${target.join(' ')} exited with ${child.exitCode} before it was ready`);
    if (await fetch(`${server.url}/readyz`).then((r) => r.status === 200, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ...server, startupMs: performance.now() - started };
}
