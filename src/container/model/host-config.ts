/**
 * HostConfig at create: Docker's validation (moby daemon/container.go validateHostConfig and
 * daemon_unix.go verifyPlatformContainerSettings, in their order and wording) and the
 * defaults dockerd fills in before storing it (router: NetworkMode "default" → "bridge",
 * RestartPolicy "" → "no"; adaptContainerSettings: ShmSize, IpcMode, CgroupnsMode,
 * OomKillDisable, SecurityOpt label=disable; logs.go: LogConfig; create_unix.go:
 * MaskedPaths/ReadonlyPaths; Runtime).
 *
 * Lists the client did not send stay null and those it sent stay as sent ([] included): the
 * docker CLI sends `Dns: []`, `Devices: []`… while a raw API client may omit them, and dockerd
 * stores whatever arrived, so inspect shows the difference. Keys are in dockerd's order and
 * `omitempty` fields (Annotations, StorageOpt, Tmpfs, Sysctls, Mounts, Init) are dropped
 * when empty.
 */
import { posix } from 'node:path';
import type { HostConfig, RestartPolicy } from '../../api/types/index.js';
import { InvalidArgumentError } from '../../errors/index.js';
import { sortedMap } from './sorted-map.js';

export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
export const DEFAULT_LOG_DRIVER = 'json-file';
export const DEFAULT_RUNTIME = 'runc';
const KNOWN_RUNTIMES = ['runc', 'io.containerd.runc.v2'];

export interface HostConfigDefaults {
  /** true on a cgroup v2 host: the default cgroupns becomes "private" (v1: "host"). */
  cgroupV2?: boolean;
  /** daemon.json default-cgroupns-mode. */
  defaultCgroupnsMode?: 'host' | 'private';
  /** daemon.json default-ipc-mode (Docker: "private"). */
  defaultIpcMode?: string;
  /** daemon.json default-shm-size in bytes (Docker: 64 MiB). */
  defaultShmSize?: number;
  /** daemon.json log-driver and log-opts. */
  logDriver?: string;
  logOpts?: Record<string, string>;
  /** Docker's default masked and read-only paths (the runtime spec's lists); privileged gets none. */
  maskedPaths?: string[];
  readonlyPaths?: string[];
}

function isNoRestart(policy: RestartPolicy | undefined): boolean {
  return policy === undefined || policy.Name === '' || policy.Name === 'no';
}

function validateRestartPolicy(policy: RestartPolicy | undefined): void {
  if (policy === undefined) return;
  const retries = policy.MaximumRetryCount ?? 0;
  switch (policy.Name) {
    case 'always':
    case 'unless-stopped':
    case 'no':
      if (retries !== 0) {
        let message = "invalid restart policy: maximum retry count can only be used with 'on-failure'";
        if (retries < 0) message += ' and cannot be negative';
        throw new InvalidArgumentError(message);
      }
      return;
    case 'on-failure':
      if (retries < 0)
        throw new InvalidArgumentError('invalid restart policy: maximum retry count cannot be negative');
      return;
    case '':
      return;
    default:
      throw new InvalidArgumentError(
        `invalid restart policy: unknown policy '${policy.Name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
      );
  }
}

/** "80", "80/tcp", "8000-8010/udp"; the empty port is allowed (Go's ParsePort says 0). */
function validPort(spec: string, allowRange: boolean): boolean {
  const slash = spec.indexOf('/');
  const port = slash < 0 ? spec : spec.slice(0, slash);
  if (port === '') return true;
  const bounds = allowRange ? port.split('-') : [port];
  if (bounds.length > 2) return false;
  return bounds.every((bound) => /^[0-9]+$/.test(bound) && Number(bound) <= 65535);
}

function isContainerRef(value: string): boolean {
  return value.startsWith('container:') && value.length > 'container:'.length;
}

/** Docker's checks of a create request's HostConfig; InvalidArgumentError with its wording. */
export function validateHostConfig(hostConfig: HostConfig | undefined): void {
  if (hostConfig === undefined) return;
  const hc = hostConfig;
  if (hc.AutoRemove === true && !isNoRestart(hc.RestartPolicy)) {
    throw new InvalidArgumentError("can't create 'AutoRemove' container with restart policy");
  }
  for (const [port, bindings] of Object.entries(hc.PortBindings ?? {})) {
    const slash = port.indexOf('/');
    if (!validPort(port, false)) {
      throw new InvalidArgumentError(
        `invalid port specification: ${JSON.stringify(slash < 0 ? port : port.slice(0, slash))}`,
      );
    }
    for (const binding of bindings ?? []) {
      if (!validPort(binding.HostPort ?? '', true)) {
        throw new InvalidArgumentError(`invalid port specification: ${JSON.stringify(binding.HostPort)}`);
      }
    }
  }
  validateRestartPolicy(hc.RestartPolicy);
  const isolation = hc.Isolation ?? '';
  if (isolation !== '' && isolation.toLowerCase() !== 'default') {
    throw new InvalidArgumentError(`invalid isolation '${isolation}' on linux`);
  }
  if (hc.Annotations !== undefined && '' in hc.Annotations) {
    throw new InvalidArgumentError(
      'invalid Annotations: the empty string is not permitted as an annotation key',
    );
  }
  const ipc = hc.IpcMode ?? '';
  if (!['', 'none', 'private', 'host', 'shareable'].includes(ipc) && !ipc.startsWith('container:')) {
    throw new InvalidArgumentError(`invalid IPC mode: ${ipc}`);
  }
  const pid = hc.PidMode ?? '';
  if (pid !== '' && pid !== 'host' && !isContainerRef(pid)) {
    throw new InvalidArgumentError(`invalid PID mode: ${pid}`);
  }
  if ((hc.ShmSize ?? 0) < 0) throw new InvalidArgumentError('SHM size can not be less than 0');
  const uts = hc.UTSMode ?? '';
  if (uts !== '' && uts !== 'host') throw new InvalidArgumentError(`invalid UTS mode: ${uts}`);
  const oomScoreAdj = hc.OomScoreAdj ?? 0;
  if (oomScoreAdj < -1000 || oomScoreAdj > 1000) {
    throw new InvalidArgumentError(`Invalid value ${oomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  }
  const runtime = hc.Runtime ?? '';
  if (runtime !== '' && !KNOWN_RUNTIMES.includes(runtime)) {
    throw new InvalidArgumentError(`unknown or invalid runtime name: ${runtime}`);
  }
  for (const destination of Object.keys(hc.Tmpfs ?? {})) {
    if (posix.normalize(destination) === '/' || posix.normalize(destination) === '//') {
      throw new InvalidArgumentError("invalid specification: destination can't be '/'");
    }
    if (!destination.startsWith('/')) {
      throw new InvalidArgumentError(`invalid mount path: '${destination}' mount path must be absolute`);
    }
  }
  const cgroupns = hc.CgroupnsMode ?? '';
  if (!['', 'host', 'private'].includes(cgroupns)) {
    throw new InvalidArgumentError(`invalid cgroup namespace mode: ${cgroupns}`);
  }
}

function nonEmpty<T extends object>(value: T | undefined | null): value is T {
  return value !== undefined && value !== null && Object.keys(value).length > 0;
}

/**
 * Validates and completes a create request's HostConfig into what dockerd stores and inspect
 * shows. The input is not modified.
 */
export function normalizeHostConfig(
  hostConfig: HostConfig | undefined,
  defaults: HostConfigDefaults = {},
): HostConfig {
  validateHostConfig(hostConfig);
  return completeHostConfig(hostConfig, defaults);
}

/**
 * The completion alone, without validation: every field in dockerd's order with its default.
 * Idempotent, so inspect can run a stored HostConfig through it to print it in order.
 */
export function completeHostConfig(
  hostConfig: HostConfig | undefined,
  defaults: HostConfigDefaults = {},
): HostConfig {
  const hc: HostConfig = hostConfig ?? {};
  const privileged = hc.Privileged ?? false;
  const cgroupV2 = defaults.cgroupV2 ?? false;
  const defaultCgroupns = defaults.defaultCgroupnsMode ?? (cgroupV2 ? 'private' : 'host');
  const networkMode =
    hc.NetworkMode === undefined || hc.NetworkMode === '' || hc.NetworkMode === 'default'
      ? 'bridge'
      : hc.NetworkMode;
  const logDriver = defaults.logDriver ?? DEFAULT_LOG_DRIVER;
  const logType =
    hc.LogConfig?.Type !== undefined && hc.LogConfig.Type !== '' ? hc.LogConfig.Type : logDriver;
  const logConfig = { ...(hc.LogConfig?.Config ?? {}) };
  if (logType === logDriver) {
    for (const [key, value] of Object.entries(defaults.logOpts ?? {}))
      if (!(key in logConfig)) logConfig[key] = value;
  }
  const ipcMode =
    hc.IpcMode !== undefined && hc.IpcMode !== '' ? hc.IpcMode : (defaults.defaultIpcMode ?? 'private');
  const pidMode = hc.PidMode ?? '';
  let securityOpt = hc.SecurityOpt ?? null;
  const labelGiven = (securityOpt ?? []).some((opt) => opt.split('=')[0] === 'label');
  if (!labelGiven && (privileged || ipcMode === 'host' || pidMode === 'host')) {
    securityOpt = [...(securityOpt ?? []), 'label=disable'];
  }
  const memory = hc.Memory ?? 0;
  const memorySwap = memory > 0 && (hc.MemorySwap ?? 0) === 0 ? memory * 2 : (hc.MemorySwap ?? 0);
  const defaultPaths = (
    given: string[] | null | undefined,
    fallback: string[] | undefined,
  ): string[] | null => {
    if (given !== undefined && given !== null) return given;
    return privileged || fallback === undefined ? null : [...fallback];
  };

  return {
    Binds: hc.Binds ?? null,
    ContainerIDFile: hc.ContainerIDFile ?? '',
    LogConfig: { Type: logType, Config: sortedMap(logConfig) },
    NetworkMode: networkMode,
    PortBindings:
      hc.PortBindings === undefined || hc.PortBindings === null ? null : sortedMap(hc.PortBindings),
    RestartPolicy: {
      Name:
        hc.RestartPolicy?.Name !== undefined && hc.RestartPolicy.Name !== '' ? hc.RestartPolicy.Name : 'no',
      MaximumRetryCount: hc.RestartPolicy?.MaximumRetryCount ?? 0,
    },
    AutoRemove: hc.AutoRemove ?? false,
    VolumeDriver: hc.VolumeDriver ?? '',
    VolumesFrom: hc.VolumesFrom ?? null,
    ConsoleSize: hc.ConsoleSize ?? [0, 0],
    ...(nonEmpty(hc.Annotations) ? { Annotations: sortedMap(hc.Annotations) } : {}),
    CapAdd: hc.CapAdd ?? null,
    CapDrop: hc.CapDrop ?? null,
    CgroupnsMode:
      hc.CgroupnsMode !== undefined && hc.CgroupnsMode !== ''
        ? hc.CgroupnsMode
        : privileged && !cgroupV2
          ? 'host'
          : defaultCgroupns,
    Dns: hc.Dns ?? null,
    DnsOptions: hc.DnsOptions ?? null,
    DnsSearch: hc.DnsSearch ?? null,
    ExtraHosts: hc.ExtraHosts ?? null,
    GroupAdd: hc.GroupAdd ?? null,
    IpcMode: ipcMode,
    Cgroup: hc.Cgroup ?? '',
    Links: hc.Links ?? null,
    OomScoreAdj: hc.OomScoreAdj ?? 0,
    PidMode: pidMode,
    Privileged: privileged,
    PublishAllPorts: hc.PublishAllPorts ?? false,
    ReadonlyRootfs: hc.ReadonlyRootfs ?? false,
    SecurityOpt: securityOpt,
    ...(nonEmpty(hc.StorageOpt) ? { StorageOpt: sortedMap(hc.StorageOpt) } : {}),
    ...(nonEmpty(hc.Tmpfs) ? { Tmpfs: sortedMap(hc.Tmpfs) } : {}),
    UTSMode: hc.UTSMode ?? '',
    UsernsMode: hc.UsernsMode ?? '',
    ShmSize:
      hc.ShmSize !== undefined && hc.ShmSize !== 0
        ? hc.ShmSize
        : (defaults.defaultShmSize ?? DEFAULT_SHM_SIZE),
    ...(nonEmpty(hc.Sysctls) ? { Sysctls: sortedMap(hc.Sysctls) } : {}),
    Runtime: hc.Runtime !== undefined && hc.Runtime !== '' ? hc.Runtime : DEFAULT_RUNTIME,
    Isolation: hc.Isolation ?? '',
    CpuShares: hc.CpuShares ?? 0,
    Memory: memory,
    NanoCpus: hc.NanoCpus ?? 0,
    CgroupParent: hc.CgroupParent ?? '',
    BlkioWeight: hc.BlkioWeight ?? 0,
    BlkioWeightDevice: hc.BlkioWeightDevice ?? null,
    BlkioDeviceReadBps: hc.BlkioDeviceReadBps ?? null,
    BlkioDeviceWriteBps: hc.BlkioDeviceWriteBps ?? null,
    BlkioDeviceReadIOps: hc.BlkioDeviceReadIOps ?? null,
    BlkioDeviceWriteIOps: hc.BlkioDeviceWriteIOps ?? null,
    CpuPeriod: hc.CpuPeriod ?? 0,
    CpuQuota: hc.CpuQuota ?? 0,
    CpuRealtimePeriod: hc.CpuRealtimePeriod ?? 0,
    CpuRealtimeRuntime: hc.CpuRealtimeRuntime ?? 0,
    CpusetCpus: hc.CpusetCpus ?? '',
    CpusetMems: hc.CpusetMems ?? '',
    Devices: hc.Devices ?? null,
    DeviceCgroupRules: hc.DeviceCgroupRules ?? null,
    DeviceRequests: hc.DeviceRequests ?? null,
    MemoryReservation: hc.MemoryReservation ?? 0,
    MemorySwap: memorySwap,
    MemorySwappiness: hc.MemorySwappiness ?? null,
    OomKillDisable: hc.OomKillDisable ?? false,
    PidsLimit: hc.PidsLimit ?? null,
    Ulimits: hc.Ulimits ?? null,
    CpuCount: hc.CpuCount ?? 0,
    CpuPercent: hc.CpuPercent ?? 0,
    IOMaximumIOps: hc.IOMaximumIOps ?? 0,
    IOMaximumBandwidth: hc.IOMaximumBandwidth ?? 0,
    ...(hc.Mounts !== undefined && hc.Mounts !== null && hc.Mounts.length > 0 ? { Mounts: hc.Mounts } : {}),
    MaskedPaths: defaultPaths(hc.MaskedPaths, defaults.maskedPaths),
    ReadonlyPaths: defaultPaths(hc.ReadonlyPaths, defaults.readonlyPaths),
    ...(hc.Init !== undefined && hc.Init !== null ? { Init: hc.Init } : {}),
  };
}
