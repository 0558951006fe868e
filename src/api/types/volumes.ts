/**
 * The volumes endpoints (/volumes, /volumes/create, /volumes/{name}, /volumes/prune) and the
 * Volumes part of GET /system/df, with Docker's field names. Maps the daemon leaves nil in Go
 * are `null` here (Labels, Options), as dockerd sends them.
 */

/** Present only in GET /system/df. */
export interface VolumeUsageData {
  /** Bytes used by the volume's files; -1 when it could not be measured. */
  Size: number;
  /** How many containers reference the volume. */
  RefCount: number;
}

/** One volume, as GET /volumes/{name} and each entry of GET /volumes show it. */
export interface Volume {
  /** RFC 3339 with seconds, in the daemon's local zone (`2026-11-29T19:30:00Z`). */
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  /** `<data-root>/volumes/<name>/_data`. */
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: 'local' | 'global';
  UsageData?: VolumeUsageData;
}

/** GET /volumes */
export interface VolumeListResponse {
  Volumes: Volume[];
  Warnings: string[] | null;
}

/** POST /volumes/create body (every field optional; `ClusterVolumeSpec` is not supported). */
export interface VolumeCreateRequest {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** POST /volumes/prune */
export interface VolumesPruneResponse {
  VolumesDeleted: string[];
  SpaceReclaimed: number;
}
