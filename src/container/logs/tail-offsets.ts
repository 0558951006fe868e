/**
 * Where the last N lines of a log begin, found by reading backwards from the end in blocks,
 * so `--tail 10` on a gigabyte of log reads a few kilobytes.
 */
import type { FileHandle } from 'node:fs/promises';

const BLOCK = 64 * 1024;

export interface TailStart {
  /** Offset of the first byte of the first line to show. */
  offset: number;
  /** Complete lines from `offset` to `size` (≤ wanted). */
  lines: number;
}

/**
 * Scans `file` (of `size` bytes) backwards for the start of its last `wanted` complete
 * ("\n"-terminated) lines. Bytes after the last newline (an entry still being written) do
 * not count as a line.
 */
export async function findTailStart(file: FileHandle, size: number, wanted: number): Promise<TailStart> {
  if (wanted <= 0) return { offset: size, lines: 0 };
  const buffer = Buffer.alloc(BLOCK);
  let newlines = 0;
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - BLOCK);
    const { bytesRead } = await file.read(buffer, 0, end - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buffer[i] !== 0x0a) continue;
      newlines++;
      // The first newline ends the last complete line; the (wanted + 1)-th ends the line
      // before the first one we want.
      if (newlines === wanted + 1) return { offset: start + i + 1, lines: wanted };
    }
    end = start;
  }
  return { offset: 0, lines: newlines };
}
