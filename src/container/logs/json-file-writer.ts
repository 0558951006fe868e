/**
 * The json-file log driver's writer: `<containers>/<id>/<id>-json.log`, one JSON object per
 * line, rotated to `<log>.1 … <log>.(max-file - 1)` like moby's loggerutils.LogFile — the size
 * is checked before each entry, so a file may exceed max-size by one entry.
 *
 * Writes go to disk in order through one async loop; readers that follow the log are woken
 * after each batch, each rotation and at close. A caller feeding it faster than the disk
 * takes is told to wait (write() returns false) once a megabyte is queued, which is how
 * Docker behaves too (a full disk queue blocks the container's output).
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { goJsonQuote, goJsonStringMap } from './go-json.js';
import { LineSplitter, type LogMessage, type LogStreamName } from './line-splitter.js';
import { formatGoTime } from '../model/go-time.js';
import type { JsonFileSettings } from './log-options.js';

/** What the stdio hub feeds: raw output chunks of each stream, and their ends. */
export interface LogSink {
  /** Logs a chunk; false means "wait for drained() before sending more". */
  write(stream: LogStreamName, chunk: Buffer): boolean;
  /** Resolves once the queue is below its limit again. */
  drained(): Promise<void>;
  /** The stream ended: its unfinished line is logged as a partial entry. */
  endStream(stream: LogStreamName): void;
  /** Resolves when everything given so far is on disk. */
  flush(): Promise<void>;
  /** Flushes every stream's unfinished line, writes everything, closes the file. */
  close(): Promise<void>;
}

/** What a following reader needs from the live writer of a log. */
export interface LogProducer {
  /** Inode of the file being written now (changes at rotation); undefined once closed. */
  currentInode(): number | undefined;
  readonly closed: boolean;
  /** Resolves at the next append, rotation or close (or when `signal` aborts). */
  nextChange(signal?: AbortSignal): Promise<void>;
}

export interface JsonFileWriterOptions extends JsonFileSettings {
  path: string;
  /** Called with a write or rotation error; the entry is lost and logging goes on (as dockerd). */
  onError?: (err: Error) => void;
}

const QUEUE_LIMIT = 1024 * 1024;
const NEWLINE = Buffer.from('\n');

export class JsonFileWriter implements LogSink, LogProducer {
  private queue: { entry: Buffer }[] = [];
  private queuedBytes = 0;
  private size: number;
  private inode: number | undefined;
  private writing: Promise<void> | undefined;
  private changeWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private readonly splitters: Record<LogStreamName, LineSplitter>;
  private readonly attrs: Buffer | undefined;
  private isClosed = false;

  private constructor(
    private readonly options: JsonFileWriterOptions,
    private file: FileHandle,
    size: number,
    inode: number,
  ) {
    this.size = size;
    this.inode = inode;
    this.attrs = Object.keys(options.attrs).length > 0 ? goJsonStringMap(options.attrs) : undefined;
    const emit = (message: LogMessage): void => this.enqueue(message);
    this.splitters = { stdout: new LineSplitter('stdout', emit), stderr: new LineSplitter('stderr', emit) };
  }

  /** Opens (or creates, mode 0640) the log for appending. */
  static async open(options: JsonFileWriterOptions): Promise<JsonFileWriter> {
    const file = await open(options.path, 'a', 0o640);
    const stat = await file.stat();
    return new JsonFileWriter(options, file, stat.size, stat.ino);
  }

  get path(): string {
    return this.options.path;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  currentInode(): number | undefined {
    return this.isClosed ? undefined : this.inode;
  }

  write(stream: LogStreamName, chunk: Buffer): boolean {
    if (this.isClosed) return true;
    this.splitters[stream].push(chunk);
    return this.queuedBytes < QUEUE_LIMIT;
  }

  drained(): Promise<void> {
    if (this.queuedBytes < QUEUE_LIMIT) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  endStream(stream: LogStreamName): void {
    if (!this.isClosed) this.splitters[stream].end();
  }

  /** Writes a message directly (already split); for tests and for daemon notices. */
  log(message: LogMessage): void {
    if (!this.isClosed) this.enqueue(message);
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.splitters.stdout.end();
    this.splitters.stderr.end();
    await this.flush();
    this.isClosed = true;
    await this.file.close();
    this.notifyChange();
  }

  nextChange(signal?: AbortSignal): Promise<void> {
    if (this.isClosed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.changeWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private enqueue(message: LogMessage): void {
    const entry = encodeEntry(message, this.attrs);
    this.queue.push({ entry });
    this.queuedBytes += entry.length;
    this.writing ??= this.writeLoop().finally(() => {
      this.writing = undefined;
    });
  }

  private async writeLoop(): Promise<void> {
    while (this.queue.length > 0) {
      // Take entries up to the next rotation point; write them in one call.
      const batch: Buffer[] = [];
      let batchBytes = 0;
      let rotateFirst = false;
      while (this.queue.length > 0) {
        const { maxSize } = this.options;
        if (maxSize !== -1 && this.size + batchBytes >= maxSize) {
          rotateFirst = batch.length === 0;
          break;
        }
        const { entry } = this.queue.shift()!;
        batch.push(entry);
        batchBytes += entry.length;
      }
      try {
        if (rotateFirst) {
          await this.rotate();
          continue;
        }
        await writeAll(this.file, Buffer.concat(batch));
        this.size += batchBytes;
      } catch (err) {
        this.options.onError?.(err as Error);
      } finally {
        this.queuedBytes -= batchBytes;
      }
      this.notifyChange();
      if (this.queuedBytes < QUEUE_LIMIT) for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
  }

  /** moby's rotate: shift `.1 … .(N-2)` up by one, the live file to `.1`, start a fresh one. */
  private async rotate(): Promise<void> {
    const { path, maxFile } = this.options;
    await this.file.close();
    try {
      if (maxFile < 2) {
        await ignoreMissing(unlink(path));
      } else {
        await ignoreMissing(unlink(`${path}.${maxFile - 1}`));
        for (let i = maxFile - 1; i > 1; i--) await ignoreMissing(rename(`${path}.${i - 1}`, `${path}.${i}`));
        await ignoreMissing(rename(path, `${path}.1`));
      }
    } finally {
      // Truncate anyway in case the renames failed: logging must go on.
      this.file = await open(path, 'w', 0o640);
      this.inode = (await this.file.stat()).ino;
      this.size = 0;
      this.notifyChange();
    }
  }

  private notifyChange(): void {
    for (const wake of this.changeWaiters.splice(0)) wake();
  }
}

/** One line of the file: Docker's field order log, stream, attrs, time. */
export function encodeEntry(message: LogMessage, attrs?: Buffer): Buffer {
  const line = message.partial ? message.line : Buffer.concat([message.line, NEWLINE]);
  const parts: Buffer[] = [];
  parts.push(Buffer.from('{'));
  if (line.length > 0) parts.push(Buffer.from('"log":'), goJsonQuote(line, 'jsonlog'), Buffer.from(','));
  parts.push(Buffer.from(`"stream":"${message.stream}",`));
  if (attrs) parts.push(Buffer.from('"attrs":'), attrs, Buffer.from(','));
  parts.push(Buffer.from(`"time":"${formatGoTime(message.timeNs)}"}\n`));
  return Buffer.concat(parts);
}

async function writeAll(file: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await file.write(data, offset, data.length - offset, null);
    offset += bytesWritten;
  }
}

async function ignoreMissing(operation: Promise<void>): Promise<void> {
  try {
    await operation;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
