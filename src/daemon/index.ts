export { Daemon, type DaemonOptions } from './daemon.js';
export * from './config/index.js';
