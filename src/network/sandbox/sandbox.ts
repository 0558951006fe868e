/**
 * A container's network sandbox: a network namespace kept alive by a bind mount on a file
 * (`<exec-root>/netns/<id>`), as Docker keeps its `/var/run/docker/netns/<id>`. It lives
 * independently of any process, so the endpoint can be wired before the container's task
 * starts (the runtime spec then names this path) and removed after it exits.
 */
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConflictError, InvalidArgumentError } from '../../errors/index.js';
import { isMountPoint, umount2 } from '../../sys/index.js';
import { iproute2LinkOps } from '../iproute2-link-ops.js';
import type { LinkOps } from '../link-ops.js';

export interface SandboxOptions {
  /** Container (or sandbox) ID; the file's name. */
  id: string;
  /** Where to bind the namespace, e.g. `<exec-root>/netns/<id>`. Its directory is created. */
  path: string;
  ops?: LinkOps;
}

export interface SandboxInfo {
  id: string;
  path: string;
  /** False for a file a crash left behind without its namespace. */
  mounted: boolean;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Creates the namespace with `lo` up. An existing, unmounted file (a crash between creating
 * the file and binding the namespace) is reused; a live sandbox at the path is a conflict.
 */
export async function createSandbox(options: SandboxOptions): Promise<SandboxInfo> {
  if (!ID.test(options.id)) throw new InvalidArgumentError(`invalid sandbox id: ${options.id}`);
  const ops = options.ops ?? iproute2LinkOps;
  await mkdir(dirname(options.path), { recursive: true, mode: 0o700 });
  if (isMountPoint(options.path))
    throw new ConflictError(`sandbox ${options.id} already exists at ${options.path}`);
  // The bind mount needs an existing file to cover.
  await (await open(options.path, 'a', 0o444)).close();
  try {
    await ops.createNetns(options.path);
  } catch (err) {
    await removeSandbox(options.path);
    throw err;
  }
  return { id: options.id, path: options.path, mounted: true };
}

/**
 * Unbinds the namespace and deletes the file; absent is fine. The kernel frees the namespace
 * once nothing else holds it, which also destroys the veth ends inside it and their peers,
 * but in the background, some milliseconds later. So detach endpoints first (detachEndpoint
 * removes the pair at once) before a released address is handed to another container.
 */
export async function removeSandbox(path: string): Promise<void> {
  // MNT_DETACH: a process still inside (a dying container) must not make the unmount fail.
  if (isMountPoint(path)) umount2(path, ['MNT_DETACH']);
  await rm(path, { force: true });
}

/** The sandbox files in `dir` (the daemon compares them with its containers at start). */
export async function listSandboxes(dir: string): Promise<SandboxInfo[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((name) => ID.test(name))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      return { id: basename(path), path, mounted: isMountPoint(path) };
    });
}
