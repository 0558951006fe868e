/**
 * `docker commit`: a child image of the container's image whose new top layer is the
 * container's changes, laid out as dockerd's NewChildImage writes it — the parent's rootfs
 * and history carried over, one history entry (author, comment, `created_by` the container's
 * command) and the container's id and config as `container`/`container_config`. A commit
 * with no changes adds no diffID, only a history entry marked `empty_layer`, as Docker does.
 */
import type { Readable } from 'node:stream';
import type { ContainerConfig, Digest, ImageConfig, HistoryEntry } from '../oci/index.js';
import { goTimestamp } from './go-time.js';
import type { Image, ImageStore } from './image-store.js';

/** The diffID of a tar holding no entries (1024 zero bytes). */
export const EMPTY_LAYER_DIFF_ID =
  'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef' as Digest;

export interface CommitImageInput {
  /** The container's image; undefined for a container of `scratch`. */
  parent: Image | undefined;
  /** The container's changes as a layer tar. */
  tar: Readable;
  /** The new image's config (the container's, with `--change` applied and the image's merged in). */
  config: ContainerConfig;
  /** The container's own config, kept as `container_config`. */
  containerConfig: ContainerConfig;
  containerId: string;
  author: string;
  comment: string;
  os: string;
  created?: Date;
  signal?: AbortSignal;
}

export async function commitImage(store: ImageStore, input: CommitImageInput): Promise<Image> {
  const parentConfig = input.parent?.config;
  const layer = await store.layers.register(
    input.tar,
    input.parent?.topLayer,
    input.signal ? { signal: input.signal } : {},
  );
  try {
    const empty = layer.diffId === EMPTY_LAYER_DIFF_ID;
    const created = goTimestamp(input.created ?? new Date());
    const entry: HistoryEntry = {
      created,
      ...(input.author !== '' && { author: input.author }),
      ...((input.containerConfig.Cmd ?? []).length > 0 && {
        created_by: (input.containerConfig.Cmd ?? []).join(' '),
      }),
      ...(input.comment !== '' && { comment: input.comment }),
      ...(empty && { empty_layer: true }),
    };
    const config: ImageConfig = {
      created,
      container: input.containerId,
      container_config: input.containerConfig,
      ...(input.author !== '' && { author: input.author }),
      config: input.config,
      architecture: parentConfig?.architecture || 'amd64',
      ...(parentConfig?.variant !== undefined &&
        parentConfig.variant !== '' && { variant: parentConfig.variant }),
      os: input.os,
      rootfs: {
        type: 'layers',
        diff_ids: [...(parentConfig?.rootfs.diff_ids ?? []), ...(empty ? [] : [layer.diffId])],
      },
      history: [...(parentConfig?.history ?? []), entry],
    };
    return await store.create(
      Buffer.from(JSON.stringify(config)),
      input.parent ? { parent: input.parent.id } : {},
    );
  } finally {
    await store.layers.release(layer.chainId);
  }
}
