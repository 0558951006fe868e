/**
 * tar-split: what it takes to give back a layer's tar byte for byte after extracting it.
 *
 * A layer's diffID is the sha256 of its exact tar, so `save` and `push` must send exactly
 * those bytes — whoever wrote them, in whatever order, with PAX records, uname/gname,
 * sub-second times or trailing zero blocks. diff-tar.ts can only rebuild tars written its
 * own way. So, as Docker does, extraction records every byte except the contents of the
 * regular files it stores, and replay splices those contents back in from the diff dir.
 *
 * THE FORMAT (lading's own; Docker's file name `tar-split.json.gz`, not its schema):
 * gzip of newline-delimited JSON, one object per line, read and written as streams:
 *
 *   {"tar-split":"lading","v":1}        first line, always
 *   {"r":"<base64>"}                    raw tar bytes (headers, PAX/long-name records,
 *                                       bodies nobody stores, padding, end blocks, trailing
 *                                       bytes), at most 64 KiB per line
 *   {"f":"<base64 path>","s":<size>}    the next <size> tar bytes are the content of the
 *                                       regular file at <path> in the diff dir
 *   {"end":<total bytes>}               last line, always: a cut-short recording is refused
 *
 * <path> is where extraction put the file (its path resolved inside the root, as raw name
 * bytes), not the entry's name: a name through an in-layer symlink lands elsewhere, and
 * replay never follows symlinks. Hard links, symlinks, devices, FIFOs, directories,
 * whiteouts and opaque markers have no stored content and are raw bytes only.
 *
 * Limits: a layer that writes the same file path twice cannot be replayed (the first
 * entry's content is gone; Docker's tar-split has the same gap). Replay checks every file's
 * size and, given the diffID, the sha256 of the whole stream, holding back the last chunk
 * until it is verified, so a consumer never sees a complete stream with the wrong bytes.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { SystemError } from '../errors/index.js';
import { Digester, type Digest } from '../oci/index.js';
import { InRootFiles } from './in-root-files.js';
import { printable } from './tar-reader.js';

export const TAR_SPLIT_HEADER = { 'tar-split': 'lading', v: 1 } as const;

/** The longest line accepted: a raw line is ~87 KiB; anything far bigger is not ours. */
const MAX_LINE_BYTES = 1024 * 1024;
const FILE_CHUNK = 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A recording that is damaged, or a diff dir that no longer matches it. */
export class TarSplitError extends SystemError {}

export type TarSplitSegment = { raw: Buffer } | { file: string; size: number };

/** The recording's lines, split without ever holding more than one line (≤ MAX_LINE_BYTES). */
async function* lines(recording: Readable): AsyncGenerator<string> {
  const gunzip = createGunzip();
  const feeding = pipeline(recording, gunzip);
  feeding.catch(() => undefined); // its error also ends the iteration below
  let partial: Buffer[] = [];
  let partialBytes = 0;
  let finished = false;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
        partial.push(chunk.subarray(from, nl));
        yield Buffer.concat(partial).toString('latin1');
        partial = [];
        partialBytes = 0;
        from = nl + 1;
      }
      if (from < chunk.length) {
        partial.push(chunk.subarray(from));
        partialBytes += chunk.length - from;
        if (partialBytes > MAX_LINE_BYTES)
          throw new TarSplitError('tar-split recording has an overlong line');
      }
    }
    await feeding;
    finished = true;
  } catch (err) {
    if (err instanceof TarSplitError) throw err;
    throw new TarSplitError(`tar-split recording is unreadable: ${(err as Error).message}`, { cause: err });
  } finally {
    if (!finished) {
      recording.destroy();
      gunzip.destroy();
    }
  }
  if (partialBytes > 0) throw new TarSplitError('tar-split recording ends inside a line');
}

function parseLine(line: string, number: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new TarSplitError(`tar-split recording line ${number} is not JSON`);
  }
}

/** The segments of a recording, validated; the header and end lines are checked, not yielded. */
export async function* readTarSplit(recording: Readable): AsyncGenerator<TarSplitSegment> {
  let number = 0;
  let total = 0;
  let ended = false;
  for await (const line of lines(recording)) {
    number++;
    if (ended) throw new TarSplitError('tar-split recording continues after its end line');
    const value = parseLine(line, number) as Record<string, unknown> | null;
    const bad = (): TarSplitError => new TarSplitError(`tar-split recording line ${number} is malformed`);
    if (typeof value !== 'object' || value === null) throw bad();
    if (number === 1) {
      if (value['tar-split'] !== TAR_SPLIT_HEADER['tar-split'] || value.v !== TAR_SPLIT_HEADER.v)
        throw new TarSplitError('not a lading tar-split recording (or a version this lading cannot read)');
      continue;
    }
    if (typeof value.r === 'string') {
      if (!BASE64.test(value.r)) throw bad();
      const raw = Buffer.from(value.r, 'base64');
      total += raw.length;
      yield { raw };
    } else if (typeof value.f === 'string' && typeof value.s === 'number') {
      if (!BASE64.test(value.f) || !Number.isSafeInteger(value.s) || value.s <= 0) throw bad();
      total += value.s;
      yield { file: Buffer.from(value.f, 'base64').toString('latin1'), size: value.s };
    } else if (typeof value.end === 'number') {
      if (value.end !== total)
        throw new TarSplitError(`tar-split recording covers ${total} bytes, its end line says ${value.end}`);
      ended = true;
    } else throw bad();
  }
  if (!ended) throw new TarSplitError('tar-split recording is cut short (no end line)');
}

async function openFile(files: InRootFiles, path: string, size: number) {
  let handle;
  try {
    handle = await files.open(path);
  } catch (err) {
    throw new TarSplitError(
      `cannot replay the layer: ${printable(path)} in its diff dir ${files.root}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const actual = (await handle.stat()).size;
  if (actual !== size) {
    await handle.close();
    throw new TarSplitError(
      `cannot replay the layer: ${printable(path)} in ${files.root} has ${actual} bytes, ` +
        `its tar-split says ${size} (the diff dir changed after extraction)`,
    );
  }
  return handle;
}

async function* fileContent(files: InRootFiles, path: string, size: number): AsyncGenerator<Buffer> {
  const handle = await openFile(files, path, size);
  try {
    for (let done = 0; done < size;) {
      const buf = Buffer.allocUnsafe(Math.min(FILE_CHUNK, size - done));
      const { bytesRead } = await handle.read(buf, 0, buf.length, done);
      if (bytesRead === 0)
        throw new TarSplitError(`layer file ${printable(path)} shrank while being replayed`);
      done += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

export interface ReplayOptions {
  /** The layer's diffID: the stream errors instead of ending if the bytes do not match it. */
  expectedDiffId?: Digest;
}

async function* replayChunks(
  recording: Readable,
  diffDir: string,
  options: ReplayOptions,
): AsyncGenerator<Buffer> {
  const files = new InRootFiles(diffDir);
  const digester = new Digester();
  let held: Buffer | undefined; // the last chunk, released only once the digest is verified
  try {
    for await (const segment of readTarSplit(recording)) {
      const chunks = 'raw' in segment ? [segment.raw] : fileContent(files, segment.file, segment.size);
      for await (const chunk of chunks) {
        if (held !== undefined) yield held;
        digester.update(chunk);
        held = chunk;
      }
    }
    const expected = options.expectedDiffId;
    if (expected !== undefined && digester.digest() !== expected) {
      throw new TarSplitError(
        `replaying the layer gave ${digester.digest()}, not its diffID ${expected} ` +
          '(its files changed, or it writes one path twice)',
      );
    }
    if (held !== undefined) yield held;
  } finally {
    files.close();
  }
}

/** The layer's original uncompressed tar: the recording with file contents read from diffDir. */
export function replayTarSplit(recording: Readable, diffDir: string, options: ReplayOptions = {}): Readable {
  const out = Readable.from(replayChunks(recording, diffDir, options), { objectMode: false });
  // Also when destroyed before the first read, so the recording's file is never left open.
  out.once('close', () => recording.destroy());
  return out;
}

/**
 * Checks a recording without reading file contents: it parses to its end line and every file
 * it names is a regular file of the recorded size in diffDir. Returns the tar's size.
 */
export async function verifyTarSplit(recording: Readable, diffDir: string): Promise<{ size: number }> {
  const files = new InRootFiles(diffDir);
  let size = 0;
  try {
    for await (const segment of readTarSplit(recording)) {
      if ('raw' in segment) {
        size += segment.raw.length;
        continue;
      }
      await (await openFile(files, segment.file, segment.size)).close();
      size += segment.size;
    }
  } finally {
    files.close();
  }
  return { size };
}
