/**
 * `cgroupStats`: one stats sample of a container in Docker's JSON, from its cgroup files and
 * the host's /proc/stat. The caller keeps the previous sample and passes it back, which gives
 * `precpu_stats` and `preread` (the CPU % is the difference between the two), as dockerd's
 * stats stream does.
 */
import { access } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { readCgroupV1 } from './cgroup-v1-stats.js';
import { readCgroupV2 } from './cgroup-v2-stats.js';
import { zeroCpuStats } from './empty-stats.js';
import { formatGoTime } from '../model/go-time.js';
import { ZERO_TIME } from '../model/container-record.js';
import type { ContainerStats } from './stats-types.js';
import { readSystemCpu } from './system-cpu.js';

export interface CgroupStatsOptions {
  /** `/name` and the full id, copied into the sample. */
  name?: string;
  id?: string;
  /** Default /sys/fs/cgroup. */
  root?: string;
  /** Default /proc/stat. */
  procStat?: string;
  /** Default os.totalmem(). */
  machineMemory?: number;
  /** Default: the unified hierarchy when `<root>/cgroup.controllers` exists. */
  version?: 1 | 2;
  /** Default: the current time. */
  now?: Date;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** cgroup v2 when the root itself is a unified mount (a hybrid host's /sys/fs/cgroup is not). */
export async function cgroupVersion(root = '/sys/fs/cgroup'): Promise<1 | 2> {
  return (await exists(join(root, 'cgroup.controllers'))) ? 2 : 1;
}

/**
 * `cgroupsPath` is the runtime spec's linux.cgroupsPath (`/lading/<id>`). A cgroup that has
 * gone reads as zeros; callers that know the container stopped send `emptyStats` instead.
 */
export async function cgroupStats(
  cgroupsPath: string,
  previous?: ContainerStats,
  options: CgroupStatsOptions = {},
): Promise<ContainerStats> {
  const root = options.root ?? '/sys/fs/cgroup';
  const readOptions = { root, machineMemory: options.machineMemory ?? totalmem() };
  const version = options.version ?? (await cgroupVersion(root));
  const sample =
    version === 2
      ? await readCgroupV2(cgroupsPath, readOptions)
      : await readCgroupV1(cgroupsPath, readOptions);
  // Sampled right after the cgroup, as dockerd does, so the two deltas cover the same time.
  const system = await readSystemCpu(options.procStat);
  const stats: ContainerStats = {
    read: formatGoTime(BigInt((options.now ?? new Date()).getTime()) * 1_000_000n),
    preread: previous?.read ?? ZERO_TIME,
    pids_stats: sample.pids,
    blkio_stats: sample.blkio,
    num_procs: 0,
    storage_stats: {},
    cpu_stats: {
      cpu_usage: sample.cpu.cpu_usage,
      system_cpu_usage: system.systemUsage,
      online_cpus: system.onlineCpus,
      throttling_data: sample.cpu.throttling_data,
    },
    precpu_stats: previous?.cpu_stats ?? zeroCpuStats(),
    memory_stats: sample.memory,
  };
  if (options.name !== undefined) stats.name = options.name;
  if (options.id !== undefined) stats.id = options.id;
  return stats;
}
