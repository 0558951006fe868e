/** Observing containers: stats from cgroups, `top` through the host's ps, and the refusals of pause/unpause. */
export { cgroupStats, cgroupVersion, type CgroupStatsOptions } from './cgroup-stats.js';
export { emptyStats, zeroCpuStats } from './empty-stats.js';
export { alreadyPausedError, notPausedError, notRunningError, restartingError } from './observe-errors.js';
export type * from './stats-types.js';
export { parseProcStat, readSystemCpu, type SystemCpu } from './system-cpu.js';
export {
  DEFAULT_PS_ARGS,
  parsePsOutput,
  topProcesses,
  validatePsArgs,
  type TopResult,
} from './top-processes.js';
