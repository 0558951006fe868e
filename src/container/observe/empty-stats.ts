import { ZERO_TIME } from '../model/container-record.js';
import type { ContainerStats, CpuStats } from './stats-types.js';

/** A CPU sample of all zeros: precpu_stats before there is a previous sample. */
export function zeroCpuStats(): CpuStats {
  return {
    cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

/**
 * What dockerd sends for a container that is not running (or whose cgroup is gone): every
 * number zero, only the name and id set. `docker stats` shows such a container with zeros.
 */
export function emptyStats(name: string, id: string): ContainerStats {
  return {
    read: ZERO_TIME,
    preread: ZERO_TIME,
    pids_stats: {},
    blkio_stats: {
      io_service_bytes_recursive: null,
      io_serviced_recursive: null,
      io_queue_recursive: null,
      io_service_time_recursive: null,
      io_wait_time_recursive: null,
      io_merged_recursive: null,
      io_time_recursive: null,
      sectors_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: zeroCpuStats(),
    precpu_stats: zeroCpuStats(),
    memory_stats: {},
    name,
    id,
  };
}
