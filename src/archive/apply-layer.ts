/**
 * applyLayer: one layer tar (gzip, zstd or plain) into a fresh directory, in overlay form.
 *
 *   const { diffId, size } = await applyLayer(createReadStream(blob), diffDir, { onWarning });
 *   verifyDiffId(config.rootfs.diff_ids[i], diffId);
 *
 * One pass over the bytes: decompress → sha256 + byte count (the diffID and size) → tar
 * reader → LayerWriter. No process per file (zstd, when needed, is one child per layer).
 *
 * All or nothing: on any error — a hostile entry, a limit, a corrupt stream, an abort —
 * the streams are destroyed, the zstd child is killed, everything created inside targetDir
 * is removed and the root's own owner, mode and xattrs are put back, then the error is
 * rethrown. targetDir itself stays (the caller made it and removes it).
 *
 * With `tarSplit`, the same pass also writes the layer's tar-split recording (tar-split.ts),
 * so the exact tar can be replayed from targetDir later; on error it is removed (a path) or
 * destroyed (a stream) with everything else.
 */
import { chmodSync, lchownSync, lstatSync, readdirSync, utimesSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from '../errors/index.js';
import { Digester, type Digest } from '../oci/index.js';
import { lgetxattr, llistxattr, lremovexattr, lsetxattr } from '../sys/index.js';
import {
  openDecompressed,
  type Compression,
  type DecompressedStream,
  type LayerSource,
} from './decompress.js';
import { LayerWriter } from './layer-writer.js';
import { ArchiveLimitError, resolveLimits, type ExtractLimits } from './limits.js';
import { removeContents } from './remove-tree.js';
import { TarReader } from './tar-reader.js';
import { TarSplitRecorder, type TarSplitTarget } from './tar-split-recorder.js';

/** Bytes of small files waiting to be written before reading more of the layer. */
const MAX_WRITE_BACKLOG_BYTES = 8 * 1024 * 1024;

export interface ApplyLayerOptions {
  limits?: Partial<ExtractLimits>;
  /** Entries skipped or attributes not set, each said once; extraction goes on. */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
  /** Where to write the tar-split recording: a new file's path, or a stream (ended on success). */
  tarSplit?: TarSplitTarget;
}

export interface AppliedLayer {
  /** sha256 of the uncompressed tar: compare with the image config's rootfs.diff_ids. */
  diffId: Digest;
  /** Uncompressed bytes. */
  size: number;
  /**
   * What Docker reports as the layer's size: st_size of every non-directory written, each
   * inode once (what a walk of targetDir would add up, known without one).
   */
  contentBytes: number;
  compression: Compression;
  /** Tar entries read (PAX and long-name records not counted). */
  entries: number;
}

export async function applyLayer(
  stream: LayerSource,
  targetDir: string,
  options: ApplyLayerOptions = {},
): Promise<AppliedLayer> {
  const limits = resolveLimits(options.limits);
  const root = resolve(targetDir);
  const rootState = captureRoot(root);
  const writer = new LayerWriter(root, limits, options.onWarning ?? (() => undefined));
  let recorder: TarSplitRecorder | undefined;
  let input: DecompressedStream | undefined;
  try {
    if (options.tarSplit !== undefined) recorder = TarSplitRecorder.open(options.tarSplit);
    const reader = new TarReader({
      onEntry: (h) => writer.entry(h),
      maxHeaderBytes: limits.maxHeaderBytes,
      recorder,
    });
    options.signal?.throwIfAborted();
    input = await openDecompressed(stream);
    const digester = new Digester();
    const ratioApplies = input.compression !== 'none';
    for await (const chunk of input.chunks) {
      digester.update(chunk);
      if (
        ratioApplies &&
        digester.size > limits.ratioGraceBytes &&
        digester.size > limits.maxExpansionRatio * input.compressedBytes()
      ) {
        throw new ArchiveLimitError(
          'maxExpansionRatio',
          `${input.compression} expands more than ${limits.maxExpansionRatio}:1 ` +
            `(${digester.size} bytes from ${input.compressedBytes()})`,
        );
      }
      reader.feed(chunk);
      await writer.backlogBelow(MAX_WRITE_BACKLOG_BYTES);
      if (recorder !== undefined) await recorder.ready();
      options.signal?.throwIfAborted();
    }
    reader.finish();
    writer.finish();
    await recorder?.finish(digester.size);
    return {
      diffId: digester.digest(),
      size: digester.size,
      contentBytes: writer.contentBytes,
      compression: input.compression,
      entries: writer.entries,
    };
  } catch (err) {
    writer.abort();
    await recorder?.abort();
    await input?.close().catch(() => undefined);
    input = undefined;
    rollBack(root, rootState);
    throw err;
  } finally {
    await input?.close();
  }
}

interface RootState {
  uid: number;
  gid: number;
  mode: number;
  atime: Date;
  mtime: Date;
  xattrs: Map<string, Buffer>;
}

/** Checks that the target is an empty directory and remembers what the archive may change. */
function captureRoot(root: string): RootState {
  const stats = lstatSync(root);
  if (!stats.isDirectory()) throw new InvalidArgumentError(`layer target ${root} is not a directory`);
  if (readdirSync(root).length > 0) {
    throw new InvalidArgumentError(
      `layer target ${root} is not empty: layers are applied into fresh directories`,
    );
  }
  const xattrs = new Map<string, Buffer>();
  for (const name of llistxattr(root)) xattrs.set(name, lgetxattr(root, name));
  return {
    uid: stats.uid,
    gid: stats.gid,
    mode: stats.mode & 0o7777,
    atime: stats.atime,
    mtime: stats.mtime,
    xattrs,
  };
}

/** Empties the root and puts its owner, mode, xattrs and times back. */
function rollBack(root: string, state: RootState): void {
  removeContents(Buffer.from(root));
  lchownSync(root, state.uid, state.gid);
  chmodSync(root, state.mode);
  for (const name of llistxattr(root)) if (!state.xattrs.has(name)) lremovexattr(root, name);
  for (const [name, value] of state.xattrs) lsetxattr(root, name, value);
  utimesSync(root, state.atime, state.mtime);
}
