/**
 * Reading the small text files of a cgroup. A file that is missing (a controller the kernel
 * lacks, a cgroup that just went away) reads as absent rather than failing the whole sample:
 * dockerd's stats also leave out what the kernel does not offer.
 */
import { readFile } from 'node:fs/promises';

export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENODEV' || code === 'ENOTDIR' || code === 'EINVAL') return undefined;
    throw err;
  }
}

/** A file holding one number (`max` and absent read as undefined). */
export async function readNumber(path: string): Promise<number | undefined> {
  const text = (await readText(path))?.trim();
  if (text === undefined || text === '' || text === 'max') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** `key value` lines (memory.stat, cpu.stat, cpuacct.stat) as a map of numbers. */
export async function readKeyValues(path: string): Promise<Map<string, number> | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key === undefined || key === '' || value === undefined) continue;
    const n = Number(value);
    if (Number.isFinite(n)) values.set(key, n);
  }
  return values;
}
