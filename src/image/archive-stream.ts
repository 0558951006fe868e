/**
 * Receiving an image archive (`docker load`) from a stream, in one pass: the caller decides
 * for each regular file, as it arrives, what to do with its bytes (keep a small JSON member
 * in memory, extract a layer blob). Names are normalised and never used as paths here;
 * links are resolved by name in memory. Limits bound the entry count, name lengths and total
 * bytes; the archive may be gzip (undone with large chunks on zlib's thread, so it overlaps
 * with what the caller does with the bytes).
 */
import { PassThrough, pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readTarEntries } from '../archive/index.js';
import { InvalidArgumentError, NotImplementedError } from '../errors/index.js';

export interface SpoolLimits {
  maxEntries: number;
  /** Total bytes of regular files, uncompressed. */
  maxBytes: number;
  maxNameLength: number;
  /** Uncompressed ÷ compressed bytes a gzip archive may reach (a bomb is aborted past it). */
  maxRatio: number;
}

export const DEFAULT_SPOOL_LIMITS: SpoolLimits = {
  maxEntries: 100_000,
  maxBytes: 1024 ** 4,
  maxNameLength: 4096,
  maxRatio: 1000,
};

/** Headroom before the ratio applies, so tiny archives of zeros are not refused. */
const RATIO_SLACK_BYTES = 1024 * 1024;

const MAX_LINK_HOPS = 40;

/** Buffered decompressed bytes: lets gunzip run ahead of extraction. */
const GUNZIP_CHUNK = 1024 * 1024;
const GUNZIP_AHEAD = 4 * GUNZIP_CHUNK;

/** A view of the same bytes, never a copy: a gigabyte archive would otherwise be copied whole. */
function asBuffer(chunk: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** `./a//b/` → `a/b`; undefined for names that climb out (`..`) or are empty. */
export function normalizeArchiveName(name: string): string | undefined {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length === 0 ? undefined : parts.join('/');
}

/** archive name → archive name it links to (symlink resolved against its directory, or hardlink). */
export class ArchiveLinks {
  readonly links = new Map<string, string>();

  /** Follows links from `name` until `exists` says yes; undefined if it never does. */
  resolve(name: string, exists: (name: string) => boolean): string | undefined {
    let current = normalizeArchiveName(name);
    for (let hops = 0; current !== undefined && hops <= MAX_LINK_HOPS; hops++) {
      if (exists(current)) return current;
      current = this.links.get(current);
    }
    return undefined;
  }
}

/** Reads a few bytes to recognise compression; gzip is undone, other formats are refused. */
interface Input {
  stream: Readable;
  compressed: boolean;
  /** Bytes received from the source so far (compressed bytes for a gzip archive). */
  received(): number;
}

async function decompressed(source: AsyncIterable<Buffer | Uint8Array>): Promise<Input> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < 6) {
    const next = await iterator.next();
    if (next.done === true) {
      done = true;
      break;
    }
    const chunk = asBuffer(next.value);
    head.push(chunk);
    size += chunk.length;
  }
  const first = Buffer.concat(head);
  let received = first.length;
  async function* all(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (done) return;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      received += next.value.length;
      yield asBuffer(next.value);
    }
  }
  const raw = Readable.from(all(), { objectMode: false, highWaterMark: 1024 * 1024 });
  if (first[0] === 0x1f && first[1] === 0x8b) {
    // The buffer after gunzip keeps zlib busy (on its thread) while the consumer extracts.
    const ahead = new PassThrough({ highWaterMark: GUNZIP_AHEAD });
    pipeline(raw, createGunzip({ chunkSize: GUNZIP_CHUNK }), ahead, () => undefined);
    return { stream: ahead, compressed: true, received: () => received };
  }
  if (first.length >= 4 && first.readUInt32LE(0) === 0xfd2fb528) {
    throw new NotImplementedError('zstd-compressed image archives are not supported; decompress first');
  }
  if (
    first.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) ||
    first.subarray(0, 3).toString('latin1') === 'BZh'
  ) {
    throw new NotImplementedError('xz and bzip2 image archives are not supported; use gzip or none');
  }
  return { stream: raw, compressed: false, received: () => received };
}

export interface ArchiveFile {
  /** Normalised archive name. */
  name: string;
  size: number;
  body: AsyncIterable<Buffer>;
}

/**
 * Reads the archive; calls `onFile` for each regular file (awaited: the next entry waits)
 * and `onLink` when a link takes a name (replacing a file of that name, if any), and returns
 * the links seen. `onFile` may leave part of the body unread: it is skipped.
 */
export async function readArchive(
  source: AsyncIterable<Buffer | Uint8Array>,
  onFile: (file: ArchiveFile) => Promise<void>,
  onLink: (name: string) => Promise<void>,
  limits: SpoolLimits = DEFAULT_SPOOL_LIMITS,
  signal?: AbortSignal,
): Promise<ArchiveLinks> {
  const links = new ArchiveLinks();
  const input = await decompressed(source);
  let unpacked = 0;
  const guarded = async function* (): AsyncGenerator<Buffer> {
    for await (const chunk of input.stream as AsyncIterable<Buffer>) {
      unpacked += chunk.length;
      if (input.compressed && unpacked > limits.maxRatio * input.received() + RATIO_SLACK_BYTES) {
        throw new InvalidArgumentError(
          `invalid archive: expands more than ${limits.maxRatio}:1 (a decompression bomb?)`,
        );
      }
      yield chunk;
    }
  };
  let entries = 0;
  let bytes = 0;
  try {
    for await (const entry of readTarEntries(guarded())) {
      signal?.throwIfAborted();
      if (++entries > limits.maxEntries) {
        throw new InvalidArgumentError(`invalid archive: more than ${limits.maxEntries} entries`);
      }
      if (entry.name.length > limits.maxNameLength)
        throw new InvalidArgumentError('invalid archive: name too long');
      const name = normalizeArchiveName(entry.name);
      if (name === undefined) {
        if (entry.type === 'dir') continue;
        throw new InvalidArgumentError(
          `invalid archive: entry ${JSON.stringify(entry.name)} escapes the archive`,
        );
      }
      if (entry.type === 'file') {
        bytes += entry.size;
        if (bytes > limits.maxBytes) {
          throw new InvalidArgumentError(`invalid archive: larger than ${limits.maxBytes} bytes`);
        }
        links.links.delete(name);
        await onFile({ name, size: entry.size, body: entry.body });
        continue;
      }
      if (entry.type === 'symlink' || entry.type === 'hardlink') {
        const linkname = entry.linkname;
        const base =
          entry.type === 'symlink' && !linkname.startsWith('/') ? name.split('/').slice(0, -1).join('/') : '';
        const target = normalizeArchiveName(base === '' ? linkname : `${base}/${linkname}`);
        if (target !== undefined) {
          links.links.set(name, target);
          await onLink(name);
        }
      }
      // Directories, devices and the rest carry nothing a loader reads.
    }
  } finally {
    input.stream.destroy();
  }
  if (entries === 0) throw new InvalidArgumentError('invalid archive: empty');
  return links;
}
