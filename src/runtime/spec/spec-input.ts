/**
 * Everything buildSpec() needs to write a container's runtime spec, already resolved: the
 * container module turns a container record into this (user looked up in the image's
 * /etc/passwd, working directory created, env merged), so building the spec is a pure
 * function that tests can check field by field.
 */
import type { SeccompChoice } from './security-opts.js';
import type { UlimitInput } from './ulimits.js';
import type { ResourceInput } from './resources.js';

export interface ProcessUser {
  uid: number;
  gid: number;
  /** Supplementary groups, as the spec wants them (Docker puts the primary gid first). */
  additionalGids?: number[];
}

export interface ProcessInput {
  /** The argv without --init's prefix (record.Path then record.Args). */
  args: string[];
  /** Final environment (Docker's PATH/HOSTNAME/TERM defaults already merged). */
  env: string[];
  /** Absolute, already checked and created inside the rootfs. */
  cwd: string;
  user: ProcessUser;
  terminal?: boolean;
  /** [height, width] as HostConfig.ConsoleSize; only used with a terminal, ignored if 0×0. */
  consoleSize?: [number, number];
  noNewPrivileges?: boolean;
  /** HostConfig.OomScoreAdj; Docker always writes it (0 by default). */
  oomScoreAdj?: number;
  /** HostConfig.Ulimits; none means inherit the shim's limits. */
  ulimits?: UlimitInput[];
}

export type NetworkNamespaceInput =
  | { mode: 'new' }
  | { mode: 'host' }
  /** Join an existing namespace: /proc/<pid>/ns/net or a bind-mounted netns file. */
  | { mode: 'path'; path: string };

/**
 * A bind mount of a host path (a -v/--mount bind, or a volume's directory), as dockerd's
 * container.Mount: options become rbind (or bind), ro when not writable, then the propagation.
 */
export interface BindMountInput {
  /** In-container path; the caller has resolved any symlink in it inside the rootfs. */
  destination: string;
  source: string;
  readonly: boolean;
  /** rprivate, rshared…; none for volumes (Docker sets none). */
  propagation?: string;
  /** BindOptions.NonRecursive: "bind" instead of "rbind". */
  nonRecursive?: boolean;
}

export interface SpecInput {
  /** The mounted rootfs (overlay merged dir); `readonly` is --read-only. */
  rootfs: { path: string; readonly?: boolean };
  process: ProcessInput;
  /** Config.Hostname (set in the new UTS namespace). */
  hostname?: string;
  privileged?: boolean;
  /** HostConfig.CapAdd/CapDrop as given (validated and normalised here). */
  capAdd?: string[];
  capDrop?: string[];
  /**
   * The capabilities the daemon holds (currentCapabilities()): "all" for --privileged and
   * --cap-add ALL. Absent = every capability Linux defines.
   */
  availableCapabilities?: string[];
  /** Default when absent. Privileged containers get no filter unless a profile is given. */
  seccomp?: SeccompChoice;
  /**
   * HostConfig.MaskedPaths/ReadonlyPaths when the request set them; absent = Docker's lists.
   * Extra masked paths (the host's thermal_throttle dirs) go in `extraMaskedPaths`.
   */
  maskedPaths?: string[];
  readonlyPaths?: string[];
  extraMaskedPaths?: string[];
  /** Default: a new network namespace. */
  network?: NetworkNamespaceInput;
  /** cgroupfs style, e.g. "/lading/<id>". */
  cgroupsPath?: string;
  /** Host paths bind-mounted at /etc/hosts, /etc/hostname, /etc/resolv.conf. */
  files?: { hostsPath?: string; hostnamePath?: string; resolvConfPath?: string };
  /** Volumes and bind mounts (-v, --mount, --volumes-from). */
  binds?: BindMountInput[];
  /** HostConfig.Tmpfs and --mount type=tmpfs: destination → options ("size=64m,mode=1777"). */
  tmpfs?: Record<string, string>;
  /** HostConfig.ShmSize in bytes; 0 or absent = 64 MiB. */
  shmSize?: number;
  /** --init: the host path of tini-static, bind-mounted read-only at /sbin/docker-init. */
  init?: { hostPath: string };
  /** "writable-cgroups" security option; absent = as privileged. */
  writableCgroups?: boolean;
  /** os.release(), for seccomp rules that need a minimum kernel; absent = new enough. */
  kernelRelease?: string;
  annotations?: Record<string, string>;
  /** Memory, CPU and pids limits. */
  resources?: ResourceInput;
}
