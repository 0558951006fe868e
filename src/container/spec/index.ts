/** A container record turned into the input of its OCI runtime spec (user, workdir, env, options). */
export {
  containerSpecInput,
  execInput,
  thermalThrottlePaths,
  validateSpecOptions,
  DEFAULT_INIT_PATH,
  type ContainerSpecPaths,
  type ExecRequestInput,
} from './container-spec-input.js';
export { containerEnv, replaceOrAppendEnv } from './container-env.js';
export { resolveUser, resolveUserFrom, type ResolvedUser } from './user-lookup.js';
export { checkExecWorkingDir, prepareWorkingDir, refuseKernelFsCwd } from './working-dir.js';
export { mkdirAllInRoot, readFileInRoot, resolveInRoot } from './in-root-path.js';
