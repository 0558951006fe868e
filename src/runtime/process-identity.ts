/**
 * Telling "process 1234 is still the one that wrote this" from "pid 1234 was reused by
 * something else". The pid alone is not enough after a reboot or pid wrap-around; the start
 * time (field 22 of /proc/<pid>/stat, clock ticks since boot) is unique for a pid's lifetime.
 */
import { readdir, readFile } from 'node:fs/promises';

/** The start time of `pid` in clock ticks since boot, or undefined if no such process. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces and ')' itself,
  // so fields are counted from the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field 22 is rest[19]. A zombie still has a start time but is gone.
  if (rest[0] === 'Z') return undefined;
  return rest[19];
}

/** The direct children of `pid` (all threads), from /proc/<pid>/task/<tid>/children. */
export async function childPids(pid: number): Promise<number[]> {
  let tasks: string[];
  try {
    tasks = await readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children = new Set<number>();
  for (const tid of tasks) {
    const text = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '');
    for (const word of text.split(/\s+/)) if (word !== '') children.add(Number(word));
  }
  return [...children];
}
