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
