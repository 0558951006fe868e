import type { BlkioStats, CpuStats, MemoryStats, PidsStats } from './stats-types.js';

/** What one cgroup read gives, before the host's CPU time, times and names are added. */
export interface CgroupSample {
  cpu: CpuStats;
  memory: MemoryStats;
  pids: PidsStats;
  blkio: BlkioStats;
}

/** Where the hierarchy is mounted and how much memory the machine has (for "unlimited"). */
export interface CgroupReadOptions {
  /** The cgroup mount root; /sys/fs/cgroup on a real host, a temp dir in tests. */
  root: string;
  machineMemory: number;
}

/** dockerd reports the machine's memory as the limit when the cgroup's is larger (unlimited). */
export function effectiveLimit(limit: number | undefined, machineMemory: number): number | undefined {
  if (limit === undefined) return machineMemory > 0 ? machineMemory : undefined;
  return machineMemory > 0 && limit > machineMemory ? machineMemory : limit;
}

/** Drops zero values, as Go's `omitempty` does on the wire. */
export function omitZero<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== 0 && v !== undefined)) as T;
}
