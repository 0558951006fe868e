/**
 * What the /volumes routes need from the daemon (see routers/volumes.ts). Kept apart from
 * backends.ts so this resource is wired on its own; volume/'s store implements it through
 * the daemon's adapter.
 */
import type {
  Volume,
  VolumeCreateRequest,
  VolumeListResponse,
  VolumesPruneResponse,
} from '../types/index.js';

/**
 * Errors carry dockerd's wording: `get <name>: no such volume` (404), `remove <name>: volume
 * is in use - [<ids>]` (409), `create <name>: …` for a bad name or option (400) or an
 * unknown driver (404), `invalid filter '…'` (400).
 */
export interface VolumesBackend {
  /** Parsed `filters=`: dangling, driver, label, name. */
  list(filters: Map<string, string[]>): Promise<VolumeListResponse>;
  /** A nameless request gets a random name and the anonymous label; an existing name is returned as is. */
  create(request: VolumeCreateRequest): Promise<Volume>;
  inspect(name: string): Promise<Volume>;
  /** `force`: a missing volume is not an error. */
  remove(name: string, options: { force: boolean }): Promise<void>;
  /** Parsed `filters=`: label, label!, all (the router adds `all=true` below API 1.42). */
  prune(filters: Map<string, string[]>): Promise<VolumesPruneResponse>;
}
