/**
 * The host's CPU time for the CPU % calculation: the sum of the first seven columns of the
 * `cpu` line of /proc/stat (user … softirq, as dockerd's getSystemCPUUsage), in nanoseconds,
 * and the number of `cpuN` lines (online CPUs).
 */
import { readFile } from 'node:fs/promises';

/** USER_HZ, the unit of /proc/stat and cpuacct.stat; 100 on every Linux architecture Docker supports. */
export const CLOCK_TICKS_PER_SECOND = 100;
export const NANOS_PER_TICK = 1e9 / CLOCK_TICKS_PER_SECOND;

export interface SystemCpu {
  systemUsage: number;
  onlineCpus: number;
}

export function parseProcStat(text: string): SystemCpu {
  let systemUsage = 0;
  let onlineCpus = 0;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'cpu') {
      if (fields.length < 8) throw new Error('invalid number of cpu fields');
      const ticks = fields.slice(1, 8).reduce((sum, field) => sum + Number(field), 0);
      systemUsage = ticks * NANOS_PER_TICK;
    } else if (/^cpu\d+$/.test(fields[0] ?? '')) {
      onlineCpus += 1;
    }
  }
  return { systemUsage, onlineCpus };
}

export async function readSystemCpu(procStatPath = '/proc/stat'): Promise<SystemCpu> {
  return parseProcStat(await readFile(procStatPath, 'utf8'));
}
