/**
 * A container's OCI runtime spec with Docker's defaults: the pure step from SpecInput to
 * config.json, following the order of dockerd's createSpec (common options, user, devices,
 * rlimits, namespaces, capabilities, seccomp, mounts, OOM score).
 *
 * Deliberate differences from dockerd, all documented:
 *  - no default sysctls (Docker adds net.ipv4.ping_group_range and ip_unprivileged_port_start
 *    in a private network namespace); lading sets none;
 *  - no time namespace (runc 1.1.5 does not know it) and no cgroup namespace (Docker's default
 *    on cgroup v1 hosts, which this machine is, is the host's);
 *  - --privileged allows every device in the device cgroup but does not copy the host's device
 *    nodes into /dev: the container sees runc's default nodes only;
 *  - AppArmor and SELinux options are accepted but not applied (neither is enabled here).
 */
import { resourceLimits } from './resources.js';
import {
  RUNTIME_SPEC_VERSION,
  type RuntimeMount,
  type RuntimeNamespace,
  type RuntimeProcess,
  type RuntimeSeccomp,
  type RuntimeSpec,
} from '../../oci/index.js';
import { effectiveCapabilities } from './capabilities.js';
import {
  DEFAULT_SHM_SIZE,
  DOCKER_MASKED_PATHS,
  DOCKER_READONLY_PATHS,
  INIT_PATH_IN_CONTAINER,
  dockerDefaultMounts,
  dockerDeviceCgroupRules,
} from './docker-defaults.js';
import { DEFAULT_SECCOMP_PROFILE } from './seccomp-default-profile.js';
import { parseSeccompProfile, seccompForContainer } from './seccomp-profile.js';
import type { BindMountInput, SpecInput } from './spec-input.js';
import { tmpfsMountOptions } from './tmpfs-options.js';
import { rlimitsFor } from './ulimits.js';

/** Mounts an rw rootfs keeps writable even under --read-only (Docker's list). */
const WRITABLE_UNDER_READONLY = new Set(['/proc', '/dev/pts', '/dev/shm', '/dev/mqueue', '/dev']);

export function buildSpec(input: SpecInput): RuntimeSpec {
  const privileged = input.privileged === true;
  const capabilities = effectiveCapabilities({
    privileged,
    add: input.capAdd,
    drop: input.capDrop,
    available: input.availableCapabilities,
  });
  const process = buildProcess(input, capabilities);

  const spec: RuntimeSpec = {
    ociVersion: RUNTIME_SPEC_VERSION,
    process,
    root: { path: input.rootfs.path, readonly: input.rootfs.readonly === true },
    hostname: input.hostname ?? '',
    mounts: buildMounts(input),
    linux: {
      namespaces: buildNamespaces(input),
      resources: {
        devices: privileged ? [{ allow: true, access: 'rwm' }] : dockerDeviceCgroupRules(),
        ...resourceLimits(input.resources ?? {}),
      },
      maskedPaths: privileged
        ? undefined
        : [...(input.maskedPaths ?? DOCKER_MASKED_PATHS), ...(input.extraMaskedPaths ?? [])],
      readonlyPaths: privileged ? undefined : [...(input.readonlyPaths ?? DOCKER_READONLY_PATHS)],
    },
  };
  if (input.cgroupsPath) spec.linux.cgroupsPath = input.cgroupsPath;
  const rootfsPropagation = rootfsPropagationFor(input.binds ?? []);
  if (rootfsPropagation) spec.linux.rootfsPropagation = rootfsPropagation;
  const seccomp = buildSeccomp(input, capabilities);
  if (seccomp) spec.linux.seccomp = seccomp;
  if (input.annotations && Object.keys(input.annotations).length > 0)
    spec.annotations = { ...input.annotations };
  return dropUndefined(spec);
}

function buildProcess(input: SpecInput, capabilities: string[]): RuntimeProcess {
  const p = input.process;
  const args = input.init ? [INIT_PATH_IN_CONTAINER, '--', ...p.args] : [...p.args];
  return processFrom(p, args, capabilities);
}

/** The process object shared by containers and execs. */
export function processFrom(p: SpecInput['process'], args: string[], capabilities: string[]): RuntimeProcess {
  const process: RuntimeProcess = {
    terminal: p.terminal === true,
    user: {
      uid: p.user.uid,
      gid: p.user.gid,
      ...(p.user.additionalGids?.length ? { additionalGids: [...p.user.additionalGids] } : {}),
    },
    args,
    env: [...p.env],
    cwd: p.cwd || '/',
    capabilities: { bounding: [...capabilities], effective: [...capabilities], permitted: [...capabilities] },
    oomScoreAdj: p.oomScoreAdj ?? 0,
  };
  const [height, width] = p.consoleSize ?? [0, 0];
  if (p.terminal && (height > 0 || width > 0)) process.consoleSize = { height, width };
  if (p.ulimits?.length) process.rlimits = rlimitsFor(p.ulimits);
  if (p.noNewPrivileges) process.noNewPrivileges = true;
  return process;
}

function buildNamespaces(input: SpecInput): RuntimeNamespace[] {
  const network = input.network ?? { mode: 'new' };
  const namespaces: RuntimeNamespace[] = [{ type: 'mount' }];
  if (network.mode === 'new') namespaces.push({ type: 'network' });
  if (network.mode === 'path') namespaces.push({ type: 'network', path: network.path });
  namespaces.push({ type: 'uts' }, { type: 'pid' }, { type: 'ipc' });
  return namespaces;
}

function buildSeccomp(input: SpecInput, capabilities: string[]): RuntimeSeccomp | undefined {
  const choice = input.seccomp ?? { kind: 'default' };
  if (choice.kind === 'unconfined') return undefined;
  // Like dockerd: a privileged container runs without a filter unless given a profile.
  if (input.privileged && choice.kind !== 'profile') return undefined;
  const profile = choice.kind === 'profile' ? parseSeccompProfile(choice.json) : DEFAULT_SECCOMP_PROFILE;
  return seccompForContainer(profile, { capabilities, kernelRelease: input.kernelRelease });
}

function buildMounts(input: SpecInput): RuntimeMount[] {
  const privileged = input.privileged === true;
  const readonlyRoot = input.rootfs.readonly === true;
  const userMounts = userMountsOf(input);
  const userDestinations = new Set(userMounts.map((m) => m.destination));
  const devMounted = userDestinations.has('/dev');

  const mounts: RuntimeMount[] = dockerDefaultMounts(input.shmSize || DEFAULT_SHM_SIZE).filter(
    (m) => !userDestinations.has(m.destination) && !(devMounted && m.destination.startsWith('/dev/')),
  );
  if (input.init) {
    mounts.push({
      destination: INIT_PATH_IN_CONTAINER,
      type: 'bind',
      source: input.init.hostPath,
      options: ['bind', 'ro'],
    });
  }
  if (readonlyRoot) {
    for (const m of mounts) {
      if (!WRITABLE_UNDER_READONLY.has(m.destination) && !m.options?.includes('ro')) m.options?.push('ro');
    }
  }
  const writableCgroups = input.writableCgroups ?? privileged;
  for (const m of mounts) {
    if ((privileged && m.destination === '/sys') || (writableCgroups && m.type === 'cgroup')) {
      m.options = m.options?.filter((o) => o !== 'ro');
    }
  }
  return [...mounts, ...userMounts];
}

/**
 * dockerd's WithMounts: a shared bind needs the container's root mount shared, a slave one
 * needs it at least rslave (else the propagation could not reach the mount).
 */
function rootfsPropagationFor(binds: readonly BindMountInput[]): string | undefined {
  const modes = new Set(binds.map((b) => b.propagation ?? ''));
  if (modes.has('shared') || modes.has('rshared')) return 'shared';
  if (modes.has('slave') || modes.has('rslave')) return 'rslave';
  return undefined;
}

/** A -v/--mount/volume bind's options, as dockerd writes them: rbind|bind, ro, propagation. */
export function bindMountOptions(bind: BindMountInput): string[] {
  const options = [bind.nonRecursive ? 'bind' : 'rbind'];
  if (bind.readonly) options.push('ro');
  if (bind.propagation) options.push(bind.propagation);
  return options;
}

/**
 * The hosts/hostname/resolv.conf binds, volumes, bind mounts and tmpfs mounts, shallowest
 * first, as Docker sorts them (so /a is mounted before /a/b).
 */
function userMountsOf(input: SpecInput): RuntimeMount[] {
  const bindOptions = input.rootfs.readonly ? ['rbind', 'ro', 'rprivate'] : ['rbind', 'rprivate'];
  const mounts: RuntimeMount[] = [];
  const files = input.files ?? {};
  const binds: [string, string | undefined][] = [
    ['/etc/resolv.conf', files.resolvConfPath],
    ['/etc/hostname', files.hostnamePath],
    ['/etc/hosts', files.hostsPath],
  ];
  for (const [destination, source] of binds) {
    if (source) mounts.push({ destination, type: 'bind', source, options: [...bindOptions] });
  }
  for (const bind of input.binds ?? []) {
    mounts.push({
      destination: bind.destination,
      type: 'bind',
      source: bind.source,
      options: bindMountOptions(bind),
    });
  }
  for (const [destination, data] of Object.entries(input.tmpfs ?? {})) {
    mounts.push({ destination, type: 'tmpfs', source: 'tmpfs', options: tmpfsMountOptions(data) });
  }
  const depth = (p: string): number => p.split('/').filter(Boolean).length;
  return mounts
    .map((m, i) => ({ m, i }))
    .sort((a, b) => depth(a.m.destination) - depth(b.m.destination) || a.i - b.i)
    .map(({ m }) => m);
}

/** Go's omitempty: drop keys whose value is undefined, so the JSON has no nulls. */
function dropUndefined<T extends object>(value: T): T {
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) delete (value as Record<string, unknown>)[key];
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) dropUndefined(v as object);
  }
  return value;
}
