/**
 * Random file operations as one busybox `sh -c` script, for the commit round-trip property
 * test (issue 7). A model of the tree (path → kind) is kept while generating, so every
 * operation is valid when it runs: the script runs under `set -e`, and a failing step is a
 * failing test, not a silently skipped operation.
 *
 * The operations work under /w (made by the script), /tmp (the image's) and /lower, which
 * the fixture image's own layers fill (LOWER_LAYERS): files with special modes and owners,
 * hard links, a symlink, xattrs, a FIFO, a deep tree, an opaque directory and a whiteout made
 * by a second layer. Deleting and recreating a directory of a lower layer is one operation.
 * Busybox has no setfattr, so xattrs are set from the host (see `xattrPlan`).
 */
import type { TarEntry } from '../fixtures/index.js';
import type { SeededRandom } from './seeded-random.js';

type Kind = 'file' | 'dir' | 'symlink' | 'fifo';

/** VFS_CAP_REVISION_2 with the effective flag, granting cap_net_raw: a valid security.capability value. */
export const CAP_NET_RAW = Buffer.from('0100000200200000000000000000000000000000', 'hex');

/** Applets the script uses beyond busybox-rootfs.ts's default list. */
export const EXTRA_APPLETS = ['chown', 'mkfifo', 'rmdir', 'truncate'] as const;

/** Two layers above busybox: the first fills /lower, the second deletes and masks in it. */
export const LOWER_LAYERS: TarEntry[][] = [
  [
    { type: 'dir', name: 'lower' },
    { type: 'dir', name: 'lower/a' },
    { type: 'file', name: 'lower/a/f1', content: 'one\n' },
    { type: 'file', name: 'lower/a/f2', mode: 0o600, uid: 1000, gid: 1000, content: 'two\n' },
    { type: 'file', name: 'lower/a/suid', mode: 0o4755, content: '#!/bin/sh\n' },
    { type: 'file', name: 'lower/a/sgid', mode: 0o2711, gid: 50, content: 'sgid\n' },
    { type: 'file', name: 'lower/a/h1', content: 'linked\n' },
    { type: 'hardlink', name: 'lower/a/h2', target: 'lower/a/h1' },
    { type: 'symlink', name: 'lower/a/sym', target: 'f1' },
    {
      type: 'file',
      name: 'lower/a/xa',
      content: 'x\n',
      xattrs: { 'user.fixture': 'lower', 'user.other': 'y' },
    },
    {
      type: 'file',
      name: 'lower/a/cap',
      mode: 0o755,
      content: 'cap\n',
      xattrs: { 'security.capability': CAP_NET_RAW },
    },
    { type: 'dir', name: 'lower/sticky', mode: 0o1777, uid: 2000, gid: 2000 },
    { type: 'file', name: 'lower/sticky/s', uid: 2000, gid: 2000, content: 's\n' },
    { type: 'dir', name: 'lower/deep' },
    { type: 'dir', name: 'lower/deep/1' },
    { type: 'dir', name: 'lower/deep/1/2' },
    { type: 'dir', name: 'lower/deep/1/2/3' },
    { type: 'file', name: 'lower/deep/1/2/3/leaf', content: 'deep\n' },
    { type: 'dir', name: 'lower/empty', mode: 0o700 },
    { type: 'fifo', name: 'lower/fifo' },
    { type: 'file', name: 'lower/removed', content: 'gone in the next layer\n' },
    { type: 'dir', name: 'lower/opq' },
    { type: 'file', name: 'lower/opq/old', content: 'masked in the next layer\n' },
  ],
  [
    { type: 'file', name: 'lower/.wh.removed', mode: 0o600 },
    { type: 'dir', name: 'lower/opq' },
    { type: 'file', name: 'lower/opq/.wh..wh..opq', mode: 0o600 },
    { type: 'file', name: 'lower/opq/new', content: 'above the opaque dir\n' },
  ],
];

/** The model's start: what /lower and /tmp hold in the image. */
function initialModel(): Map<string, Kind> {
  const model = new Map<string, Kind>([['/tmp', 'dir']]);
  for (const entry of LOWER_LAYERS[0]!) {
    const kind: Kind | undefined =
      entry.type === 'dir'
        ? 'dir'
        : entry.type === 'file' || entry.type === 'hardlink'
          ? 'file'
          : entry.type === 'symlink'
            ? 'symlink'
            : entry.type === 'fifo'
              ? 'fifo'
              : undefined;
    if (kind !== undefined && 'name' in entry) model.set(`/${String(entry.name)}`, kind);
  }
  model.delete('/lower/removed');
  model.delete('/lower/opq/old');
  model.set('/lower/opq/new', 'file');
  return model;
}

/** Roots the script never deletes or renames, so new entries always have a place. */
const ANCHORS = new Set(['/w', '/tmp']);

const FILE_MODES = [0o644, 0o600, 0o755, 0o700, 0o4755, 0o2755, 0o6711, 0o444, 0o000, 0o640];
const DIR_MODES = [0o755, 0o700, 0o1777, 0o2775, 0o711, 0o500, 0o000];
const OWNERS = ['0:0', '1:1', '1000:1000', '65534:65534', '123456:654321', '0:50'];

function quote(path: string): string {
  return `'${path}'`;
}

class ScriptBuilder {
  readonly lines: string[] = ['set -e', 'mkdir /w'];
  readonly model = initialModel();
  private counter = 0;

  constructor(private readonly random: SeededRandom) {
    this.model.set('/w', 'dir');
  }

  private paths(...kinds: Kind[]): string[] {
    return [...this.model].filter(([, kind]) => kinds.includes(kind)).map(([path]) => path);
  }

  private movable(...kinds: Kind[]): string[] {
    return this.paths(...kinds).filter((path) => !ANCHORS.has(path));
  }

  /** A fresh name in an existing directory (never inside `avoid`). */
  private newPath(avoid?: string): string {
    const dirs = this.paths('dir').filter(
      (dir) => avoid === undefined || (dir !== avoid && !dir.startsWith(`${avoid}/`)),
    );
    return `${this.random.pick(dirs)}/n${this.counter++}${this.random.word(3)}`;
  }

  private removeTree(path: string): void {
    for (const key of [...this.model.keys()]) {
      if (key === path || key.startsWith(`${path}/`)) this.model.delete(key);
    }
  }

  private moveTree(from: string, to: string): void {
    for (const [key, kind] of [...this.model]) {
      if (key === from || key.startsWith(`${from}/`)) {
        this.model.delete(key);
        this.model.set(to + key.slice(from.length), kind);
      }
    }
  }

  private content(): string {
    const r = this.random;
    return r.chance(0.2)
      ? `head -c ${r.int(0, 200_000)} /dev/urandom`
      : `printf '%s\\n' '${r.word(r.int(0, 40))}'`;
  }

  /** One operation, or false when the model has nothing it can apply to. */
  step(): boolean {
    const r = this.random;
    const op = r.int(0, 16);
    // One command a line: under `set -e` a failing command in the middle of an `a && b`
    // list would not stop the script.
    const add = (line: string) => this.lines.push(...line.split(' && '));
    switch (op) {
      case 0: {
        const path = this.newPath();
        add(`${this.content()} > ${quote(path)}`);
        this.model.set(path, 'file');
        return true;
      }
      case 1: {
        const files = this.paths('file');
        if (files.length === 0) return false;
        add(`${this.content()} > ${quote(r.pick(files))}`);
        return true;
      }
      case 2: {
        const files = this.paths('file');
        if (files.length === 0) return false;
        add(`printf '%s' '${r.word(r.int(1, 30))}' >> ${quote(r.pick(files))}`);
        return true;
      }
      case 3: {
        const files = this.paths('file');
        if (files.length === 0) return false;
        add(`truncate -s ${r.int(0, 5000)} ${quote(r.pick(files))}`);
        return true;
      }
      case 4: {
        const targets = this.paths('file', 'dir');
        const path = r.pick(targets);
        const mode = this.model.get(path) === 'dir' ? r.pick(DIR_MODES) : r.pick(FILE_MODES);
        add(`chmod ${mode.toString(8).padStart(4, '0')} ${quote(path)}`);
        return true;
      }
      case 5: {
        add(`chown -h ${r.pick(OWNERS)} ${quote(r.pick([...this.model.keys()]))}`);
        return true;
      }
      case 6: {
        const victims = this.movable('file', 'dir', 'symlink', 'fifo');
        if (victims.length === 0) return false;
        const path = r.pick(victims);
        add(`rm -rf ${quote(path)}`);
        this.removeTree(path);
        return true;
      }
      case 7: {
        const sources = this.movable('file', 'dir', 'symlink', 'fifo');
        if (sources.length === 0) return false;
        const from = r.pick(sources);
        const to = this.newPath(from);
        add(`mv ${quote(from)} ${quote(to)}`);
        this.moveTree(from, to);
        return true;
      }
      case 8: {
        // A directory replaced by a file, and sometimes back by a directory again.
        const dirs = this.movable('dir');
        if (dirs.length === 0) return false;
        const path = r.pick(dirs);
        add(`rm -rf ${quote(path)} && printf 'was a dir' > ${quote(path)}`);
        this.removeTree(path);
        this.model.set(path, 'file');
        if (r.chance(0.5)) {
          add(`rm ${quote(path)} && mkdir ${quote(path)} && printf 'dir again' > ${quote(`${path}/back`)}`);
          this.model.set(path, 'dir');
          this.model.set(`${path}/back`, 'file');
        }
        return true;
      }
      case 9: {
        const files = this.movable('file');
        if (files.length === 0) return false;
        const path = r.pick(files);
        add(`rm ${quote(path)} && mkdir ${quote(path)} && printf 'inner' > ${quote(`${path}/inner`)}`);
        this.model.set(path, 'dir');
        this.model.set(`${path}/inner`, 'file');
        return true;
      }
      case 10: {
        const files = this.paths('file');
        if (files.length === 0) return false;
        const link = this.newPath();
        add(`ln ${quote(r.pick(files))} ${quote(link)}`);
        this.model.set(link, 'file');
        return true;
      }
      case 11: {
        const link = this.newPath();
        const existing = [...this.model.keys()];
        const target = r.chance(0.3) ? `../dangling/${r.word(5)}` : r.pick(existing);
        add(`ln -s ${quote(target)} ${quote(link)}`);
        this.model.set(link, 'symlink');
        return true;
      }
      case 12: {
        // Copies an entry of a lower layer up (touch changes its times), so the host can set
        // or remove xattrs on it in the upper dir.
        const targets = this.paths('file', 'dir').filter((path) => path.startsWith('/lower'));
        if (targets.length === 0) return false;
        add(`touch -c ${quote(r.pick(targets))}`);
        return true;
      }
      case 13: {
        const base = this.newPath();
        const depth = r.int(5, 25);
        const dirs = Array.from({ length: depth }, (_, i) => `d${i}`);
        const leafDir = `${base}/${dirs.join('/')}`;
        add(`mkdir -p ${quote(leafDir)} && printf 'deep' > ${quote(`${leafDir}/leaf`)}`);
        this.model.set(base, 'dir');
        let dir = base;
        for (const name of dirs) {
          dir = `${dir}/${name}`;
          this.model.set(dir, 'dir');
        }
        this.model.set(`${leafDir}/leaf`, 'file');
        return true;
      }
      case 14: {
        // A directory of the image's lower layers deleted and made again: an opaque dir.
        const lowerDirs = this.paths('dir').filter((path) => path.startsWith('/lower'));
        if (lowerDirs.length === 0) return false;
        const path = r.pick(lowerDirs);
        add(`rm -rf ${quote(path)} && mkdir ${quote(path)} && printf 'again' > ${quote(`${path}/again`)}`);
        this.removeTree(path);
        this.model.set(path, 'dir');
        this.model.set(`${path}/again`, 'file');
        return true;
      }
      case 15: {
        const path = this.newPath();
        add(`mkfifo ${quote(path)}`);
        this.model.set(path, 'fifo');
        return true;
      }
      default: {
        const dirs = this.paths('dir').filter((path) => !ANCHORS.has(path));
        const empty = dirs.filter((dir) => ![...this.model.keys()].some((key) => key.startsWith(`${dir}/`)));
        if (empty.length === 0) return false;
        const path = r.pick(empty);
        add(`rmdir ${quote(path)}`);
        this.model.delete(path);
        return true;
      }
    }
  }
}

export interface GeneratedScript {
  script: string;
  /** How many operations it holds. */
  operations: number;
  /** The model at the end: every path the script leaves and its kind. */
  model: Map<string, Kind>;
}

/** 10–30 random operations as one `sh -c` script. */
export function generateScript(random: SeededRandom): GeneratedScript {
  const builder = new ScriptBuilder(random);
  const operations = random.int(10, 30);
  let done = 0;
  while (done < operations) if (builder.step()) done++;
  return { script: builder.lines.join('\n'), operations, model: builder.model };
}

export interface XattrChange {
  /** Path inside the container. */
  path: string;
  name: string;
  /** undefined: remove it. */
  value: Buffer | undefined;
}

/**
 * xattr changes the host makes in the container's upper dir after the script, because busybox
 * has no setfattr: user.* on some files and directories the script left in the upper dir,
 * security.capability on some regular files, and the removal of a lower layer's user.fixture
 * when its file was copied up. `inUpper(path)` tells whether (and as what) the path is in the
 * upper dir.
 */
export function xattrPlan(
  random: SeededRandom,
  model: Map<string, Kind>,
  inUpper: (path: string) => 'file' | 'dir' | undefined,
): XattrChange[] {
  const changes: XattrChange[] = [];
  for (const [path, kind] of model) {
    if (kind !== 'file' && kind !== 'dir') continue;
    const upper = inUpper(path);
    if (upper === undefined || !random.chance(0.3)) continue;
    changes.push({
      path,
      name: `user.k${random.word(4)}`,
      value: Buffer.from(random.word(random.int(0, 20))),
    });
    if (upper === 'file' && random.chance(0.3)) {
      changes.push({ path, name: 'security.capability', value: CAP_NET_RAW });
    }
    if (path === '/lower/a/xa' && random.chance(0.5)) {
      changes.push({ path, name: 'user.fixture', value: undefined });
    }
  }
  return changes;
}
