/**
 * One container's line in `lading stats`, computed from a stats sample as the docker CLI does
 * (cli/command/container/stats_helpers.go): CPU % from the deltas against `precpu_stats`,
 * memory without the inactive page cache, block I/O summed by read/write, and the rows that
 * templates see (`.Container`, `.Name`, `.ID`, `.CPUPerc`, `.MemUsage`, `.MemPerc`, `.NetIO`,
 * `.BlockIO`, `.PIDs`), formatted with go-units.
 */

import { truncateId } from '../display.js';
import { bytesSize, humanSizeWithPrecision } from '../units.js';

/** The fields of the daemon's stats JSON that the CLI reads. */
export interface StatsSample {
  name?: string;
  id?: string;
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
    system_cpu_usage?: number;
    online_cpus?: number;
  };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  blkio_stats?: { io_service_bytes_recursive?: { op: string; value: number }[] | null };
  pids_stats?: { current?: number };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

export interface StatsEntry {
  /** What the user named (or the id when listing all). */
  container: string;
  name: string;
  id: string;
  cpuPercentage: number;
  memory: number;
  memoryLimit: number;
  memoryPercentage: number;
  networkRx: number;
  networkTx: number;
  blockRead: number;
  blockWrite: number;
  pidsCurrent: number;
  /** No sample could be read: every column shows `--`. */
  invalid: boolean;
}

export function emptyEntry(container: string): StatsEntry {
  return {
    container,
    name: '',
    id: '',
    cpuPercentage: 0,
    memory: 0,
    memoryLimit: 0,
    memoryPercentage: 0,
    networkRx: 0,
    networkTx: 0,
    blockRead: 0,
    blockWrite: 0,
    pidsCurrent: 0,
    invalid: false,
  };
}

function cpuPercent(s: StatsSample): number {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  let online = s.cpu_stats?.online_cpus ?? 0;
  if (online === 0) online = s.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
}

/** Usage minus inactive file cache: `total_inactive_file` on cgroup v1, `inactive_file` on v2. */
function memoryNoCache(memory: NonNullable<StatsSample['memory_stats']>): number {
  const usage = memory.usage ?? 0;
  const v1 = memory.stats?.['total_inactive_file'];
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = memory.stats?.['inactive_file'] ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

export function entryFromSample(container: string, s: StatsSample): StatsEntry {
  let blockRead = 0;
  let blockWrite = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const first = e.op.charAt(0).toLowerCase();
    if (first === 'r') blockRead += e.value;
    else if (first === 'w') blockWrite += e.value;
  }
  let networkRx = 0;
  let networkTx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    networkRx += n.rx_bytes ?? 0;
    networkTx += n.tx_bytes ?? 0;
  }
  const memory = memoryNoCache(s.memory_stats ?? {});
  const memoryLimit = s.memory_stats?.limit ?? 0;
  return {
    container,
    name: s.name ?? '',
    id: s.id ?? '',
    cpuPercentage: cpuPercent(s),
    memory,
    memoryLimit,
    memoryPercentage: memoryLimit !== 0 ? (memory / memoryLimit) * 100 : 0,
    networkRx,
    networkTx,
    blockRead,
    blockWrite,
    pidsCurrent: s.pids_stats?.current ?? 0,
    invalid: false,
  };
}

/** A row as templates see it; keys sorted as docker's `{{json .}}` prints them. */
export interface StatsRow {
  BlockIO: string;
  CPUPerc: string;
  Container: string;
  ID: string;
  MemPerc: string;
  MemUsage: string;
  Name: string;
  NetIO: string;
  PIDs: string;
}

export const STATS_HEADERS: Record<string, string> = {
  Container: 'CONTAINER',
  ID: 'CONTAINER ID',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};

export const STATS_ROW_TYPE = '*container.statsContext';

export const DEFAULT_STATS_TABLE =
  'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

const percent = (n: number): string => `${n.toFixed(2)}%`;
const pair = (a: number, b: number): string =>
  `${humanSizeWithPrecision(a, 3)} / ${humanSizeWithPrecision(b, 3)}`;

export function statsRow(e: StatsEntry, trunc: boolean): StatsRow {
  const id = trunc ? truncateId(e.id) : e.id;
  if (e.invalid) {
    return {
      BlockIO: '--',
      CPUPerc: '--',
      Container: e.container,
      ID: id,
      MemPerc: '--',
      MemUsage: '-- / --',
      Name: '--',
      NetIO: '--',
      PIDs: '--',
    };
  }
  return {
    BlockIO: pair(e.blockRead, e.blockWrite),
    CPUPerc: percent(e.cpuPercentage),
    Container: e.container,
    ID: id,
    MemPerc: percent(e.memoryPercentage),
    MemUsage: `${bytesSize(e.memory)} / ${bytesSize(e.memoryLimit)}`,
    Name: e.name.length > 1 ? e.name.slice(1) : '--',
    NetIO: pair(e.networkRx, e.networkTx),
    PIDs: String(e.pidsCurrent),
  };
}
