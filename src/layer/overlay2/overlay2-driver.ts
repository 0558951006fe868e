/**
 * The overlay2 graph driver (layout and its reasons in layout.ts).
 *
 * Mounting uses relative paths: `process.chdir(home)`, the synchronous mount(2), and chdir
 * back in `finally`. This is safe because JavaScript runs on one thread and sys.mount is a
 * synchronous call, so no other code runs while the cwd is changed — provided lading never
 * uses a relative filesystem path anywhere (it does not: every path is built from an
 * absolute data root). Worker threads cannot chdir; this driver runs on the main thread.
 *
 * `index=off` is added when the kernel knows the option: with the index on, overlayfs ties
 * an upper dir to the exact lower dirs it was first mounted with and refuses a later mount
 * through different paths, which Docker avoids the same way. `redirect_dir=off` and
 * `metacopy=off` keep a container's upper dir a plain, complete diff (a renamed directory
 * copied whole, a chmod'ed file copied with its data), so commit and diff can read it as a
 * layer; Docker instead gives up its fast diff when they are on.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { syncPath } from '../../durable/index.js';
import { InvalidArgumentError, NotFoundError } from '../../errors/index.js';
import { hasErrnoCode, isMountPoint, mount, mountPointsUnder, umount2 } from '../../sys/index.js';
import { fsyncPath, readTextSyncOrUndefined } from '../durable-fs.js';
import type { CreatedLayer, CreateLayerOptions, DriverProblem, GraphDriver } from '../graph-driver.js';
import type { Readable } from 'node:stream';
import { diffTarStream } from '../../archive/index.js';
import { overlayChanges, type LayerChange } from '../changes/index.js';
import {
  DIFF_DIR,
  LINK_DIR,
  LINK_FILE,
  LOWER_FILE,
  MERGED_DIR,
  newShortId,
  SHORT_ID_PATTERN,
  TEMP_PREFIX,
  WORK_DIR,
} from './layout.js';
import { planMount } from './mount-plan.js';

const ID_PATTERN = /^[0-9a-z][0-9a-z-]*$/;

/** The cwd to return to; '/' if it was removed under us (process.cwd() throws then). */
function currentDirectory(): string {
  try {
    return process.cwd();
  } catch {
    return '/';
  }
}

export interface Overlay2DriverOptions {
  /** `<data root>/overlay2`. */
  home: string;
}

export class Overlay2Driver implements GraphDriver {
  readonly name = 'overlay2' as const;
  readonly home: string;
  private readonly mountOptions: { indexOff: boolean; plainUpper: boolean };

  constructor(options: Overlay2DriverOptions) {
    this.home = options.home;
    mkdirSync(join(this.home, LINK_DIR), { recursive: true, mode: 0o700 });
    const parameter = (name: string): boolean => existsSync(`/sys/module/overlay/parameters/${name}`);
    this.mountOptions = {
      indexOff: parameter('index'),
      plainUpper: parameter('redirect_dir') && parameter('metacopy'),
    };
  }

  private dir(id: string): string {
    if (!ID_PATTERN.test(id))
      throw new InvalidArgumentError(`invalid layer directory id ${JSON.stringify(id)}`);
    return join(this.home, id);
  }

  async create(
    id: string,
    parent: string | undefined,
    options: CreateLayerOptions = {},
  ): Promise<CreatedLayer> {
    const final = this.dir(id);
    if (existsSync(final)) throw new InvalidArgumentError(`overlay2: layer ${id} already exists`);
    const lower = parent === undefined ? undefined : this.lowerFor(parent);
    const tmp = join(this.home, `${TEMP_PREFIX}create-${id}-${randomBytes(4).toString('hex')}`);
    const short = newShortId(randomBytes);
    try {
      mkdirSync(tmp, { mode: 0o710 });
      if (options.diffFrom !== undefined) renameSync(options.diffFrom, join(tmp, DIFF_DIR));
      else mkdirSync(join(tmp, DIFF_DIR), { mode: 0o755 });
      writeFileSync(join(tmp, LINK_FILE), short);
      if (lower !== undefined) writeFileSync(join(tmp, LOWER_FILE), lower);
      if (options.mountable === true) {
        mkdirSync(join(tmp, WORK_DIR), { mode: 0o700 });
        mkdirSync(join(tmp, MERGED_DIR), { mode: 0o700 });
      }
      await options.fill?.(join(tmp, DIFF_DIR));
      renameSync(tmp, final);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    // The link is made after the rename, so it never points at a temporary name.
    symlinkSync(`../${id}/${DIFF_DIR}`, join(this.home, LINK_DIR, short));
    const durable = syncPath(this.home); // off the main thread: other layers extract meanwhile
    if (options.deferSync !== true) await durable;
    return { durable };
  }

  /** The `lower` content of a layer whose parent is `parent`: the parent's link, then its lowers. */
  private lowerFor(parent: string): string {
    const parentDir = this.dir(parent);
    const link = readTextSyncOrUndefined(join(parentDir, LINK_FILE));
    if (link === undefined) throw new NotFoundError(`overlay2: parent layer ${parent} has no link file`);
    const parentLower = readTextSyncOrUndefined(join(parentDir, LOWER_FILE));
    return `${LINK_DIR}/${link}` + (parentLower ? `:${parentLower}` : '');
  }

  exists(id: string): boolean {
    try {
      return lstatSync(this.dir(id)).isDirectory();
    } catch {
      return false;
    }
  }

  async remove(id: string): Promise<void> {
    const dir = this.dir(id);
    if (!existsSync(dir)) return;
    if (this.isMounted(id)) this.unmount(id);
    const link = readTextSyncOrUndefined(join(dir, LINK_FILE));
    if (link !== undefined && SHORT_ID_PATTERN.test(link)) this.unlinkIfPointsTo(link, id);
    const doomed = join(this.home, `${TEMP_PREFIX}remove-${randomBytes(6).toString('hex')}`);
    try {
      renameSync(dir, doomed);
    } catch (err) {
      if (hasErrnoCode(err, 'ENOENT')) return; // removed meanwhile (check --repair and a delete)
      throw err;
    }
    fsyncPath(this.home);
    await Promise.resolve(); // removal of big trees is the slow part; keep the record side first
    rmSync(doomed, { recursive: true, force: true });
  }

  private unlinkIfPointsTo(link: string, id: string): void {
    const path = join(this.home, LINK_DIR, link);
    try {
      if (readlinkSync(path) === `../${id}/${DIFF_DIR}`) unlinkSync(path);
    } catch (err) {
      if (!hasErrnoCode(err, 'ENOENT', 'EINVAL')) throw err;
    }
  }

  ids(): string[] {
    return readdirSync(this.home, { withFileTypes: true })
      .filter(
        (e) => e.isDirectory() && e.name !== LINK_DIR && !e.name.startsWith('.') && ID_PATTERN.test(e.name),
      )
      .map((e) => e.name);
  }

  removeTemporary(): void {
    for (const name of readdirSync(this.home)) {
      if (!name.startsWith(TEMP_PREFIX)) continue;
      const path = join(this.home, name);
      const merged = join(path, MERGED_DIR);
      if (isMountPoint(merged)) umount2(merged, ['MNT_DETACH']);
      rmSync(path, { recursive: true, force: true });
    }
    // Links whose layer is gone (a remove interrupted between the rename and the unlink).
    const links = join(this.home, LINK_DIR);
    for (const name of readdirSync(links)) {
      if (!existsSync(join(links, name))) unlinkSync(join(links, name));
    }
  }

  detachedDir(id: string): string {
    if (!ID_PATTERN.test(id))
      throw new InvalidArgumentError(`invalid layer directory id ${JSON.stringify(id)}`);
    return join(this.home, `${TEMP_PREFIX}detached-${id}`);
  }

  diffDir(id: string): string {
    return join(this.dir(id), DIFF_DIR);
  }

  mount(id: string): string {
    const dir = this.dir(id);
    const merged = join(dir, MERGED_DIR);
    mkdirSync(join(dir, WORK_DIR), { recursive: true, mode: 0o700 });
    mkdirSync(merged, { recursive: true, mode: 0o700 });
    const lower = readTextSyncOrUndefined(join(dir, LOWER_FILE));
    if (lower === undefined || lower === '') {
      // Nothing below: overlay needs a lower dir, so the diff dir itself is the rootfs.
      mount(join(dir, DIFF_DIR), merged, null, ['MS_BIND']);
      return merged;
    }
    const plan = planMount(id, lower.split(':'), this.mountOptions);
    const mounted: string[] = [];
    const cwd = currentDirectory();
    process.chdir(this.home);
    try {
      for (const stack of plan.stacks) {
        const target = join(this.home, stack.target);
        mkdirSync(target, { recursive: true, mode: 0o700 });
        mount('overlay', target, 'overlay', ['MS_RDONLY'], stack.data);
        mounted.push(target);
      }
      mount('overlay', merged, 'overlay', 0, plan.data);
    } catch (err) {
      for (const target of mounted.reverse()) umount2(target, ['MNT_DETACH']);
      throw err;
    } finally {
      process.chdir(cwd);
    }
    return merged;
  }

  unmount(id: string): void {
    // The merged mount first, then the read-only stacks below it (deepest chains only).
    const merged = join(this.dir(id), MERGED_DIR);
    const points = mountPointsUnder(this.dir(id)).sort((a, b) => Number(b === merged) - Number(a === merged));
    for (const point of points) {
      try {
        umount2(point, ['MNT_DETACH']);
      } catch (err) {
        if (!hasErrnoCode(err, 'EINVAL', 'ENOENT')) throw err; // not mounted
      }
    }
  }

  mountPath(id: string): string {
    return join(this.dir(id), MERGED_DIR);
  }

  isMounted(id: string): boolean {
    return isMountPoint(join(this.dir(id), MERGED_DIR));
  }

  /** Only the upper dir is walked; the layers below are looked up per changed path. */
  changes(id: string): LayerChange[] {
    const lowers = this.metadata(id).LowerDir;
    return overlayChanges(this.diffDir(id), lowers === undefined ? [] : lowers.split(':'));
  }

  /** The upper dir is the change set already: it is written as it is. */
  changesTar(id: string): Readable {
    return diffTarStream(this.diffDir(id));
  }

  metadata(id: string): Record<string, string> {
    const dir = this.dir(id);
    const data: Record<string, string> = {};
    const lower = readTextSyncOrUndefined(join(dir, LOWER_FILE));
    if (lower) {
      data.LowerDir = lower
        .split(':')
        .map((l) => this.resolveLink(l))
        .join(':');
    }
    data.MergedDir = join(dir, MERGED_DIR);
    data.UpperDir = join(dir, DIFF_DIR);
    data.WorkDir = join(dir, WORK_DIR);
    return data;
  }

  /** `l/<SHORT>` → the absolute diff dir it names (what inspect shows). */
  private resolveLink(lowerEntry: string): string {
    const path = join(this.home, lowerEntry);
    try {
      return join(this.home, LINK_DIR, readlinkSync(path));
    } catch {
      return path;
    }
  }

  check(id: string, parent: string | undefined, repair: boolean): DriverProblem[] {
    const problems: DriverProblem[] = [];
    const dir = this.dir(id);
    if (!existsSync(join(dir, DIFF_DIR))) {
      return [{ subject: id, problem: `overlay2: ${join(dir, DIFF_DIR)} is missing`, repairable: false }];
    }
    let link = readTextSyncOrUndefined(join(dir, LINK_FILE));
    if (link === undefined || !SHORT_ID_PATTERN.test(link)) {
      const problem: DriverProblem = {
        subject: id,
        problem: `overlay2: link file missing or malformed`,
        repairable: true,
      };
      if (repair) {
        link = newShortId(randomBytes);
        writeFileSync(join(dir, LINK_FILE), link);
        problem.repaired = `wrote a new link name ${link}`;
      }
      problems.push(problem);
    }
    if (link !== undefined && SHORT_ID_PATTERN.test(link)) {
      const path = join(this.home, LINK_DIR, link);
      const want = `../${id}/${DIFF_DIR}`;
      let got: string | undefined;
      try {
        got = readlinkSync(path);
      } catch {
        got = undefined;
      }
      if (got !== want) {
        const problem: DriverProblem = {
          subject: id,
          problem: `overlay2: ${LINK_DIR}/${link} ${got === undefined ? 'is missing' : `points to ${got}`}`,
          repairable: true,
        };
        if (repair) {
          rmSync(path, { force: true });
          symlinkSync(want, path);
          problem.repaired = `relinked ${LINK_DIR}/${link} → ${want}`;
        }
        problems.push(problem);
      }
    }
    if (parent !== undefined && this.exists(parent)) {
      let want: string | undefined;
      try {
        want = this.lowerFor(parent);
      } catch {
        want = undefined; // the parent's own check reports it
      }
      const got = readTextSyncOrUndefined(join(dir, LOWER_FILE));
      if (want !== undefined && got !== want) {
        const problem: DriverProblem = {
          subject: id,
          problem: `overlay2: lower file does not match its parents`,
          repairable: true,
        };
        if (repair) {
          writeFileSync(join(dir, LOWER_FILE), want);
          problem.repaired = 'rewrote the lower file from its parents';
        }
        problems.push(problem);
      }
    }
    return problems;
  }
}
