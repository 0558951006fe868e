/**
 * Layer decompression chosen by the stream's first bytes, not by a media type: registries
 * and `docker save` archives mislabel layers often enough that Docker sniffs too.
 *
 * gzip runs in Node's zlib (in the thread pool) with 1 MiB output chunks — measured here at
 * ~530 MB/s against ~225 MB/s with the default 16 KiB. zstd runs as one `zstd -dc` child per
 * layer, because Node 20's zlib has no zstd. Whoever opens a stream must `close()` it: that
 * ends the child or the zlib stream even when the consumer stopped early.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import { InvalidArgumentError, NotImplementedError, SystemError } from '../errors/index.js';

export type Compression = 'none' | 'gzip' | 'zstd';

const GZIP_CHUNK_BYTES = 1024 * 1024;
const MAGIC_BYTES = 6;

/** The compression a stream starts with; throws for formats lading does not unpack. */
export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
    throw new NotImplementedError('xz-compressed layers are not supported (only gzip, zstd, or none)');
  }
  if (head.length >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') {
    throw new NotImplementedError('bzip2-compressed layers are not supported (only gzip, zstd, or none)');
  }
  return 'none';
}

/** Layer bytes: a Readable, any async iterable of chunks, or (for tests) an array of them. */
export type LayerSource = AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>;

export interface DecompressedStream {
  readonly compression: Compression;
  /** The uncompressed bytes; iterate once. */
  readonly chunks: AsyncIterable<Buffer>;
  /** Compressed bytes handed to the decompressor so far (all bytes when 'none'). */
  compressedBytes(): number;
  /** Stops everything (kills zstd, destroys zlib); safe to call more than once. */
  close(): Promise<void>;
}

/** Reads just enough of `source` to recognise it, then returns the uncompressed stream. */
export async function openDecompressed(source: LayerSource): Promise<DecompressedStream> {
  const iterator: AsyncIterator<Buffer | Uint8Array> | Iterator<Buffer | Uint8Array> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let sourceDone = false;
  while (headBytes < MAGIC_BYTES) {
    const next = await iterator.next();
    if (next.done === true) {
      sourceDone = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    head.push(chunk);
    headBytes += chunk.length;
  }
  const compression = detectCompression(Buffer.concat(head));

  let compressed = 0;
  let closed = false;
  // A failure of the source itself (a dropped connection) must surface as what it is, not
  // as "invalid gzip/zstd" from a decompressor that merely saw its input end.
  const failure: SourceFailure = { error: undefined };
  async function* raw(): AsyncGenerator<Buffer> {
    try {
      for (const chunk of head) {
        compressed += chunk.length;
        yield chunk;
      }
      while (!sourceDone && !closed) {
        let next: IteratorResult<Buffer | Uint8Array>;
        try {
          next = await iterator.next();
        } catch (err) {
          failure.error = err;
          sourceDone = true; // a failed iterator is finished; do not call return() on it
          throw err;
        }
        if (next.done === true) break;
        const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        compressed += chunk.length;
        yield chunk;
      }
    } finally {
      // Tell the source we are done with it (closes a file or socket stream early).
      if (!sourceDone) await iterator.return?.();
    }
  }

  const base = { compression, compressedBytes: () => compressed };
  switch (compression) {
    case 'none': {
      const chunks = raw();
      return {
        ...base,
        chunks,
        close: async () => {
          closed = true;
          await chunks.return(undefined).catch(() => undefined);
        },
      };
    }
    case 'gzip':
      return { ...base, ...gunzip(raw(), failure, () => (closed = true)) };
    case 'zstd':
      return { ...base, ...unzstd(raw(), failure, () => (closed = true)) };
  }
}

interface SourceFailure {
  error: unknown;
}

function gunzip(
  input: AsyncGenerator<Buffer>,
  failure: SourceFailure,
  markClosed: () => void,
): Pick<DecompressedStream, 'chunks' | 'close'> {
  // A readable buffer of several chunks lets zlib (in the thread pool) inflate ahead while the
  // main thread hashes and writes; with the default it waits for each chunk to be taken.
  const inflate = createGunzip({
    chunkSize: GZIP_CHUNK_BYTES,
    readableHighWaterMark: 4 * GZIP_CHUNK_BYTES,
  } as ZlibOptions);
  const feeding = pipeline(Readable.from(input, { objectMode: false }), inflate).catch((err: unknown) => {
    inflate.destroy(asError(err));
  });
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of inflate) yield chunk as Buffer;
    } catch (err) {
      if (failure.error !== undefined) throw failure.error;
      throw new InvalidArgumentError(`layer is not valid gzip: ${asError(err).message}`, { cause: err });
    }
    await feeding;
  }
  return {
    chunks: chunks(),
    close: async () => {
      markClosed();
      inflate.destroy();
      await feeding;
    },
  };
}

function unzstd(
  input: AsyncGenerator<Buffer>,
  failure: SourceFailure,
  markClosed: () => void,
): Pick<DecompressedStream, 'chunks' | 'close'> {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn('zstd', ['-d', '-c', '-q'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d;
  });
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  // A dead child makes stdin error with EPIPE; the exit status below is the real error.
  const feeding = pipeline(Readable.from(input, { objectMode: false }), child.stdin).catch(() => undefined);

  async function* chunks(): AsyncGenerator<Buffer> {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    await feeding;
    if (failure.error !== undefined) throw failure.error;
    const { code, error } = await exited;
    if (error !== undefined) throw new SystemError(`cannot run zstd: ${error.message}`, { cause: error });
    if (code !== 0)
      throw new InvalidArgumentError(`layer is not valid zstd: zstd exited ${code}: ${stderr.trim()}`);
  }
  return {
    chunks: chunks(),
    close: async () => {
      markClosed();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      child.stdout.destroy();
      child.stdin.destroy();
      await exited;
      await feeding;
    },
  };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
