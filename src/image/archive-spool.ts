/**
 * Receiving an image archive (`docker load`) from a stream: the tar order is the writer's
 * (docker puts manifest.json last), so every regular file is spooled to a private temp
 * directory first, under a numbered name — never under its archive path, so no entry can
 * name a place outside the spool, and links are resolved by name in memory, never on disk.
 * Limits bound the entry count, name lengths and total bytes; the archive may be gzip.
 */
import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { InvalidArgumentError, NotImplementedError } from '../errors/index.js';
import { readTarEntries } from './tar-reader.js';

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

export class SpooledArchive {
  /** archive name → spool file */
  readonly files = new Map<string, string>();
  /** archive name → archive name it links to (symlink resolved against its directory, or hardlink) */
  readonly links = new Map<string, string>();

  constructor(readonly dir: string) {}

  /** The spool file holding `name`, following links; undefined if the archive has none. */
  path(name: string): string | undefined {
    let current = normalizeArchiveName(name);
    for (let hops = 0; current !== undefined && hops <= MAX_LINK_HOPS; hops++) {
      const file = this.files.get(current);
      if (file !== undefined) return file;
      current = this.links.get(current);
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.path(name) !== undefined;
  }

  /** A small member (JSON metadata) read whole, refusing anything above `limit` bytes. */
  async read(name: string, limit: number): Promise<Buffer> {
    const path = this.path(name);
    if (path === undefined) throw new InvalidArgumentError(`invalid archive: ${name} not found`);
    const { size } = await stat(path);
    if (size > limit)
      throw new InvalidArgumentError(`invalid archive: ${name} is ${size} bytes (limit ${limit})`);
    return readFile(path);
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
    const chunk = Buffer.from(next.value);
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
      yield Buffer.from(next.value);
    }
  }
  const raw = Readable.from(all(), { objectMode: false, highWaterMark: 1024 * 1024 });
  if (first[0] === 0x1f && first[1] === 0x8b) {
    const gunzip = createGunzip({ chunkSize: 1024 * 1024 });
    raw.on('error', (err) => gunzip.destroy(err));
    return { stream: raw.pipe(gunzip), compressed: true, received: () => received };
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

/** Passes bytes through, failing once a gzip archive expands past the allowed ratio. */
function ratioGuard(input: Input, limits: SpoolLimits, total: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total.bytes += chunk.length;
      if (input.compressed && total.bytes > limits.maxRatio * input.received() + RATIO_SLACK_BYTES) {
        callback(
          new InvalidArgumentError(
            `invalid archive: expands more than ${limits.maxRatio}:1 (a decompression bomb?)`,
          ),
        );
        return;
      }
      callback(null, chunk);
    },
  });
}

export async function spoolArchive(
  source: AsyncIterable<Buffer | Uint8Array>,
  dir: string,
  limits: SpoolLimits = DEFAULT_SPOOL_LIMITS,
  signal?: AbortSignal,
): Promise<SpooledArchive> {
  const spool = new SpooledArchive(dir);
  const input = await decompressed(source);
  const unpacked = { bytes: 0 };
  let entries = 0;
  let bytes = 0;
  try {
    for await (const entry of readTarEntries(input.stream)) {
      signal?.throwIfAborted();
      if (++entries > limits.maxEntries) {
        throw new InvalidArgumentError(`invalid archive: more than ${limits.maxEntries} entries`);
      }
      if (entry.name.length > limits.maxNameLength)
        throw new InvalidArgumentError('invalid archive: name too long');
      const name = normalizeArchiveName(entry.name);
      if (name === undefined) {
        if (entry.type === 'directory') continue;
        throw new InvalidArgumentError(
          `invalid archive: entry ${JSON.stringify(entry.name)} escapes the archive`,
        );
      }
      if (entry.type === 'file') {
        bytes += entry.size;
        if (bytes > limits.maxBytes) {
          throw new InvalidArgumentError(`invalid archive: larger than ${limits.maxBytes} bytes`);
        }
        const file = join(dir, String(entries));
        await pipeline(
          entry.body,
          ratioGuard(input, limits, unpacked),
          createWriteStream(file, { mode: 0o600, highWaterMark: 1024 * 1024 }),
        );
        spool.files.set(name, file);
        spool.links.delete(name);
        continue;
      }
      if (entry.type === 'symlink' || entry.type === 'link') {
        const linkname = entry.linkname;
        const base =
          entry.type === 'symlink' && !linkname.startsWith('/') ? name.split('/').slice(0, -1).join('/') : '';
        const target = normalizeArchiveName(base === '' ? linkname : `${base}/${linkname}`);
        if (target !== undefined) {
          spool.links.set(name, target);
          spool.files.delete(name);
        }
      }
      // Directories, devices and the rest carry nothing a loader reads.
    }
  } catch (err) {
    input.stream.destroy();
    throw err;
  }
  if (entries === 0) throw new InvalidArgumentError('invalid archive: empty');
  return spool;
}
