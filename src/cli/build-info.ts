/**
 * What `lading version` says about the client: the package version, the git commit of the
 * checkout it was built from ("dev" when unknown) and when it was built (the compiled file's
 * mtime), plus the platform in Go's names so it reads like docker's output.
 */

import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  gitCommit: string;
  /** Go's time.ANSIC layout, as docker prints "Built:". */
  builtAt: string;
  nodeVersion: string;
  os: string;
  arch: string;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Walks up from this file to the checkout root (the directory holding package.json). */
function findRoot(): string | undefined {
  let dir = here;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'lading') return dir;
    } catch {
      // not here; keep walking up
    }
    dir = dirname(dir);
  }
  return undefined;
}

function readVersion(root: string | undefined): string {
  if (!root) return '0.0.0-dev';
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0-dev';
}

/** Reads .git/HEAD (and the ref it names) without running git; "dev" outside a checkout. */
export function readGitCommit(root: string | undefined): string {
  if (!root) return 'dev';
  try {
    const gitDir = join(root, '.git');
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head.slice(0, 7);
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return 'dev';
    try {
      return readFileSync(join(gitDir, ref), 'utf8').trim().slice(0, 7);
    } catch {
      const packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8');
      const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
      return line ? line.slice(0, 7) : 'dev';
    }
  } catch {
    return 'dev';
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.ANSIC ("Mon Jan _2 15:04:05 2006") in UTC. */
export function formatAnsic(d: Date): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const time = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${time} ${d.getUTCFullYear()}`;
}

/** Go's GOARCH names for Node's process.arch values. */
export function goArch(arch: string): string {
  const map: Record<string, string> = {
    x64: 'amd64',
    ia32: '386',
    arm64: 'arm64',
    arm: 'arm',
    ppc64: 'ppc64le',
    s390x: 's390x',
  };
  return map[arch] ?? arch;
}

let cached: BuildInfo | undefined;

export function buildInfo(): BuildInfo {
  if (cached) return cached;
  const root = findRoot();
  let builtAt = '';
  try {
    builtAt = formatAnsic(statSync(fileURLToPath(import.meta.url)).mtime);
  } catch {
    builtAt = '';
  }
  cached = {
    version: readVersion(root),
    gitCommit: readGitCommit(root),
    builtAt,
    nodeVersion: process.version,
    os: process.platform,
    arch: goArch(process.arch),
  };
  return cached;
}
