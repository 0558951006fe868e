/** The runtime module: containerd supervision, the containerd client, and stdio FIFOs. */
export type {
  CallOptions,
  ContainerdClient,
  ContainerdVersion,
  CreateContainerRequest,
  CreateTaskRequest,
  EventSubscription,
  ExecProcessRequest,
  ProcessExit,
  ProcessStdio,
  RuntimeEvent,
  TaskState,
  TaskStatus,
} from './containerd-client.js';
export { GrpcContainerdClient, type GrpcContainerdClientOptions } from './grpc-containerd-client.js';
export { ProcessFifos, type ProcessFifosOptions } from './process-fifos.js';
export {
  ContainerdProcess,
  type ContainerdProcessOptions,
  type ContainerdStartedEvent,
} from './containerd-process.js';
export { containerdPaths, type ContainerdPaths } from './containerd-config.js';
export { timestampToRfc3339, ZERO_TIME } from './protobuf-time.js';
