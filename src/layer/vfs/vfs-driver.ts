/**
 * The vfs graph driver: every layer is a plain, complete copy of the filesystem it stands
 * for. Slow and large, but it needs nothing from the kernel or the backing filesystem, so it
 * is the fallback when overlayfs does not work (or when daemon.json asks for it).
 *
 * Layout:
 *   <home>/dir/<id>/     the layer's complete tree (Docker's vfs layout); a container's rootfs
 *   <home>/diff/<id>/    the layer's own changes in overlay form, as extracted. Docker's vfs
 *                        recomputes a diff by comparing trees; keeping the extracted diff
 *                        costs its size once more but makes `tarStream` exact and cheap.
 *   <home>/.tmp-*        a create or remove in progress
 *
 * A layer is finished when `dir/<id>` exists: it is renamed into place last.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../errors/index.js';
import { syncPath } from '../../durable/index.js';
import { fsyncPath } from '../durable-fs.js';
import type { CreatedLayer, CreateLayerOptions, DriverProblem, GraphDriver } from '../graph-driver.js';
import type { Readable } from 'node:stream';
import { changesTarStream } from '../../archive/index.js';
import { CHANGE_DELETE, treeChanges, type LayerChange } from '../changes/index.js';
import { applyDiff } from './apply-diff.js';
import { copyTree } from './copy-tree.js';

const TREE_DIR = 'dir';
const DIFF_DIR = 'diff';
const TEMP_PREFIX = '.tmp-';
const ID_PATTERN = /^[0-9a-z][0-9a-z-]*$/;

export interface VfsDriverOptions {
  /** `<data root>/vfs`. */
  home: string;
}

export class VfsDriver implements GraphDriver {
  readonly name = 'vfs' as const;
  readonly home: string;

  constructor(options: VfsDriverOptions) {
    this.home = options.home;
    mkdirSync(join(this.home, TREE_DIR), { recursive: true, mode: 0o700 });
    mkdirSync(join(this.home, DIFF_DIR), { recursive: true, mode: 0o700 });
  }

  private checked(id: string): string {
    if (!ID_PATTERN.test(id))
      throw new InvalidArgumentError(`invalid layer directory id ${JSON.stringify(id)}`);
    return id;
  }

  private treeDir(id: string): string {
    return join(this.home, TREE_DIR, this.checked(id));
  }

  async create(
    id: string,
    parent: string | undefined,
    options: CreateLayerOptions = {},
  ): Promise<CreatedLayer> {
    const tree = this.treeDir(id);
    if (existsSync(tree)) throw new InvalidArgumentError(`vfs: layer ${id} already exists`);
    if (parent !== undefined && !this.exists(parent))
      throw new InvalidArgumentError(`vfs: parent ${parent} does not exist`);
    const tmp = join(this.home, `${TEMP_PREFIX}create-${id}-${randomBytes(4).toString('hex')}`);
    try {
      mkdirSync(tmp, { mode: 0o700 });
      if (options.diffFrom !== undefined) renameSync(options.diffFrom, join(tmp, DIFF_DIR));
      else mkdirSync(join(tmp, DIFF_DIR), { mode: 0o755 });
      mkdirSync(join(tmp, TREE_DIR), { mode: 0o755 });
      await options.fill?.(join(tmp, DIFF_DIR));
      const tmpTree = Buffer.from(join(tmp, TREE_DIR));
      if (parent !== undefined) copyTree(Buffer.from(this.treeDir(parent)), tmpTree);
      applyDiff(Buffer.from(join(tmp, DIFF_DIR)), tmpTree);
      renameSync(join(tmp, DIFF_DIR), this.diffDir(id));
      renameSync(join(tmp, TREE_DIR), tree); // the commit point
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const durable = syncPath(join(this.home, TREE_DIR));
    if (options.deferSync !== true) await durable;
    return { durable };
  }

  exists(id: string): boolean {
    try {
      return lstatSync(this.treeDir(id)).isDirectory();
    } catch {
      return false;
    }
  }

  async remove(id: string): Promise<void> {
    this.checked(id);
    for (const sub of [TREE_DIR, DIFF_DIR]) {
      const path = join(this.home, sub, id);
      if (!existsSync(path)) continue;
      const doomed = join(this.home, `${TEMP_PREFIX}remove-${randomBytes(6).toString('hex')}`);
      try {
        renameSync(path, doomed);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile
        throw err;
      }
      fsyncPath(join(this.home, sub));
      await Promise.resolve();
      rmSync(doomed, { recursive: true, force: true });
    }
  }

  ids(): string[] {
    return readdirSync(join(this.home, TREE_DIR)).filter((n) => ID_PATTERN.test(n));
  }

  removeTemporary(): void {
    for (const name of readdirSync(this.home)) {
      if (name.startsWith(TEMP_PREFIX)) rmSync(join(this.home, name), { recursive: true, force: true });
    }
    // A diff whose tree never arrived: a create interrupted between its two renames.
    for (const name of readdirSync(join(this.home, DIFF_DIR))) {
      if (!existsSync(join(this.home, TREE_DIR, name)))
        rmSync(join(this.home, DIFF_DIR, name), { recursive: true, force: true });
    }
  }

  /** The diff alone, extracted early; the full tree is built when it is attached (`create`). */
  detachedDir(id: string): string {
    return join(this.home, `${TEMP_PREFIX}detached-${this.checked(id)}`);
  }

  diffDir(id: string): string {
    return join(this.home, DIFF_DIR, this.checked(id));
  }

  /** Nothing to mount: the layer's tree is the rootfs. */
  mount(id: string): string {
    return this.treeDir(id);
  }

  unmount(): void {}

  mountPath(id: string): string {
    return this.treeDir(id);
  }

  isMounted(): boolean {
    return false;
  }

  /** Docker's vfs reports no GraphDriver data. */
  /** vfs layers are whole copies: the container's tree is compared with its parent's. */
  changes(id: string, parent: string | undefined): LayerChange[] {
    return treeChanges(this.treeDir(id), parent === undefined ? undefined : this.treeDir(parent));
  }

  /** A vfs tree has no diff of its own: the tar is made from the list of changes. */
  changesTar(id: string, parent: string | undefined): Readable {
    const changes = this.changes(id, parent).map((c) => ({
      path: c.Path,
      deleted: c.Kind === CHANGE_DELETE,
    }));
    return changesTarStream(this.treeDir(id), changes);
  }

  metadata(): Record<string, string> {
    return {};
  }

  check(id: string): DriverProblem[] {
    const problems: DriverProblem[] = [];
    if (!this.exists(id))
      problems.push({ subject: id, problem: `vfs: ${this.treeDir(id)} is missing`, repairable: false });
    if (!existsSync(this.diffDir(id)))
      problems.push({ subject: id, problem: `vfs: ${this.diffDir(id)} is missing`, repairable: false });
    return problems;
  }
}
