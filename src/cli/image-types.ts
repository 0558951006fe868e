/**
 * The Engine API response shapes the image and system commands read: the image types come
 * from src/api/types; `system df`'s containers, volumes and build cache records are typed
 * there as unknown (ladingd has none yet), so the fields the CLI shows are declared here, as
 * dockerd sends them. Arrays are read defensively (`?? []`): older daemons send null.
 */

export type {
  ImageSummary,
  ImageHistoryItem,
  ImageDeleteResponseItem as ImageDeleteItem,
  ImagesPruneResponse as ImagePruneReport,
  SystemCheckProblem,
  SystemCheckResponse,
} from '../api/types/index.js';
import type { ImageSummary } from '../api/types/index.js';
import type { ContainerPort } from './ports.js';

/** The parts of a container summary that `system df -v` shows. */
export interface DiskUsageContainer {
  Id: string;
  Names: string[] | null;
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  SizeRw?: number;
  SizeRootFs?: number;
  Labels?: Record<string, string> | null;
  Ports?: ContainerPort[] | null;
  Mounts?: { Name?: string; Source?: string; Driver?: string }[] | null;
  NetworkSettings?: { Networks?: Record<string, unknown> | null } | null;
}

export interface DiskUsageVolume {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  Scope?: string;
  Labels?: Record<string, string> | null;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface DiskUsageBuildCache {
  ID: string;
  Type: string;
  Description?: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt: string;
  LastUsedAt?: string | null;
  UsageCount: number;
  Parents?: string[] | null;
  Parent?: string;
}

/** GET /system/df (types.DiskUsage). */
export interface DiskUsage {
  LayersSize: number;
  Images: ImageSummary[] | null;
  Containers: DiskUsageContainer[] | null;
  Volumes: DiskUsageVolume[] | null;
  BuildCache: DiskUsageBuildCache[] | null;
}
