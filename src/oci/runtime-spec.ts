/**
 * The OCI runtime spec (config.json) as lading writes it for runc 1.1.5 (spec 1.0.2-dev):
 * only the fields lading sets, with the spec's wire names so a built object is the JSON.
 * Optional fields are left out rather than set to empty values, as Go's omitempty does.
 */

/** The spec version runc 1.1.5 reports (`runc --version`: "spec: 1.0.2-dev"). */
export const RUNTIME_SPEC_VERSION = '1.0.2-dev';

export interface RuntimeSpec {
  ociVersion: string;
  process: RuntimeProcess;
  root: RuntimeRoot;
  hostname?: string;
  mounts: RuntimeMount[];
  linux: RuntimeLinux;
  annotations?: Record<string, string>;
}

export interface RuntimeRoot {
  /** Absolute host path of the container's root filesystem (lading's overlay merged dir). */
  path: string;
  readonly?: boolean;
}

export interface RuntimeUser {
  uid: number;
  gid: number;
  umask?: number;
  additionalGids?: number[];
}

export interface RuntimeConsoleSize {
  height: number;
  width: number;
}

export interface RuntimeRlimit {
  /** "RLIMIT_NOFILE" … */
  type: string;
  /** A bigint only for values beyond 2^53 (RLIM_INFINITY); see runtime/spec runtimeSpecJson(). */
  hard: number | bigint;
  soft: number | bigint;
}

export interface RuntimeCapabilities {
  bounding?: string[];
  effective?: string[];
  inheritable?: string[];
  permitted?: string[];
  ambient?: string[];
}

export interface RuntimeProcess {
  terminal?: boolean;
  consoleSize?: RuntimeConsoleSize;
  user: RuntimeUser;
  args: string[];
  env?: string[];
  cwd: string;
  capabilities?: RuntimeCapabilities;
  rlimits?: RuntimeRlimit[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  selinuxLabel?: string;
}

export interface RuntimeMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export type NamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';

export interface RuntimeNamespace {
  type: NamespaceType;
  /** Join this namespace (a /proc/<pid>/ns/… or bind-mounted ns file) instead of making one. */
  path?: string;
}

export interface RuntimeDevice {
  type: string;
  path: string;
  major?: number;
  minor?: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface RuntimeDeviceCgroup {
  allow: boolean;
  type?: 'a' | 'c' | 'b';
  major?: number;
  minor?: number;
  access?: string;
}

export interface RuntimeResources {
  devices?: RuntimeDeviceCgroup[];
  memory?: { limit?: number; reservation?: number; swap?: number; disableOOMKiller?: boolean };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
  pids?: { limit: number };
}

export type SeccompAction =
  | 'SCMP_ACT_KILL'
  | 'SCMP_ACT_KILL_PROCESS'
  | 'SCMP_ACT_KILL_THREAD'
  | 'SCMP_ACT_TRAP'
  | 'SCMP_ACT_ERRNO'
  | 'SCMP_ACT_TRACE'
  | 'SCMP_ACT_ALLOW'
  | 'SCMP_ACT_LOG'
  | 'SCMP_ACT_NOTIFY';

export type SeccompOperator =
  | 'SCMP_CMP_NE'
  | 'SCMP_CMP_LT'
  | 'SCMP_CMP_LE'
  | 'SCMP_CMP_EQ'
  | 'SCMP_CMP_GE'
  | 'SCMP_CMP_GT'
  | 'SCMP_CMP_MASKED_EQ';

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: SeccompOperator;
}

export interface SeccompSyscall {
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: SeccompArg[];
}

export interface RuntimeSeccomp {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: SeccompSyscall[];
}

export interface RuntimeLinux {
  namespaces: RuntimeNamespace[];
  devices?: RuntimeDevice[];
  cgroupsPath?: string;
  resources?: RuntimeResources;
  sysctl?: Record<string, string>;
  seccomp?: RuntimeSeccomp;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  rootfsPropagation?: string;
}
