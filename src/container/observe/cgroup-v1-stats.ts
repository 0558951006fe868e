/**
 * One sample from cgroup v1, one directory per controller (`<root>/<controller><cgroupsPath>`),
 * with the fields containerd's v1 metrics give dockerd: cpuacct usage (ns) and its
 * user/system split (USER_HZ ticks), cpu.stat throttling, memory usage/max/failcnt/limit and
 * memory.stat, pids, and the blkio lists (the throttle files when the CFQ ones are empty).
 */
import { join } from 'node:path';
import { effectiveLimit, omitZero, type CgroupReadOptions, type CgroupSample } from './cgroup-sample.js';
import { readKeyValues, readNumber, readText } from './cgroup-files.js';
import type { BlkioStatEntry, BlkioStats } from './stats-types.js';
import { NANOS_PER_TICK } from './system-cpu.js';

/** A controller's directory; cpu and cpuacct may be co-mounted as `cpu,cpuacct`. */
async function controllerDir(root: string, names: string[], cgroupsPath: string): Promise<string> {
  for (const name of names) {
    const dir = join(root, name, cgroupsPath);
    if ((await readText(join(dir, 'cgroup.procs'))) !== undefined) return dir;
  }
  return join(root, names[0] ?? '', cgroupsPath);
}

/** `8:0 Read 4096` lines (`8:0 4096` for io_time and sectors); the `Total` line is skipped. */
export function parseBlkioEntries(text: string | undefined): BlkioStatEntry[] {
  const entries: BlkioStatEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const fields = line.trim().split(/\s+/);
    const device = /^(\d+):(\d+)$/.exec(fields[0] ?? '');
    if (!device) continue;
    const op = fields.length === 3 ? (fields[1] ?? '') : '';
    const value = Number(fields[fields.length - 1]);
    if (!Number.isFinite(value)) continue;
    entries.push({ major: Number(device[1]), minor: Number(device[2]), op, value });
  }
  return entries;
}

async function readBlkio(dir: string): Promise<BlkioStats> {
  const read = async (file: string): Promise<BlkioStatEntry[]> =>
    parseBlkioEntries(await readText(join(dir, `blkio.${file}`)));
  const withThrottle = async (file: string): Promise<BlkioStatEntry[]> => {
    const cfq = await read(file);
    return cfq.length > 0 ? cfq : read(`throttle.${file}`);
  };
  return {
    io_service_bytes_recursive: await withThrottle('io_service_bytes_recursive'),
    io_serviced_recursive: await withThrottle('io_serviced_recursive'),
    io_queue_recursive: await read('io_queued_recursive'),
    io_service_time_recursive: await read('io_service_time_recursive'),
    io_wait_time_recursive: await read('io_wait_time_recursive'),
    io_merged_recursive: await read('io_merged_recursive'),
    io_time_recursive: await read('time_recursive'),
    sectors_recursive: await read('sectors_recursive'),
  };
}

export async function readCgroupV1(cgroupsPath: string, options: CgroupReadOptions): Promise<CgroupSample> {
  const { root } = options;
  const cpuacct = await controllerDir(root, ['cpuacct', 'cpu,cpuacct', 'cpuacct,cpu'], cgroupsPath);
  const cpu = await controllerDir(root, ['cpu', 'cpu,cpuacct', 'cpuacct,cpu'], cgroupsPath);
  const memory = join(root, 'memory', cgroupsPath);
  const pids = join(root, 'pids', cgroupsPath);
  const blkio = join(root, 'blkio', cgroupsPath);

  const ticks = await readKeyValues(join(cpuacct, 'cpuacct.stat'));
  const perCpu = (await readText(join(cpuacct, 'cpuacct.usage_percpu')))
    ?.trim()
    .split(/\s+/)
    .filter((f) => f !== '')
    .map(Number);
  const throttling = await readKeyValues(join(cpu, 'cpu.stat'));
  const memoryStat = await readKeyValues(join(memory, 'memory.stat'));

  return {
    cpu: {
      cpu_usage: {
        total_usage: (await readNumber(join(cpuacct, 'cpuacct.usage'))) ?? 0,
        ...(perCpu && perCpu.length > 0 ? { percpu_usage: perCpu } : {}),
        usage_in_kernelmode: (ticks?.get('system') ?? 0) * NANOS_PER_TICK,
        usage_in_usermode: (ticks?.get('user') ?? 0) * NANOS_PER_TICK,
      },
      throttling_data: {
        periods: throttling?.get('nr_periods') ?? 0,
        throttled_periods: throttling?.get('nr_throttled') ?? 0,
        throttled_time: throttling?.get('throttled_time') ?? 0,
      },
    },
    memory: omitZero({
      usage: await readNumber(join(memory, 'memory.usage_in_bytes')),
      max_usage: await readNumber(join(memory, 'memory.max_usage_in_bytes')),
      ...(memoryStat ? { stats: Object.fromEntries(memoryStat) } : {}),
      failcnt: await readNumber(join(memory, 'memory.failcnt')),
      limit: effectiveLimit(await readNumber(join(memory, 'memory.limit_in_bytes')), options.machineMemory),
    }),
    pids: omitZero({
      current: await readNumber(join(pids, 'pids.current')),
      limit: await readNumber(join(pids, 'pids.max')),
    }),
    blkio: await readBlkio(blkio),
  };
}
