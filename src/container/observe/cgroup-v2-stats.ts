/**
 * One sample from the unified hierarchy (`<root><cgroupsPath>`), mapped as dockerd maps
 * containerd's v2 metrics: cpu.stat microseconds become nanoseconds, memory.current and
 * memory.max (`max` → the machine's memory), memory.stat, pids, and io.stat's rbytes/wbytes
 * as `read`/`write` entries (the other blkio lists stay null).
 */
import { join } from 'node:path';
import { effectiveLimit, omitZero, type CgroupReadOptions, type CgroupSample } from './cgroup-sample.js';
import { readKeyValues, readNumber, readText } from './cgroup-files.js';
import type { BlkioStatEntry } from './stats-types.js';

const NANOS_PER_MICRO = 1000;

/** `8:0 rbytes=1 wbytes=2 rios=…` → a read and a write entry per device. */
export function parseIoStat(text: string | undefined): BlkioStatEntry[] | null {
  const entries: BlkioStatEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [device, ...pairs] = line.trim().split(/\s+/);
    const match = /^(\d+):(\d+)$/.exec(device ?? '');
    if (!match) continue;
    const values = new Map(pairs.map((p) => p.split('=') as [string, string]));
    const major = Number(match[1]);
    const minor = Number(match[2]);
    entries.push(
      { major, minor, op: 'read', value: Number(values.get('rbytes') ?? 0) },
      { major, minor, op: 'write', value: Number(values.get('wbytes') ?? 0) },
    );
  }
  return entries.length > 0 ? entries : null;
}

export async function readCgroupV2(cgroupsPath: string, options: CgroupReadOptions): Promise<CgroupSample> {
  const dir = join(options.root, cgroupsPath);
  const cpu = await readKeyValues(join(dir, 'cpu.stat'));
  const micros = (key: string): number => (cpu?.get(key) ?? 0) * NANOS_PER_MICRO;
  const memoryStat = await readKeyValues(join(dir, 'memory.stat'));
  return {
    cpu: {
      cpu_usage: {
        total_usage: micros('usage_usec'),
        usage_in_kernelmode: micros('system_usec'),
        usage_in_usermode: micros('user_usec'),
      },
      throttling_data: {
        periods: cpu?.get('nr_periods') ?? 0,
        throttled_periods: cpu?.get('nr_throttled') ?? 0,
        throttled_time: micros('throttled_usec'),
      },
    },
    memory: omitZero({
      usage: await readNumber(join(dir, 'memory.current')),
      ...(memoryStat ? { stats: Object.fromEntries(memoryStat) } : {}),
      limit: effectiveLimit(await readNumber(join(dir, 'memory.max')), options.machineMemory),
    }),
    pids: omitZero({
      current: await readNumber(join(dir, 'pids.current')),
      limit: await readNumber(join(dir, 'pids.max')),
    }),
    blkio: {
      io_service_bytes_recursive: parseIoStat(await readText(join(dir, 'io.stat'))),
      io_serviced_recursive: null,
      io_queue_recursive: null,
      io_service_time_recursive: null,
      io_wait_time_recursive: null,
      io_merged_recursive: null,
      io_time_recursive: null,
      sectors_recursive: null,
    },
  };
}
