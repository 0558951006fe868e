export {
  createSandbox,
  removeSandbox,
  listSandboxes,
  type SandboxOptions,
  type SandboxInfo,
} from './sandbox.js';
export {
  attachEndpoint,
  detachEndpoint,
  leftoverVeths,
  type Endpoint,
  type EndpointOptions,
} from './endpoint.js';
