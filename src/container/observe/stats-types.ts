/**
 * The stats JSON of GET /containers/{id}/stats as dockerd writes it (moby api/types/container
 * StatsResponse, Linux fields). Optional fields are Go's `omitempty`: absent when zero.
 * Block I/O lists are `null` when cgroup v2 has nothing for them, as Go's nil slices.
 */

export interface BlkioStatEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface BlkioStats {
  io_service_bytes_recursive: BlkioStatEntry[] | null;
  io_serviced_recursive: BlkioStatEntry[] | null;
  io_queue_recursive: BlkioStatEntry[] | null;
  io_service_time_recursive: BlkioStatEntry[] | null;
  io_wait_time_recursive: BlkioStatEntry[] | null;
  io_merged_recursive: BlkioStatEntry[] | null;
  io_time_recursive: BlkioStatEntry[] | null;
  sectors_recursive: BlkioStatEntry[] | null;
}

export interface CpuUsage {
  /** Nanoseconds of CPU time the container used, in total and split by mode. */
  total_usage: number;
  /** cgroup v1 only. */
  percpu_usage?: number[];
  usage_in_kernelmode: number;
  usage_in_usermode: number;
}

export interface ThrottlingData {
  periods: number;
  throttled_periods: number;
  /** Nanoseconds. */
  throttled_time: number;
}

export interface CpuStats {
  cpu_usage: CpuUsage;
  /** Nanoseconds of host CPU time (all CPUs, /proc/stat) when the sample was taken. */
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: ThrottlingData;
}

export interface MemoryStats {
  usage?: number;
  /** cgroup v1 only. */
  max_usage?: number;
  /** memory.stat as numbers. */
  stats?: Record<string, number>;
  /** cgroup v1 only. */
  failcnt?: number;
  /** The cgroup's limit, or the machine's memory when unlimited (as dockerd). */
  limit?: number;
}

export interface PidsStats {
  current?: number;
  /** Absent when unlimited. */
  limit?: number;
}

export interface NetworkStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

export interface ContainerStats {
  /** Go time (RFC 3339, fraction without trailing zeros); the zero time before any sample. */
  read: string;
  preread: string;
  pids_stats: PidsStats;
  blkio_stats: BlkioStats;
  /** Windows only; always 0 here. */
  num_procs: number;
  /** Windows only; always empty here. */
  storage_stats: Record<string, never>;
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: MemoryStats;
  /** `/name`, as the container's Name. */
  name?: string;
  id?: string;
  /** Per interface; absent when the container has no network of its own. */
  networks?: Record<string, NetworkStats>;
}
