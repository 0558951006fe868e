/**
 * The layer database on disk, Docker's layout under `<data root>/image/<driver>/layerdb/`:
 *
 *   sha256/<chainID hex>/diff       the layer's diffID (sha256:…)
 *                        size       bytes of its diff dir (decimal)
 *                        cache-id   the graph driver's directory id
 *                        parent     the parent's chainID (absent for a bottom layer)
 *                        tar-split.json.gz  the layer's tar minus file contents (archive/
 *                                   tar-split.ts): tarStream replays the exact original bytes
 *   mounts/<name>/mount-id          a container's rw layer directory id
 *                 init-id           its init layer's id (absent when none was made)
 *                 parent            the image's top chainID (absent for scratch)
 *   tmp/                            write sets being committed, records being removed and
 *                                   tar-split-<cacheID>.json.gz recordings of registers
 *                                   in progress (moved into their record when it commits)
 *
 * Every record is written as a whole directory in tmp/ (each file fsynced) and renamed into
 * place: the rename is the commit point, so a record is either complete or absent. Removal
 * renames the record into tmp/ first, so a half-deleted record never looks valid.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { digestFromHex, digestHex, isDigest, type Digest } from '../oci/index.js';
import {
  readTextOrUndefined,
  removeDirectoryAtomically,
  writeDirectoryAtomically,
  type MovedFile,
} from './durable-fs.js';
import type { Layer, RWLayer, StorageDriverName } from './layer-store.js';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Docker's name for the recording, in the same place. */
export const TAR_SPLIT_FILE = 'tar-split.json.gz';

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

  /**
   * Removes whatever an interrupted write or removal left in tmp/, except the recordings of
   * registers still running (`inFlight` cacheIDs).
   */
  clearTemporary(inFlight: ReadonlySet<string> = new Set()): string[] {
    const keep = new Set([...inFlight].map((id) => this.stagedTarSplitName(id)));
    const names = readdirSync(this.tmpDir).filter((name) => !keep.has(name));
    for (const name of names) rmSync(join(this.tmpDir, name), { recursive: true, force: true });
    return names;
  }

  private stagedTarSplitName(cacheId: string): string {
    return `tar-split-${cacheId}.json.gz`;
  }

  /** Where a register writes the recording while extracting, before the chainID is known. */
  stagedTarSplitPath(cacheId: string): string {
    return join(this.tmpDir, this.stagedTarSplitName(cacheId));
  }

  tarSplitPath(chainId: Digest): string {
    return join(this.layerDir(chainId), TAR_SPLIT_FILE);
  }

  layerDir(chainId: Digest): string {
    return join(this.layersDir, digestHex(chainId));
  }

  mountDir(name: string): string {
    return join(this.mountsDir, name);
  }

  /** Commits the record; `tarSplit`, a staged recording, is moved into it in the same commit. */
  /** `alsoDurable`: another fsync the record depends on (its driver directory's), awaited with its own. */
  async writeLayer(layer: Layer, tarSplit?: string, alsoDurable?: Promise<void>): Promise<void> {
    const files: Record<string, string | MovedFile> = {
      diff: layer.diffId,
      size: String(layer.size),
      'cache-id': layer.cacheId,
    };
    if (layer.parent !== undefined) files.parent = layer.parent;
    if (tarSplit !== undefined) files[TAR_SPLIT_FILE] = { moveFrom: tarSplit };
    await writeDirectoryAtomically(this.tmpDir, this.layerDir(layer.chainId), files, alsoDurable);
  }

  removeLayer(chainId: Digest): void {
    removeDirectoryAtomically(this.tmpDir, this.layerDir(chainId));
  }

  async writeMount(rw: RWLayer): Promise<void> {
    const files: Record<string, string> = { 'mount-id': rw.mountId };
    if (rw.initId !== undefined) files['init-id'] = rw.initId;
    if (rw.parent !== undefined) files.parent = rw.parent;
    await writeDirectoryAtomically(this.tmpDir, this.mountDir(rw.name), files);
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
