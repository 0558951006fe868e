/**
 * Helpers for the layer store tests: stores in per-test data roots that are closed and
 * removed whatever happens, tar streams that count how often they are read, and a model
 * of what a stack of layer tars describes, to compare a mounted rootfs with.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Cleanup } from '../../test/support/cleanup.js';
import { makeTestDirs } from '../../test/support/test-base.js';
import { tar, type TarEntry } from '../../test/fixtures/tar-builder.js';
import type { EntryDescription } from '../archive/fs-snapshot.test-helper.js';
import { snapshotTree } from '../archive/fs-snapshot.test-helper.js';
import { sha256Digest, type Digest } from '../oci/index.js';
import { createLayerStore } from './create-layer-store.js';
import { INIT_LAYER_ENTRIES } from './init-layer.js';
import type { LayerStore, StorageDriverName } from './layer-store.js';

export interface OpenedStore {
  store: LayerStore;
  dataRoot: string;
}

export async function openStore(
  cleanup: Cleanup,
  driver: StorageDriverName,
  label = 'store',
): Promise<OpenedStore> {
  const dirs = makeTestDirs(`${label}-${driver}`);
  cleanup.directory(dirs.root);
  const store = await createLayerStore({ root: dirs.dataRoot, driver });
  cleanup.defer(`close ${label}`, () => store.close());
  return { store, dataRoot: dirs.dataRoot };
}

export async function reopen(
  cleanup: Cleanup,
  dataRoot: string,
  driver: StorageDriverName,
): Promise<LayerStore> {
  const store = await createLayerStore({ root: dataRoot, driver });
  cleanup.defer('close reopened store', () => store.close());
  return store;
}

/** A layer tar in the form tarStream writes (ustar headers), and its diffID. */
export function layerTar(entries: TarEntry[]): { bytes: Buffer; diffId: Digest } {
  const bytes = tar(entries, { format: 'ustar' });
  return { bytes, diffId: sha256Digest(bytes) };
}

export function stream(bytes: Buffer): Readable {
  return Readable.from([bytes]);
}

/** A stream that counts, in `counter.reads`, whether anyone started reading it. */
export function countingStream(bytes: Buffer, counter: { reads: number }): Readable {
  let pushed = false;
  return new Readable({
    read() {
      if (pushed) return;
      pushed = true;
      counter.reads++;
      this.push(bytes);
      this.push(null);
    },
  });
}

export async function readAll(readable: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

type Desc = Omit<EntryDescription, 'mtime' | 'nlink'>;

function bytesOf(content: unknown): Buffer {
  if (content === undefined) return Buffer.alloc(0);
  if (typeof content === 'string') return Buffer.from(content);
  if (Buffer.isBuffer(content)) return content;
  throw new Error('the model takes string or Buffer contents only');
}

function xattrsOf(entry: { xattrs?: Record<string, string | Buffer> }): Record<string, string> | undefined {
  const names = Object.keys(entry.xattrs ?? {}).sort();
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.map((n) => [n, bytesOf(entry.xattrs![n]).toString('hex')]));
}

function withXattrs(d: Desc, x: Record<string, string> | undefined): Desc {
  return x === undefined ? d : { ...d, xattrs: x };
}

/**
 * What a container sees from layer tars stacked bottom first (plus the init layer), as
 * independent of the code under test as possible: a map of paths, edited entry by entry.
 */
export function modelRootfs(layers: TarEntry[][], options: { init: boolean }): Map<string, Desc> {
  const tree = new Map<string, Desc>();
  const removeUnder = (path: string, self: boolean): void => {
    for (const key of [...tree.keys()])
      if (key.startsWith(`${path}/`) || (self && key === path)) tree.delete(key);
  };
  for (const layer of layers) {
    for (const entry of layer) {
      if (!('name' in entry) || entry.name === undefined) continue;
      const path = String(entry.name).replace(/\/+$/, '');
      const slash = path.lastIndexOf('/');
      const dir = path.slice(0, Math.max(slash, 0));
      const base = path.slice(slash + 1);
      if (base === '.wh..wh..opq') {
        removeUnder(dir, false);
        continue;
      }
      if (base.startsWith('.wh.')) {
        removeUnder(`${dir === '' ? '' : `${dir}/`}${base.slice(4)}`, true);
        continue;
      }
      const owner = {
        uid: 'uid' in entry ? (entry.uid ?? 0) : 0,
        gid: 'gid' in entry ? (entry.gid ?? 0) : 0,
      };
      const x = 'xattrs' in entry ? xattrsOf(entry) : undefined;
      if (entry.type !== 'dir') removeUnder(path, true);
      switch (entry.type) {
        case 'dir':
          if (tree.get(path)?.type !== 'dir') removeUnder(path, true);
          tree.set(path, withXattrs({ type: 'dir', mode: entry.mode ?? 0o755, ...owner }, x));
          break;
        case 'file': {
          const content = bytesOf(entry.content);
          tree.set(
            path,
            withXattrs(
              {
                type: 'file',
                mode: entry.mode ?? 0o644,
                ...owner,
                size: content.length,
                sha256: createHash('sha256').update(content).digest('hex'),
              },
              x,
            ),
          );
          break;
        }
        case 'symlink':
          tree.set(
            path,
            withXattrs({ type: 'symlink', mode: 0o777, ...owner, target: String(entry.target) }, x),
          );
          break;
        case 'hardlink': {
          const target = tree.get(String(entry.target).replace(/\/+$/, ''));
          if (target === undefined) throw new Error(`model: hard link to missing ${String(entry.target)}`);
          tree.set(path, target);
          break;
        }
        case 'fifo':
          tree.set(path, withXattrs({ type: 'fifo', mode: entry.mode ?? 0o644, ...owner }, x));
          break;
        case 'char':
        case 'block':
          tree.set(
            path,
            withXattrs(
              {
                type: entry.type,
                mode: entry.mode ?? 0o644,
                ...owner,
                rdev: entry.major * 256 + entry.minor,
              },
              x,
            ),
          );
          break;
        default:
          throw new Error(`model: ${entry.type} entries are not modelled`);
      }
    }
  }
  if (options.init) {
    for (const entry of INIT_LAYER_ENTRIES) {
      const parts = entry.path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join('/');
        if (tree.get(parent)?.type !== 'dir') removeUnder(parent, true);
        tree.set(parent, { type: 'dir', mode: 0o755, uid: 0, gid: 0 });
      }
      if (entry.kind === 'dir') {
        if (tree.get(entry.path)?.type !== 'dir') removeUnder(entry.path, true);
        tree.set(entry.path, { type: 'dir', mode: 0o755, uid: 0, gid: 0 });
      } else {
        removeUnder(entry.path, true);
        tree.set(
          entry.path,
          entry.kind === 'file'
            ? {
                type: 'file',
                mode: 0o755,
                uid: 0,
                gid: 0,
                size: 0,
                sha256: createHash('sha256').digest('hex'),
              }
            : { type: 'symlink', mode: 0o777, uid: 0, gid: 0, target: entry.target },
        );
      }
    }
  }
  return tree;
}

/** The tree under `root` as the model describes entries (no times, no link counts, no root). */
export function observedRootfs(root: string): Map<string, Desc> {
  const out = new Map<string, Desc>();
  for (const [path, d] of snapshotTree(root, { mtime: false })) {
    if (path === '') continue;
    const { nlink: _nlink, mtime: _mtime, ...rest } = d;
    out.set(path, rest);
  }
  return out;
}

export function sortedObject<T>(map: Map<string, T>): Record<string, T> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
