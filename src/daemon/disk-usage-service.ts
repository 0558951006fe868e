/**
 * GET /system/df and POST /lading/system/check over the image, layer and volume stores.
 * Containers and build cache are empty lists until lading has them (never null: the CLI
 * iterates them). Volumes are measured only when asked for (`type=volume` or no type), as
 * walking them is the slow part.
 */
import type { SystemCheckBackend, SystemDfBackend } from '../api/server/backends.js';
import { API_VERSION_DEFAULT, type SystemCheckResponse, type SystemDfResponse } from '../api/types/index.js';
import type { ImageService } from './image-service.js';
import type { VolumeStore } from '../volume/index.js';

export class DiskUsageService implements SystemDfBackend, SystemCheckBackend {
  constructor(
    private readonly images: ImageService,
    private readonly volumes?: VolumeStore,
  ) {}

  async df(options: { types: string[] } = { types: [] }): Promise<SystemDfResponse> {
    const wantVolumes = options.types.length === 0 || options.types.includes('volume');
    const { store } = this.images;
    const layers = store.layers.list();
    // How many images use each layer: a layer in more than one is shared.
    const users = new Map<string, number>();
    for (const image of store.list()) {
      for (const chainId of new Set(image.chainIds)) users.set(chainId, (users.get(chainId) ?? 0) + 1);
    }
    const images = store.list().map((image) => {
      const summary = this.images.summary(image, API_VERSION_DEFAULT);
      summary.SharedSize = store
        .layersOf(image)
        .filter((l) => (users.get(l.chainId) ?? 0) > 1)
        .reduce((sum, l) => sum + l.size, 0);
      summary.Containers = this.images.inUse(image.id) === undefined ? 0 : 1;
      return summary;
    });
    return {
      LayersSize: layers.reduce((sum, l) => sum + l.size, 0),
      Images: images.sort((a, b) => b.Created - a.Created),
      Containers: [],
      Volumes: wantVolumes && this.volumes ? await this.volumes.usage() : [],
      BuildCache: [],
    };
  }

  async check(options: { repair: boolean }): Promise<SystemCheckResponse> {
    const { store } = this.images;
    const problems = [...(await store.layers.check(options)), ...(await store.check(options))];
    return {
      Problems: problems.map((p) => ({
        Subject: p.subject,
        Problem: p.problem,
        ...(p.repaired !== undefined && { Repaired: p.repaired }),
      })),
      Repaired: options.repair,
    };
  }
}
