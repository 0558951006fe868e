/**
 * The /volumes backend over volume/'s store: the store answers synchronously where it can,
 * the API wants promises, and create answers with the volume's full JSON.
 */
import type { VolumesBackend } from '../api/server/backends-volumes.js';
import type {
  Volume,
  VolumeCreateRequest,
  VolumeListResponse,
  VolumesPruneResponse,
} from '../api/types/index.js';
import type { VolumeStore } from '../volume/index.js';

export class VolumeService implements VolumesBackend {
  constructor(private readonly store: VolumeStore) {}

  async list(filters: Map<string, string[]>): Promise<VolumeListResponse> {
    return this.store.list(filters);
  }

  async create(request: VolumeCreateRequest): Promise<Volume> {
    const created = await this.store.create({
      ...(request.Name !== undefined && { name: request.Name }),
      ...(request.Driver !== undefined && { driver: request.Driver }),
      labels: request.Labels ?? null,
      options: request.DriverOpts ?? null,
    });
    return this.store.inspect(created.name);
  }

  async inspect(name: string): Promise<Volume> {
    return this.store.inspect(name);
  }

  remove(name: string, options: { force: boolean }): Promise<void> {
    return this.store.remove(name, options);
  }

  prune(filters: Map<string, string[]>): Promise<VolumesPruneResponse> {
    return this.store.prune(filters);
  }
}
