/** The lading CLI's public surface: run it, or reuse its Engine API client and formatting. */
export { runCli, buildProgram, versionLine } from './program.js';
export {
  EngineClient,
  EngineError,
  ConnectionError,
  lines,
  type HijackedConnection,
  type PingResult,
  type RequestOptions,
} from './engine-client.js';
export { DEFAULT_HOST, parseHost, resolveHost, type EngineEndpoint } from './host.js';
export { StatusError, EXIT_BAD_FORMAT, EXIT_FAILURE, EXIT_USAGE } from './cli-error.js';
export type { CliIO, CliContext } from './context.js';
export * from './format/index.js';
export { pullImage, pullMissingImage, type PullImageOptions } from './commands/pull.js';
export { pushImage, type PushImageOptions, type PushResult } from './commands/push.js';
export { registryAuthFor, credentialStore } from './credentials/index.js';
