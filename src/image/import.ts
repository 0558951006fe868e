/**
 * `docker import`: a one-layer image from a root filesystem tar (gzip, zstd or plain; the
 * layer store recognises it). The config is what Docker writes for an import: the platform,
 * the `--change` settings, the message as both `comment` and the single history entry.
 */
import type { Readable } from 'node:stream';
import type { ContainerConfig, ImageConfig } from '../oci/index.js';
import { applyCommitChanges } from '../dockerfile/index.js';
import { goTimestamp } from './go-time.js';
import type { Image, ImageStore } from './image-store.js';

export interface ImportOptions {
  changes?: readonly string[];
  /** Empty means Docker's default, "Imported from <source>". */
  message?: string;
  /** What the tar came from, for the default message ("-" for the request body). */
  source?: string;
  architecture: string;
  os: string;
  variant?: string;
  created?: Date;
  signal?: AbortSignal;
}

export async function importImage(store: ImageStore, tar: Readable, options: ImportOptions): Promise<Image> {
  // Validate the changes before reading the body: a typo should not cost an upload.
  const containerConfig: ContainerConfig = applyCommitChanges({}, options.changes ?? []);
  const created = goTimestamp(options.created ?? new Date());
  const message =
    options.message !== undefined && options.message !== ''
      ? options.message
      : `Imported from ${options.source ?? '-'}`;
  const layer = await store.layers.register(tar, undefined, options.signal ? { signal: options.signal } : {});
  try {
    const config: ImageConfig = {
      architecture: options.architecture,
      ...(options.variant !== undefined && { variant: options.variant }),
      os: options.os,
      created,
      comment: message,
      config: containerConfig,
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [{ created, comment: message }],
    } as ImageConfig & { comment: string };
    return await store.create(Buffer.from(JSON.stringify(config)));
  } finally {
    await store.layers.release(layer.chainId);
  }
}
