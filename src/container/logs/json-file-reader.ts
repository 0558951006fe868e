/**
 * Reads a json-file log (the live file and its rotated predecessors) as LogLines: stream
 * selection, `tail`, `since`/`until`, and `follow`, which keeps reading as the live writer
 * appends and rotates, and ends once the writer is closed (the container stopped) and every
 * entry is read, or when the signal aborts.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { LogProducer } from './json-file-writer.js';
import { decodeEntry, type LogLine } from './log-line.js';
import { secondsToNanos } from './log-time.js';
import { findTailStart } from './tail-offsets.js';

export interface ReadLogOptions {
  /** The live log file, `<id>-json.log`. */
  path: string;
  stdout: boolean;
  stderr: boolean;
  /** "all" (or anything not a number, as dockerd) or a count of lines from the end. */
  tail: string;
  /** Unix seconds with fraction; 0 = unset. */
  since: number;
  until: number;
  follow: boolean;
  /** The writer, when the container is running; without one, follow ends at the end of the file. */
  producer?: LogProducer;
  signal?: AbortSignal;
}

/** Rotated files are looked for up to this suffix (moby keeps max-file - 1 of them). */
const MAX_ROTATED = 10_000;
const CHUNK = 64 * 1024;
/**
 * The longest entry a reader keeps while looking for its newline. Entries lading writes
 * stay below 16 KiB × 6 (every byte escaped) plus the fields; anything longer is not one of
 * ours (a damaged file) and is skipped rather than held in memory.
 */
const MAX_ENTRY = 1024 * 1024;

/** dockerd's reading of `tail=`: a number, else everything (negative also means everything). */
export function parseTail(tail: string): number {
  if (!/^[+-]?\d+$/.test(tail.trim())) return -1;
  const n = Number(tail.trim());
  return n < 0 ? -1 : n;
}

interface Segment {
  file: FileHandle;
  offset: number;
  live: boolean;
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Opens the live file and the rotated ones, newest first, before reading any (rotation may run meanwhile). */
async function openAll(path: string): Promise<{ files: FileHandle[]; hasLive: boolean }> {
  const files: FileHandle[] = [];
  const live = await openIfExists(path);
  if (live) files.push(live);
  for (let i = 1; i <= MAX_ROTATED; i++) {
    const rotated = await openIfExists(`${path}.${i}`);
    if (!rotated) break;
    files.push(rotated);
  }
  return { files, hasLive: live !== undefined };
}

/** Which files to read from which offset, oldest first. Closes the files it does not need. */
async function planSegments(
  { files, hasLive }: { files: FileHandle[]; hasLive: boolean },
  tail: number,
): Promise<Segment[]> {
  const segments: Segment[] = [];
  let wanted = tail;
  let index = 0;
  for (; index < files.length; index++) {
    const file = files[index]!;
    const size = (await file.stat()).size;
    if (wanted < 0) {
      segments.unshift({ file, offset: 0, live: hasLive && index === 0 });
      continue;
    }
    const start = await findTailStart(file, size, wanted);
    segments.unshift({ file, offset: start.offset, live: hasLive && index === 0 });
    wanted -= start.lines;
    if (wanted <= 0) break;
  }
  for (const unused of files.slice(index + 1)) await unused.close();
  return segments;
}

export async function* readJsonFileLog(options: ReadLogOptions): AsyncGenerator<LogLine> {
  const tail = parseTail(options.tail);
  const sinceNs = options.since > 0 ? secondsToNanos(options.since) : undefined;
  const untilNs = options.until > 0 ? secondsToNanos(options.until) : undefined;
  const { producer, signal } = options;
  const following = options.follow && producer !== undefined && !producer.closed;

  const segments = await planSegments(await openAll(options.path), tail);
  const open = new Set(segments.map((s) => s.file));
  try {
    let liveFile: FileHandle | undefined;
    let liveOffset = 0;
    let carry: Buffer | undefined;
    for (const segment of segments) {
      if (segment.live && following) {
        liveFile = segment.file;
        liveOffset = segment.offset;
        break;
      }
      const reader = readLines(segment.file, segment.offset);
      for await (const raw of reader.lines()) {
        const verdict = filter(raw);
        if (verdict === 'stop') return;
        if (verdict) yield verdict;
        if (signal?.aborted) return;
      }
      open.delete(segment.file);
      await segment.file.close();
    }
    if (!following) return;

    // Follow: the live file, then each file that replaces it at rotation.
    let file = liveFile;
    let offset = liveOffset;
    while (!signal?.aborted) {
      if (!file) {
        const change = producer.nextChange(signal);
        file = await openIfExists(options.path);
        if (!file) {
          if (producer.closed) return;
          await change;
          continue;
        }
        open.add(file);
        offset = 0;
        carry = undefined;
      }
      const inode = (await file.stat()).ino;
      // Read what is there; the change promise is taken first so a write made meanwhile
      // still wakes us.
      const change = producer.nextChange(signal);
      const liveInode = producer.currentInode();
      const wasClosed = producer.closed;
      const reader = readLines(file, offset, carry);
      for await (const raw of reader.lines()) {
        const verdict = filter(raw);
        if (verdict === 'stop') return;
        if (verdict) yield verdict;
        if (signal?.aborted) return;
      }
      offset = reader.offset;
      carry = reader.carry;
      if (wasClosed) return;
      if (liveInode !== inode) {
        // Rotated away before we read to its end, so this file is complete: move on.
        open.delete(file);
        await file.close();
        file = undefined;
        continue;
      }
      await change;
    }
  } finally {
    for (const file of open) await file.close().catch(() => undefined);
  }

  function filter(raw: Buffer): LogLine | 'stop' | undefined {
    const entry = decodeEntry(raw);
    if (!entry) return undefined;
    if (untilNs !== undefined && entry.timeNs > untilNs) return 'stop';
    if (sinceNs !== undefined && entry.timeNs < sinceNs) return undefined;
    if (entry.stream === 'stdout' ? !options.stdout : !options.stderr) return undefined;
    return { stream: entry.stream, line: entry.line, time: entry.time, attrs: entry.attrs };
  }
}

/** Complete lines of `file` from `offset` to its current end; `carry` is an unfinished line. */
function readLines(
  file: FileHandle,
  startOffset: number,
  startCarry?: Buffer,
): { lines(): AsyncGenerator<Buffer>; offset: number; carry: Buffer | undefined } {
  const state = {
    offset: startOffset,
    carry: startCarry,
    async *lines(): AsyncGenerator<Buffer> {
      const buffer = Buffer.alloc(CHUNK);
      while (true) {
        const { bytesRead } = await file.read(buffer, 0, CHUNK, state.offset);
        if (bytesRead === 0) return;
        state.offset += bytesRead;
        let data = buffer.subarray(0, bytesRead);
        if (state.carry) {
          data = Buffer.concat([state.carry, data]);
          state.carry = undefined;
        }
        let start = 0;
        for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
          yield data.subarray(start, nl);
          start = nl + 1;
        }
        if (start < data.length) {
          // An over-long fragment is dropped; the line it belonged to fails to decode and is skipped.
          state.carry = data.length - start > MAX_ENTRY ? undefined : Buffer.from(data.subarray(start));
        }
      }
    },
  };
  return state;
}
