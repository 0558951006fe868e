/**
 * Runs one measured operation with warm-ups and repeats, and summarises it the way every
 * benchmark reports: median wall time, CPU seconds and peak RSS of the processes doing the
 * work (read from /proc for daemons, from GNU time's rusage for one-shot commands).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Sample {
  wallMs: number;
  cpuSeconds?: number;
  peakRssKiB?: number;
}

export interface Summary {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  medianCpuSeconds?: number;
  maxPeakRssKiB?: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarise(samples: Sample[]): Summary {
  const walls = samples.map((s) => s.wallMs);
  const cpus = samples.flatMap((s) => (s.cpuSeconds === undefined ? [] : [s.cpuSeconds]));
  const rss = samples.flatMap((s) => (s.peakRssKiB === undefined ? [] : [s.peakRssKiB]));
  return {
    runs: samples.length,
    medianMs: median(walls),
    minMs: Math.min(...walls),
    maxMs: Math.max(...walls),
    ...(cpus.length ? { medianCpuSeconds: median(cpus) } : {}),
    ...(rss.length ? { maxPeakRssKiB: Math.max(...rss) } : {}),
  };
}

export async function repeat(
  options: { warmups: number; runs: number },
  once: () => Promise<Sample>,
): Promise<Summary> {
  for (let i = 0; i < options.warmups; i++) await once();
  const samples: Sample[] = [];
  for (let i = 0; i < options.runs; i++) samples.push(await once());
  return summarise(samples);
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds used so far by a process (user + system, its reaped children included). */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 0; utime 11, stime 12, cutime 13, cstime 14.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / CLOCK_TICKS;
}

/** Peak resident set (VmHWM) of a process in KiB. */
export function peakRssOf(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

/** Runs a command under GNU time and returns its wall time, CPU seconds and peak RSS. */
export function timeCommand(argv: string[], options: { shell?: boolean } = {}): Sample {
  const command = options.shell ? ['sh', '-c', argv.join(' ')] : argv;
  const result = spawnSync('/usr/bin/time', ['-f', 'LADING_BENCH %e %U %S %M', ...command], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed:\n${result.stderr}`);
  return parseTimeOutput(result.stderr);
}

export function parseTimeOutput(stderr: string): Sample {
  const line = stderr.split('\n').find((l) => l.startsWith('LADING_BENCH '));
  if (!line) throw new Error(`no timing in output:\n${stderr}`);
  const [, wall, user, sys, rss] = line.split(' ').map(Number);
  return { wallMs: wall! * 1000, cpuSeconds: user! + sys!, peakRssKiB: rss! };
}
