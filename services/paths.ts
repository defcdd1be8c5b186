/**
 * Where the project's own files are (web/, councils/, services/directory/schema/), found from the project root
 * rather than from the file asking. The same code runs from the sources (`npm start`, tsx) and compiled into
 * dist/ (`npm run start:prod`), where `__dirname` is one level deeper; the root is the nearest folder above this
 * file holding our package.json.
 */
import fs from 'node:fs';
import path from 'node:path';

const PACKAGE_NAME = 'community-hub-bot';
let root: string | undefined;

function isRoot(dir: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The project root: the folder with our package.json, web/ and councils/. */
export function projectRoot(): string {
  if (root !== undefined) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (isRoot(dir)) return (root = dir);
    if (path.dirname(dir) === dir) break;
  }
  // Not found (a copy without package.json): the layout of the sources, services/ under the root.
  return (root = path.resolve(__dirname, '..'));
}

/** A path under the project root. */
export function fromRoot(...segments: string[]): string {
  return path.join(projectRoot(), ...segments);
}
