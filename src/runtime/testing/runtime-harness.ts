/**
 * A real containerd + runc for runtime tests, one per test file: containerd supervised by
 * ContainerdProcess on the test's own roots, a client on its own namespace with runc state
 * under the exec root, a busybox rootfs, and a minimal OCI spec (the real spec builder lives
 * in runtime/spec/; these tests must not depend on it).
 *
 * Everything is registered with the file's Cleanup by id: each container (SIGKILL to all
 * its processes, task and container deleted), the containerd pid, the cgroups of this run
 * (processes still in them are killed by pid, then the directories removed), and the test
 * directory (which also ends shims, whose command lines name it).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cleanup } from '../../../test/support/cleanup.js';
import { terminate } from '../../../test/support/processes.js';
import { makeTestDirs, TEST_NAME_PREFIX } from '../../../test/support/test-base.js';
import { NotFoundError } from '../../errors/index.js';
import { silentLogger } from '../../log/index.js';
import { ContainerdProcess } from '../containerd-process.js';
import { GrpcContainerdClient } from '../grpc-containerd-client.js';

const CGROUP_ROOT = '/sys/fs/cgroup';
const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'echo', 'cat', 'sleep', 'stty', 'true', 'false', 'ls', 'ps', 'kill', 'wc', 'tail'];

export interface RuntimeHarness {
  client: GrpcContainerdClient;
  containerd: ContainerdProcess;
  root: string;
  execRoot: string;
  rootfs: string;
  /** The cgroup parent of this file's containers: /<ltst-…>. */
  cgroupParent: string;
  /** A fresh container id (valid for containerd: letters, digits, '-'). */
  newId(label: string): string;
  /** A minimal spec running `args` in the busybox rootfs. */
  spec(id: string, args: string[], options?: SpecOptions): object;
  /** Creates the containerd container and registers its removal (task included) with Cleanup. */
  createContainer(id: string, args: string[], options?: SpecOptions): Promise<void>;
}

export interface SpecOptions {
  terminal?: boolean;
  env?: string[];
  /** linux.resources of the spec (e.g. a memory limit). */
  resources?: object;
}

function buildRootfs(dir: string): void {
  for (const sub of ['bin', 'proc', 'dev', 'sys', 'tmp', 'etc'])
    mkdirSync(join(dir, sub), { recursive: true });
  copyFileSync(BUSYBOX, join(dir, 'bin/busybox'));
  for (const applet of APPLETS) symlinkSync('busybox', join(dir, 'bin', applet));
}

const CAPS = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
];

/** Kills what is left in this run's cgroups (by the pids they list) and removes them. */
async function removeCgroups(name: string): Promise<void> {
  for (const controller of readdirSync(CGROUP_ROOT)) {
    const parent = join(CGROUP_ROOT, controller, name);
    if (!existsSync(parent)) continue;
    const children = readdirSync(parent, { withFileTypes: true }).filter((e) => e.isDirectory());
    for (const child of [...children.map((e) => join(parent, e.name)), parent]) {
      for (let attempt = 0; attempt < 40; attempt++) {
        const procs = readFileSync(join(child, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
        for (const pid of procs) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // already gone
          }
        }
        try {
          rmdirSync(child);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
          if (attempt === 39) throw err;
          await sleep(25);
        }
      }
    }
  }
}

export async function startRuntimeHarness(cleanup: Cleanup, label = 'runtime'): Promise<RuntimeHarness> {
  const { root, dataRoot, execRoot } = makeTestDirs(label);
  cleanup.directory(root);
  const cgroupName = `${TEST_NAME_PREFIX}-${root.slice(-6).replace(/[^\w-]/g, '_')}`;
  cleanup.defer(`cgroups /${cgroupName}`, () => removeCgroups(cgroupName));

  const rootfs = join(root, 'rootfs');
  buildRootfs(rootfs);

  const containerd = new ContainerdProcess({
    dataRoot,
    execRoot,
    logger: silentLogger(),
    probe: () => connected.version({ timeoutMs: 1000 }),
    restartDelayMs: 50,
  });
  // Every containerd pid (first start and restarts) is ended by id after the supervisor's
  // own stop, in case that failed.
  const containerdPids = new Set<number>();
  containerd.onStarted((e) => containerdPids.add(e.pid));
  cleanup.defer('containerd processes', async () => {
    for (const pid of containerdPids) await terminate(pid);
  });
  cleanup.defer('containerd', () => containerd.stop());
  // The client points at the socket containerd is about to create (as in the daemon).
  const connected = await GrpcContainerdClient.connect({
    address: containerd.address,
    namespace: 'lading-test',
    runcRoot: join(execRoot, 'runc'),
  });
  cleanup.defer('containerd client', () => connected.close());
  await containerd.start();

  let serial = 0;
  const harness: RuntimeHarness = {
    client: connected,
    containerd,
    root,
    execRoot,
    rootfs,
    cgroupParent: `/${cgroupName}`,
    newId: (name) => `${name}-${process.pid}-${++serial}`,
    spec: (id, args, options = {}) => ({
      ociVersion: '1.0.2',
      process: {
        terminal: options.terminal ?? false,
        user: { uid: 0, gid: 0 },
        args,
        env: ['PATH=/bin', 'HOME=/', ...(options.env ?? [])],
        cwd: '/',
        capabilities: { bounding: CAPS, effective: CAPS, permitted: CAPS },
        noNewPrivileges: true,
      },
      root: { path: rootfs, readonly: false },
      hostname: 'h1',
      mounts: [
        { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
        {
          destination: '/dev',
          type: 'tmpfs',
          source: 'tmpfs',
          options: ['nosuid', 'strictatime', 'mode=755'],
        },
        {
          destination: '/dev/pts',
          type: 'devpts',
          source: 'devpts',
          options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
        },
        { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      ],
      linux: {
        namespaces: ['pid', 'ipc', 'uts', 'mount', 'network'].map((type) => ({ type })),
        cgroupsPath: `/${cgroupName}/${id}`,
        ...(options.resources ? { resources: options.resources } : {}),
        maskedPaths: ['/proc/kcore', '/proc/keys'],
        readonlyPaths: ['/proc/sys'],
      },
    }),
    async createContainer(id, args, options = {}) {
      await connected.createContainer({ id, spec: harness.spec(id, args, options), labels: { test: 'h1' } });
      cleanup.defer(`container ${id}`, () => removeContainer(connected, id));
    },
  };
  return harness;
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof NotFoundError)) throw err;
}

async function removeContainer(client: GrpcContainerdClient, id: string): Promise<void> {
  const task = (await client.listTasks()).find((t) => t.containerId === id);
  if (task) {
    // A frozen task would hold the SIGKILL until thawed.
    if (task.status === 'paused') await client.resume(id).catch(() => undefined);
    await client.kill(id, 9, { all: true }).catch(() => undefined);
    const timeout = AbortSignal.timeout(5000);
    await client.wait(id, '', timeout).catch(() => undefined);
    await client.deleteTask(id).catch(ignoreNotFound);
  }
  await client.deleteContainer(id).catch(ignoreNotFound);
}
