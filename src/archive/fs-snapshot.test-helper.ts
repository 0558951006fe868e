/**
 * Test helpers for extraction: describe a tree (or a list of host paths) as comparable
 * strings, and mount a read-only overlay of extracted layers. Not a test file itself (the
 * runner only picks *.test.js); used by the archive tests.
 */
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { lgetxattr, llistxattr, mount, umount2 } from '../sys/index.js';

export interface EntryDescription {
  type: 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';
  mode: number;
  uid: number;
  gid: number;
  size?: number;
  sha256?: string;
  target?: string;
  rdev?: number;
  nlink?: number;
  mtime?: number;
  xattrs?: Record<string, string>;
}

function typeOf(st: Stats): EntryDescription['type'] {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'socket';
}

/** One entry, as everything a layer can say about it. Xattr values in hex. */
export function describe(path: string | Buffer, options: { mtime?: boolean } = {}): EntryDescription {
  const st = lstatSync(path);
  const type = typeOf(st);
  const d: EntryDescription = { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  if (type === 'file') {
    d.size = st.size;
    d.sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
    d.nlink = st.nlink;
  }
  if (type === 'symlink') d.target = readlinkSync(path, { encoding: 'buffer' }).toString('latin1');
  if (type === 'char' || type === 'block') d.rdev = st.rdev;
  if (options.mtime ?? true) d.mtime = Math.round(st.mtimeMs);
  const names = llistxattr(path).sort();
  if (names.length > 0) {
    d.xattrs = Object.fromEntries(names.map((n) => [n, lgetxattr(path, n).toString('hex')]));
  }
  return d;
}

/**
 * Every entry under `root` (relative byte-string paths → description), never following
 * links. The root itself is ''.
 */
export function snapshotTree(root: string, options: { mtime?: boolean } = {}): Map<string, EntryDescription> {
  const out = new Map<string, EntryDescription>();
  const rootBytes = Buffer.from(root);
  const walk = (rel: string): void => {
    const abs =
      rel === '' ? rootBytes : Buffer.concat([rootBytes, Buffer.from('/'), Buffer.from(rel, 'latin1')]);
    const d = describe(abs, options);
    out.set(rel, d);
    if (d.type !== 'dir') return;
    for (const name of readdirSync(abs, { encoding: 'buffer' })) {
      const childName = name.toString('latin1');
      walk(rel === '' ? childName : `${rel}/${childName}`);
    }
  };
  walk('');
  return out;
}

/** Host paths as content/mode/link-count/mtime or 'absent': to prove they were not touched. */
export function snapshotHostPaths(paths: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of paths) {
    try {
      const st = lstatSync(p);
      const hash = st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : '';
      out[p] =
        `${typeOf(st)} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} n${st.nlink} ${st.mtimeMs} ${hash}`;
    } catch {
      out[p] = 'absent';
    }
  }
  return out;
}

/** Makes a small tree with every common kind of entry, to sit next to an extraction root. */
export function makeSentinelTree(dir: string): void {
  mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
  for (const [name, content] of [
    ['x', 'sentinel x'],
    ['passwd', 'root:x:0:0'],
    ['sub/f', 'f'],
    ['sub/deeper/g', 'g'],
  ] as const) {
    const p = join(dir, name);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFile(p, content);
  }
}

function writeFile(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o640 });
}

/**
 * Mounts a read-only overlay of `layers` (top first) at `mergedDir`, runs `fn`, and always
 * unmounts by path, even when `fn` throws.
 */
export async function withOverlay<T>(
  layers: readonly string[],
  mergedDir: string,
  fn: () => T | Promise<T>,
): Promise<T> {
  if (layers.length < 2) throw new Error('a read-only overlay needs at least two layers');
  mkdirSync(mergedDir, { recursive: true });
  mount('overlay', mergedDir, 'overlay', ['MS_RDONLY'], `lowerdir=${layers.join(':')}`);
  try {
    return await fn();
  } finally {
    umount2(mergedDir, ['MNT_DETACH']);
  }
}

/** The tree as a plain sorted object, for deepEqual with readable diffs. */
export function asObject(tree: Map<string, EntryDescription>): Record<string, EntryDescription> {
  return Object.fromEntries([...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
