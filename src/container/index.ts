/** Containers: the model and store, the lifecycle over containerd, stdio, logs and execs. */
export { ContainerManager } from './container-manager.js';
export type { ContainerManagerOptions } from './manager-context.js';
export type { ProcessSession } from './attach-session.js';
export type { ContainerFilterHelpers, ContainerRecord } from './model/index.js';
export { DEFAULT_INIT_PATH } from './spec/index.js';
