/**
 * `docker history`: the config's history, newest first, each step that made a layer paired
 * with that layer's size. Only the top row carries the image id and tags; rows below show
 * the id of a local image whose top layer is exactly that chain (a parent built here), or
 * `<missing>` as Docker does for steps of pulled and loaded images.
 */
import type { Digest } from '../oci/index.js';
import type { Image, ImageStore } from './image-store.js';

export interface HistoryItem {
  id: Digest | '<missing>';
  /** Unix seconds. */
  created: number;
  createdBy: string;
  comment: string;
  size: number;
}

export function createdSeconds(created: string | undefined): number {
  if (created === undefined) return 0;
  const ms = Date.parse(created);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

export function imageHistory(store: ImageStore, image: Image): HistoryItem[] {
  const layers = store.layersOf(image);
  const sizeByChain = new Map(layers.map((l) => [l.chainId, l.size]));
  // Local images keyed by the chain that ends at their top: a row whose chain matches one
  // of them shows its id (the parent link makes this exact for built images).
  const imageForChain = new Map<string, Digest>();
  for (let parent = image.parent; parent !== undefined;) {
    const p = store.get(parent);
    if (p === undefined) break;
    imageForChain.set(`${p.chainIds.length}:${p.topLayer ?? ''}`, p.id);
    parent = p.parent;
  }

  const rows: HistoryItem[] = [];
  let layerIndex = 0;
  const history = image.config.history ?? [];
  for (const entry of history) {
    let size = 0;
    let chain: string | undefined;
    if (entry.empty_layer !== true) {
      const chainId = image.chainIds[layerIndex];
      size = chainId === undefined ? 0 : (sizeByChain.get(chainId) ?? 0);
      layerIndex++;
      chain = `${layerIndex}:${chainId ?? ''}`;
    }
    rows.push({
      id: (chain !== undefined ? imageForChain.get(chain) : undefined) ?? '<missing>',
      created: createdSeconds(entry.created),
      createdBy: entry.created_by ?? '',
      comment: entry.comment ?? '',
      size,
    });
  }
  // Configs without history (some importers) still show one row per layer.
  if (history.length === 0) {
    image.chainIds.forEach((chainId) =>
      rows.push({
        id: '<missing>',
        created: createdSeconds(image.config.created),
        createdBy: '',
        comment: '',
        size: sizeByChain.get(chainId) ?? 0,
      }),
    );
  }
  rows.reverse();
  if (rows.length === 0) {
    rows.push({
      id: image.id,
      created: createdSeconds(image.config.created),
      createdBy: '',
      comment: '',
      size: 0,
    });
  }
  (rows[0] as HistoryItem).id = image.id;
  return rows;
}
