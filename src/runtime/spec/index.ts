/** The OCI runtime spec of a container and of an exec, with Docker's defaults. */
export { bindMountOptions, buildSpec } from './build-spec.js';
export { buildExecProcess, type ExecInput } from './exec-process.js';
export type {
  BindMountInput,
  NetworkNamespaceInput,
  ProcessInput,
  ProcessUser,
  SpecInput,
} from './spec-input.js';
export { runtimeSpecJson } from './spec-json.js';
export {
  ALL_CAPABILITIES,
  DEFAULT_CAPABILITIES,
  currentCapabilities,
  effectiveCapabilities,
  normalizeCapabilities,
} from './capabilities.js';
export { parseSecurityOpts, type SeccompChoice, type SecurityOptions } from './security-opts.js';
export { parseUlimit, rlimitsFor, validateUlimit, ULIMIT_NAMES, type UlimitInput } from './ulimits.js';
export { mergeTmpfsOptions, tmpfsMountOptions } from './tmpfs-options.js';
export {
  DEFAULT_PATH_ENV,
  DEFAULT_SHM_SIZE,
  DOCKER_MASKED_PATHS,
  DOCKER_READONLY_PATHS,
  INIT_PATH_IN_CONTAINER,
} from './docker-defaults.js';
export { DEFAULT_SECCOMP_PROFILE } from './seccomp-default-profile.js';
export { parseSeccompProfile, seccompForContainer, type SeccompProfile } from './seccomp-profile.js';
export { resourceLimits, type ResourceInput } from './resources.js';
