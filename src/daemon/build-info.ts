/**
 * What /version reports about lading itself. There is no build step that stamps a commit, so
 * the commit is read from the checkout the code runs from (when it is one), and the build
 * time is when this compiled file was written.
 */
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ENGINE_VERSION = '0.1.0';

export interface BuildInfo {
  version: string;
  gitCommit: string;
  buildTime: string;
}

/** dist/src/daemon/build-info.js → the package root, three levels up. */
const thisFile = fileURLToPath(import.meta.url);
const packageRoot = join(dirname(thisFile), '..', '..', '..');

async function gitCommit(root: string): Promise<string> {
  const gitDir = join(root, '.git');
  const head = (await readFile(join(gitDir, 'HEAD'), 'utf8')).trim();
  if (!head.startsWith('ref: ')) return head.slice(0, 7);
  const ref = head.slice(5);
  const loose = await readFile(join(gitDir, ref), 'utf8').catch(() => undefined);
  if (loose !== undefined) return loose.trim().slice(0, 7);
  const packed = await readFile(join(gitDir, 'packed-refs'), 'utf8');
  const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
  if (!line) throw new Error('ref not found');
  return line.slice(0, 7);
}

export async function buildInfo(): Promise<BuildInfo> {
  const commit = await gitCommit(packageRoot).catch(() => 'unknown');
  const built = await stat(thisFile).then(
    (s) => s.mtime.toISOString(),
    () => '',
  );
  return { version: ENGINE_VERSION, gitCommit: commit, buildTime: built };
}
