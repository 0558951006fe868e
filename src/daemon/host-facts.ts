/**
 * Facts about the host that /version and /info report, read from the places the kernel and
 * the distribution publish them. Each function degrades to a plain "unknown" value rather
 * than failing /info.
 */
import { access, readFile, readdir, statfs } from 'node:fs/promises';
import os from 'node:os';

/** Node's process.arch → Go's GOARCH, which Docker clients expect in /version. */
const GO_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
};

export function goArch(arch: string = process.arch): string {
  return GO_ARCH[arch] ?? arch;
}

export interface OsRelease {
  prettyName: string;
  versionId: string;
}

export async function osRelease(): Promise<OsRelease> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() =>
    readFile('/usr/lib/os-release', 'utf8').catch(() => ''),
  );
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) values.set(m[1]!, m[2]!.replace(/^["']|["']$/g, ''));
  }
  return { prettyName: values.get('PRETTY_NAME') ?? 'Linux', versionId: values.get('VERSION_ID') ?? '' };
}

/** statfs f_type magic numbers → the names Docker prints as "Backing Filesystem". */
const FS_NAMES: Record<number, string> = {
  0xef53: 'extfs',
  0x58465342: 'xfs',
  0x01021994: 'tmpfs',
  0x9123683e: 'btrfs',
  0x2fc12fc1: 'zfs',
  0x794c7630: 'overlayfs',
  0x6969: 'nfs',
  0xf2f52010: 'f2fs',
};

/** Filesystems known to fill in d_type, which overlayfs needs for whiteouts. */
const D_TYPE_FILESYSTEMS = new Set(['extfs', 'xfs', 'tmpfs', 'btrfs', 'zfs', 'f2fs', 'overlayfs']);

export async function backingFilesystem(path: string): Promise<{ name: string; supportsDType: boolean }> {
  try {
    const { type } = await statfs(path);
    const name = FS_NAMES[type] ?? `<unknown 0x${type.toString(16)}>`;
    return { name, supportsDType: D_TYPE_FILESYSTEMS.has(name) };
  } catch {
    return { name: '<unknown>', supportsDType: false };
  }
}

const CGROUP2_MAGIC = 0x63677270;

export interface CgroupFacts {
  version: '1' | '2';
  /** Which resource limits the host's cgroups can enforce (Info's MemoryLimit, CPUShares…). */
  memoryLimit: boolean;
  swapLimit: boolean;
  cpuCfs: boolean;
  cpuShares: boolean;
  cpuSet: boolean;
  pidsLimit: boolean;
  oomKillDisable: boolean;
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * cgroup v2 when /sys/fs/cgroup itself is cgroup2; otherwise v1 (including "hybrid", where
 * v2 is only mounted at /sys/fs/cgroup/unified and controllers live in v1 hierarchies).
 */
export async function cgroupFacts(): Promise<CgroupFacts> {
  const root = '/sys/fs/cgroup';
  const isV2 = await statfs(root).then(
    (s) => s.type === CGROUP2_MAGIC,
    () => false,
  );
  if (isV2) {
    const controllers = (await readFile(`${root}/cgroup.controllers`, 'utf8').catch(() => '')).split(/\s+/);
    const has = (c: string): boolean => controllers.includes(c);
    return {
      version: '2',
      memoryLimit: has('memory'),
      swapLimit: has('memory'),
      cpuCfs: has('cpu'),
      cpuShares: has('cpu'),
      cpuSet: has('cpuset'),
      pidsLimit: has('pids'),
      oomKillDisable: false,
    };
  }
  return {
    version: '1',
    memoryLimit: await exists(`${root}/memory/memory.limit_in_bytes`),
    swapLimit: await exists(`${root}/memory/memory.memsw.limit_in_bytes`),
    cpuCfs: await exists(`${root}/cpu/cpu.cfs_period_us`),
    cpuShares: await exists(`${root}/cpu/cpu.shares`),
    cpuSet: await exists(`${root}/cpuset/cpuset.cpus`),
    pidsLimit: await exists(`${root}/pids`),
    oomKillDisable: await exists(`${root}/memory/memory.oom_control`),
  };
}

export async function ipv4Forwarding(): Promise<boolean> {
  return (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8').catch(() => '0')).trim() === '1';
}

export async function openFileCount(): Promise<number> {
  return (await readdir('/proc/self/fd').catch(() => [])).length;
}

export function hostname(): string {
  return os.hostname();
}
