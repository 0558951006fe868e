/**
 * The layer database on disk, Docker's layout under `<data root>/image/<driver>/layerdb/`:
 *
 *   sha256/<chainID hex>/diff       the layer's diffID (sha256:…)
 *                        size       bytes of its diff dir (decimal)
 *                        cache-id   the graph driver's directory id
 *                        parent     the parent's chainID (absent for a bottom layer)
 *   mounts/<name>/mount-id          a container's rw layer directory id
 *                 init-id           its init layer's id (absent when none was made)
 *                 parent            the image's top chainID (absent for scratch)
 *   tmp/                            write sets being committed and records being removed
 *
 * Every record is written as a whole directory in tmp/ (each file fsynced) and renamed into
 * place: the rename is the commit point, so a record is either complete or absent. Removal
 * renames the record into tmp/ first, so a half-deleted record never looks valid.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { digestFromHex, digestHex, isDigest, type Digest } from '../oci/index.js';
import { readTextOrUndefined, removeDirectoryAtomically, writeDirectoryAtomically } from './durable-fs.js';
import type { Layer, RWLayer, StorageDriverName } from './layer-store.js';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export type ReadResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export class LayerRecords {
  readonly root: string;
  readonly layersDir: string;
  readonly mountsDir: string;
  readonly tmpDir: string;

  constructor(dataRoot: string, driver: StorageDriverName) {
    this.root = join(dataRoot, 'image', driver, 'layerdb');
    this.layersDir = join(this.root, 'sha256');
    this.mountsDir = join(this.root, 'mounts');
    this.tmpDir = join(this.root, 'tmp');
    for (const dir of [this.layersDir, this.mountsDir, this.tmpDir])
      mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Removes whatever an interrupted write or removal left in tmp/. */
  clearTemporary(): string[] {
    const names = readdirSync(this.tmpDir);
    for (const name of names) rmSync(join(this.tmpDir, name), { recursive: true, force: true });
    return names;
  }

  layerDir(chainId: Digest): string {
    return join(this.layersDir, digestHex(chainId));
  }

  mountDir(name: string): string {
    return join(this.mountsDir, name);
  }

  writeLayer(layer: Layer): void {
    const files: Record<string, string> = {
      diff: layer.diffId,
      size: String(layer.size),
      'cache-id': layer.cacheId,
    };
    if (layer.parent !== undefined) files.parent = layer.parent;
    writeDirectoryAtomically(this.tmpDir, this.layerDir(layer.chainId), files);
  }

  removeLayer(chainId: Digest): void {
    removeDirectoryAtomically(this.tmpDir, this.layerDir(chainId));
  }

  writeMount(rw: RWLayer): void {
    const files: Record<string, string> = { 'mount-id': rw.mountId };
    if (rw.initId !== undefined) files['init-id'] = rw.initId;
    if (rw.parent !== undefined) files.parent = rw.parent;
    writeDirectoryAtomically(this.tmpDir, this.mountDir(rw.name), files);
  }

  removeMount(name: string): void {
    removeDirectoryAtomically(this.tmpDir, this.mountDir(name));
  }

  /** Directory names under sha256/ (not necessarily valid chainIDs). */
  layerNames(): string[] {
    return readdirSync(this.layersDir);
  }

  mountNames(): string[] {
    return readdirSync(this.mountsDir);
  }

  async readLayer(hex: string): Promise<ReadResult<Layer>> {
    if (!/^[0-9a-f]{64}$/.test(hex)) return { ok: false, problem: 'record name is not a sha256 hex digest' };
    const dir = join(this.layersDir, hex);
    const [diff, size, cacheId, parent] = await Promise.all(
      ['diff', 'size', 'cache-id', 'parent'].map((f) => readTextOrUndefined(join(dir, f))),
    );
    if (diff === undefined || !isDigest(diff))
      return { ok: false, problem: 'diff file missing or not a digest' };
    if (size === undefined || !/^\d+$/.test(size))
      return { ok: false, problem: 'size file missing or not a number' };
    if (cacheId === undefined || !/^[0-9a-z][0-9a-z-]*$/.test(cacheId)) {
      return { ok: false, problem: 'cache-id file missing or malformed' };
    }
    if (parent !== undefined && !isDigest(parent))
      return { ok: false, problem: 'parent file is not a digest' };
    return {
      ok: true,
      value: { chainId: digestFromHex(hex), diffId: diff, size: Number(size), cacheId, parent },
    };
  }

  async readMount(name: string): Promise<ReadResult<RWLayer>> {
    if (!NAME_PATTERN.test(name)) return { ok: false, problem: 'record name is not a valid layer name' };
    const dir = this.mountDir(name);
    const [mountId, initId, parent] = await Promise.all(
      ['mount-id', 'init-id', 'parent'].map((f) => readTextOrUndefined(join(dir, f))),
    );
    if (mountId === undefined || !/^[0-9a-z][0-9a-z-]*$/.test(mountId)) {
      return { ok: false, problem: 'mount-id file missing or malformed' };
    }
    if (initId !== undefined && !/^[0-9a-z][0-9a-z-]*$/.test(initId))
      return { ok: false, problem: 'init-id malformed' };
    if (parent !== undefined && !isDigest(parent))
      return { ok: false, problem: 'parent file is not a digest' };
    return { ok: true, value: { name, mountId, initId, parent } };
  }
}
