/**
 * Writes a tar-split recording (format in tar-split.ts) while applyLayer reads the tar: the
 * tar reader hands over every byte that is not a stored file body, and each stored body as
 * (path, size). Raw bytes are gathered into segments of at most RAW_SEGMENT_BYTES, so the
 * recorder holds one such buffer, a batch of lines and at most MAX_QUEUED (plus one input
 * chunk's worth) that gzip has not yet taken; applyLayer awaits `ready()` after each input
 * chunk, so a slow destination slows extraction down instead of filling memory.
 */
import { once } from 'node:events';
import { closeSync, openSync, unlinkSync, write } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { TarRecorder } from './tar-reader.js';
import { TAR_SPLIT_HEADER, TarSplitError } from './tar-split.js';

/** 64 KiB of raw bytes is ~87 KiB of base64 per line, far below the reader's line limit. */
const RAW_SEGMENT_BYTES = 64 * 1024;
/**
 * Lines go to gzip in batches: each gzip write is a round trip to the thread pool, and one
 * per line (two per small file) doubled the CPU time of extracting 20,000 small files.
 */
const BATCH_CHARS = 64 * 1024;
/**
 * How much may wait for gzip before extraction waits for it. Far above zlib's 16 KiB
 * high-water mark, which would make every input chunk wait and so serialise extraction
 * and compression; still a fixed bound on memory.
 */
const MAX_QUEUED = 4 * 1024 * 1024;

/** Where a recording goes: a new file (created exclusively) or a stream the caller owns. */
export type TarSplitTarget = Writable | string;

/**
 * Writes to a descriptor it never closes. fs.WriteStream closes its fd when destroyed, even
 * with autoClose off, which would leave the recorder closing a number someone may reuse.
 */
function descriptorWritable(fd: number): Writable {
  const writeAll = (chunk: Buffer, done: (err?: Error | null) => void): void => {
    write(fd, chunk, 0, chunk.length, null, (err, written) => {
      if (err !== null || written === chunk.length) done(err);
      else writeAll(chunk.subarray(written), done);
    });
  };
  return new Writable({ write: (chunk: Buffer, _encoding, done) => writeAll(chunk, done) });
}

export class TarSplitRecorder implements TarRecorder {
  // Level 1: recordings are mostly headers and zero padding, which even the fastest level
  // squeezes well, and the compression runs beside extraction on the hot path.
  private readonly gzip = createGzip({ level: 1 });
  private readonly done: Promise<void>;
  private readonly pending = Buffer.allocUnsafe(RAW_SEGMENT_BYTES);
  private pendingBytes = 0;
  private batch: string[] = [];
  private batchChars = 0;
  private bytes = 0;
  private fd: number | undefined;
  private failure: unknown;

  private constructor(
    destination: Writable,
    fd: number | undefined,
    private readonly path: string | undefined,
  ) {
    this.fd = fd;
    this.done = pipeline(this.gzip, destination);
    // Kept for ready(), so a failed destination stops extraction at the next chunk.
    this.done.catch((err: unknown) => {
      this.failure = err;
    });
    this.writeLine(`${JSON.stringify(TAR_SPLIT_HEADER)}\n`);
  }

  static open(target: TarSplitTarget): TarSplitRecorder {
    if (typeof target !== 'string') return new TarSplitRecorder(target, undefined, undefined);
    // Opened here, synchronously and exclusively, so abort() only ever removes our own file.
    const fd = openSync(target, 'wx', 0o600);
    return new TarSplitRecorder(descriptorWritable(fd), fd, target);
  }

  /** Uncompressed tar bytes accounted for so far. */
  get size(): number {
    return this.bytes;
  }

  raw(bytes: Buffer): void {
    this.bytes += bytes.length;
    for (let at = 0; at < bytes.length;) {
      const take = Math.min(RAW_SEGMENT_BYTES - this.pendingBytes, bytes.length - at);
      bytes.copy(this.pending, this.pendingBytes, at, at + take);
      this.pendingBytes += take;
      at += take;
      if (this.pendingBytes === RAW_SEGMENT_BYTES) this.flushRaw();
    }
  }

  file(path: string, size: number): void {
    this.flushRaw();
    this.bytes += size;
    // Built by hand: base64 and numbers need no escaping, and JSON.stringify was a hot spot.
    this.writeLine(`{"f":"${Buffer.from(path, 'latin1').toString('base64')}","s":${size}}\n`);
  }

  /** Resolves once gzip can take more; rejects if writing the recording failed. */
  async ready(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.gzip.writableLength <= MAX_QUEUED) return;
    await Promise.race([once(this.gzip, 'drain'), this.done]);
  }

  /**
   * Ends the recording, checking it covers all `totalBytes` of the tar. The file is not
   * fsynced here: the layer record that takes it in is the commit point, and fsyncs it with
   * the record's other files in one go (layer/durable-fs.ts).
   */
  async finish(totalBytes: number): Promise<void> {
    this.flushRaw();
    if (this.bytes !== totalBytes) {
      throw new TarSplitError(`tar-split recorded ${this.bytes} bytes of a ${totalBytes}-byte tar`);
    }
    this.writeLine(`{"end":${totalBytes}}\n`);
    this.flushBatch();
    this.gzip.end();
    await this.done;
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Stops writing; removes the file when it was ours, destroys the caller's stream otherwise. */
  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.done.catch(() => undefined);
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    if (this.path !== undefined) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone
      }
    }
  }

  private flushRaw(): void {
    if (this.pendingBytes === 0) return;
    this.writeLine(`{"r":"${this.pending.toString('base64', 0, this.pendingBytes)}"}\n`);
    this.pendingBytes = 0;
  }

  private writeLine(line: string): void {
    this.batch.push(line);
    this.batchChars += line.length;
    if (this.batchChars >= BATCH_CHARS) this.flushBatch();
  }

  private flushBatch(): void {
    if (this.batch.length === 0) return;
    this.gzip.write(this.batch.join(''));
    this.batch = [];
    this.batchChars = 0;
  }
}
