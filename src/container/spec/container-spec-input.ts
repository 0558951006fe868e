/**
 * From a container record to the SpecInput of its runtime spec (and of its execs): the part
 * of dockerd's createSpec that reads the container's own files. It resolves the user in the
 * image's /etc/passwd and /etc/group, creates the working directory, builds the environment,
 * and turns HostConfig (privileged, caps, security options, tmpfs, shm size, ulimits, init,
 * read-only, network mode) into SpecInput fields. Nothing outside the rootfs is read except
 * the host's thermal_throttle directories Docker masks.
 */
import { existsSync, readdirSync } from 'node:fs';
import { release } from 'node:os';
import { InvalidArgumentError } from '../../errors/index.js';
import {
  currentCapabilities,
  normalizeCapabilities,
  parseSecurityOpts,
  validateUlimit,
  type BindMountInput,
  type ExecInput,
  type NetworkNamespaceInput,
  type SpecInput,
} from '../../runtime/spec/index.js';
import type { ContainerRecord } from '../model/container-record.js';
import { containerEnv, replaceOrAppendEnv } from './container-env.js';
import { resolveUser } from './user-lookup.js';
import { checkExecWorkingDir, prepareWorkingDir } from './working-dir.js';
import { resolveInRoot } from './in-root-path.js';

/** Debian's static tini, mounted at /sbin/docker-init for --init. */
export const DEFAULT_INIT_PATH = '/usr/bin/tini-static';

export interface ContainerSpecPaths {
  /** The mounted rootfs (overlay merged dir). */
  rootfs: string;
  hostsPath?: string;
  hostnamePath?: string;
  resolvConfPath?: string;
  /** Default "/lading/<id>". */
  cgroupsPath?: string;
  /** --network host/container/namespace file; default a new namespace. */
  network?: NetworkNamespaceInput;
  /** Default /usr/bin/tini-static. */
  initPath?: string;
  /** Volumes and bind mounts, their sources ready (volumes mounted, bind sources made). */
  binds?: BindMountInput[];
  /** --mount type=tmpfs: destination → options, added to HostConfig.Tmpfs. */
  mountTmpfs?: Record<string, string>;
}

const NETWORK_FILES = ['/etc/resolv.conf', '/etc/hostname', '/etc/hosts'] as const;

/**
 * Validates the HostConfig fields buildSpec() takes from the request (capabilities, security
 * options, ulimits), so create can refuse bad values with Docker's 400 before anything exists.
 */
export function validateSpecOptions(hostConfig: ContainerRecord['HostConfig']): void {
  normalizeCapabilities(hostConfig.CapAdd ?? [], currentCapabilities());
  normalizeCapabilities(hostConfig.CapDrop ?? [], currentCapabilities());
  parseSecurityOpts(hostConfig.SecurityOpt);
  for (const u of hostConfig.Ulimits ?? []) validateUlimit({ name: u.Name, soft: u.Soft, hard: u.Hard });
  for (const destination of Object.keys(hostConfig.Tmpfs ?? {})) {
    if (!destination.startsWith('/')) {
      throw new InvalidArgumentError(
        `invalid mount config for type "tmpfs": invalid mount path: '${destination}' mount path must be absolute`,
      );
    }
  }
}

/** The SpecInput of a container about to start; creates its working directory. */
export function containerSpecInput(record: ContainerRecord, paths: ContainerSpecPaths): SpecInput {
  const hc = record.HostConfig;
  const security = parseSecurityOpts(hc.SecurityOpt);
  const user = resolveUser(paths.rootfs, record.Config.User ?? '', hc.GroupAdd ?? []);
  const cwd = prepareWorkingDir(paths.rootfs, record.Config.WorkingDir ?? '');
  const input: SpecInput = {
    rootfs: { path: paths.rootfs, readonly: hc.ReadonlyRootfs === true },
    process: {
      args: [record.Path, ...record.Args],
      env: containerEnv(record.Config),
      cwd,
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
      terminal: record.Config.Tty,
      consoleSize: hc.ConsoleSize,
      noNewPrivileges: security.noNewPrivileges || record.NoNewPrivileges,
      oomScoreAdj: hc.OomScoreAdj ?? 0,
      ulimits: (hc.Ulimits ?? []).map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })),
    },
    hostname: record.Config.Hostname,
    privileged: hc.Privileged === true,
    capAdd: hc.CapAdd ?? [],
    capDrop: hc.CapDrop ?? [],
    availableCapabilities: currentCapabilities(),
    seccomp: security.seccomp,
    network: paths.network ?? { mode: 'new' },
    cgroupsPath: paths.cgroupsPath ?? `/lading/${record.ID}`,
    files: networkFiles(paths),
    binds: userBinds(paths, Object.keys(hc.Tmpfs ?? {})),
    tmpfs: { ...hc.Tmpfs, ...paths.mountTmpfs },
    shmSize: hc.ShmSize ?? 0,
    resources: {
      memory: hc.Memory ?? 0,
      memoryReservation: hc.MemoryReservation ?? 0,
      memorySwap: hc.MemorySwap ?? 0,
      oomKillDisable: hc.OomKillDisable === true,
      cpuShares: hc.CpuShares ?? 0,
      nanoCpus: hc.NanoCpus ?? 0,
      cpuPeriod: hc.CpuPeriod ?? 0,
      cpuQuota: hc.CpuQuota ?? 0,
      cpusetCpus: hc.CpusetCpus ?? '',
      cpusetMems: hc.CpusetMems ?? '',
      pidsLimit: hc.PidsLimit ?? 0,
    },
    extraMaskedPaths: hostThermalThrottlePaths(),
    kernelRelease: release(),
  };
  if (hc.MaskedPaths) input.maskedPaths = [...hc.MaskedPaths];
  if (hc.ReadonlyPaths) input.readonlyPaths = [...hc.ReadonlyPaths];
  if (security.writableCgroups !== undefined) input.writableCgroups = security.writableCgroups;
  if (hc.Init === true) input.init = { hostPath: paths.initPath ?? DEFAULT_INIT_PATH };
  if (hc.Annotations && Object.keys(hc.Annotations).length > 0) input.annotations = { ...hc.Annotations };
  return input;
}

/**
 * A bind at /etc/hosts, /etc/hostname or /etc/resolv.conf replaces the file ladingd writes
 * (dockerd's TrySetNetworkMount), so it takes that file's place in the spec.
 */
function networkFiles(paths: ContainerSpecPaths): NonNullable<SpecInput['files']> {
  const user = (destination: string) => paths.binds?.find((b) => b.destination === destination)?.source;
  return {
    resolvConfPath: user('/etc/resolv.conf') ?? paths.resolvConfPath,
    hostnamePath: user('/etc/hostname') ?? paths.hostnamePath,
    hostsPath: user('/etc/hosts') ?? paths.hostsPath,
  };
}

/**
 * The binds other than the network files, each destination resolved inside the rootfs with
 * its symlinks expanded in scope (as dockerd and runc do), so an image whose /data is a link
 * to /etc gets the mount on its own /etc, never the host's. A destination below another
 * mount is left to runc, which resolves it the same way once that mount is in place.
 */
function userBinds(paths: ContainerSpecPaths, tmpfs: string[]): BindMountInput[] {
  const binds = (paths.binds ?? []).filter(
    (b) => !(NETWORK_FILES as readonly string[]).includes(b.destination),
  );
  const mountedAt = [...binds.map((b) => b.destination), ...Object.keys(paths.mountTmpfs ?? {}), ...tmpfs];
  const below = (destination: string) =>
    mountedAt.some(
      (other) => other !== destination && destination.startsWith(other === '/' ? '/' : `${other}/`),
    );
  return binds.map((b) =>
    below(b.destination) ? b : { ...b, destination: resolveInRoot(paths.rootfs, b.destination) },
  );
}

export interface ExecRequestInput {
  cmd: string[];
  /** The exec's -e entries. */
  env?: string[] | null;
  /** The exec's -u; empty = the container's user. */
  user?: string;
  /** The exec's -w; empty = the container's WorkingDir. */
  workingDir?: string;
  tty?: boolean;
  consoleSize?: [number, number];
  privileged?: boolean;
}

/** The ExecInput of a `docker exec` in a running container whose rootfs is mounted at `rootfs`. */
export function execInput(record: ContainerRecord, rootfs: string, exec: ExecRequestInput): ExecInput {
  const user = resolveUser(rootfs, exec.user || record.Config.User || '', record.HostConfig.GroupAdd ?? []);
  return {
    args: [...exec.cmd],
    env: replaceOrAppendEnv(containerEnv({ ...record.Config, Tty: exec.tty === true }), exec.env ?? []),
    cwd: checkExecWorkingDir(rootfs, exec.workingDir || record.Config.WorkingDir || ''),
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
    terminal: exec.tty === true,
    consoleSize: exec.consoleSize,
    privileged: exec.privileged === true,
  };
}

let cachedThermalPaths: string[] | undefined;

/** The host's CPUs do not change while ladingd runs: look once, not at every start. */
function hostThermalThrottlePaths(): string[] {
  cachedThermalPaths ??= thermalThrottlePaths();
  return [...cachedThermalPaths];
}

/** Docker also masks each CPU's thermal_throttle directory where the host has one. */
export function thermalThrottlePaths(): string[] {
  const base = '/sys/devices/system/cpu';
  let entries: string[];
  try {
    entries = readdirSync(base).filter((e) => /^cpu\d+$/.test(e));
  } catch {
    return [];
  }
  return entries
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)))
    .map((cpu) => `${base}/${cpu}/thermal_throttle`)
    .filter((p) => existsSync(p));
}
