/** The compiled server the image runs (`npm run build`, tsconfig.build.json, into dist/), for the benchmarks. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { out } from './support';

export const ROOT = path.join(__dirname, '..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** `npm run build` (tsc, tsconfig.build.json, into dist/), unless dist/ is newer than every source. Returns dist/bot/index.js. */
export function ensureBuild(): string {
  const entry = path.join(ROOT, 'dist', 'bot', 'index.js');
  const sources = Math.max(...['bot', 'dialogs', 'services'].map((d) => newestSource(path.join(ROOT, d))));
  if (fs.existsSync(entry) && fs.statSync(entry).mtimeMs > sources) return entry;
  out('  npm run build: compiling the server with tsc into dist/ (reused while no source changes)');
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT });
  fs.utimesSync(entry, new Date(), new Date());
  return entry;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * How the image runs the server (deploy/Dockerfile), so the benchmarks run it the same way: the Node flags of its
 * CMD (between `node` and the entry file) and the MALLOC_ARENA_MAX of its ENV.
 */
export function imageRuntime(): { nodeFlags: string[]; env: Record<string, string> } {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
  if (cmd[0] !== 'node' || cmd.at(-1) !== 'dist/bot/index.js') throw new Error(`deploy/Dockerfile's CMD is not node ... dist/bot/index.js: ${JSON.stringify(cmd)}`);
  const arenas = /\bMALLOC_ARENA_MAX=(\d+)/.exec(dockerfile)?.[1];
  return { nodeFlags: cmd.slice(1, -1), env: arenas ? { MALLOC_ARENA_MAX: arenas } : {} };
}
