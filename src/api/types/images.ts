/**
 * The images endpoints and GET /system/df, with Docker's field names and casing. `Created`
 * is unix seconds in the list and history but an RFC 3339 string in inspect, as in Docker
 * (the CLI decodes into typed structs and fails on a mismatch).
 */

/** GET /images/json: one row. */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  /** Unix seconds. */
  Created: number;
  Size: number;
  /** -1 unless computed (system df). */
  SharedSize: number;
  /** Dropped from API 1.44; sent to older clients only. */
  VirtualSize?: number;
  Labels: Record<string, string> | null;
  /** -1 unless computed (system df). */
  Containers: number;
}

/** The runtime config of an image as inspect shows it (Docker's container.Config subset). */
export interface ImageInspectConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, Record<string, never>> | null;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Healthcheck?: unknown;
  ArgsEscaped?: boolean;
  Image?: string;
  Volumes?: Record<string, Record<string, never>> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  OnBuild?: string[] | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Shell?: string[];
}

/** GET /images/{name}/json */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  /** RFC 3339 with nanoseconds, as Go prints it. */
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: ImageInspectConfig | null;
  Architecture: string;
  Variant?: string;
  Os: string;
  OsVersion?: string;
  Size: number;
  /** API < 1.44 only. */
  VirtualSize?: number;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  RootFS: { Type: 'layers'; Layers: string[] };
  Metadata: { LastTagTime: string };
}

/** GET /images/{name}/history: newest first. */
export interface ImageHistoryItem {
  Id: string;
  /** Unix seconds. */
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/** DELETE /images/{name}: one action each. */
export interface ImageDeleteResponseItem {
  Untagged?: string;
  Deleted?: string;
}

/** POST /images/prune */
export interface ImagesPruneResponse {
  ImagesDeleted: ImageDeleteResponseItem[] | null;
  SpaceReclaimed: number;
}

/** GET /system/df */
export interface SystemDfResponse {
  LayersSize: number;
  Images: ImageSummary[];
  Containers: unknown[];
  Volumes: unknown[];
  BuildCache: unknown[];
}

/** POST /lading/system/check: what lading's own consistency check found (and repaired). */
export interface SystemCheckProblem {
  /** The layer chainID, cache id, image id or reference concerned. */
  Subject: string;
  Problem: string;
  /** What --repair did about it; absent when nothing was done. */
  Repaired?: string;
}

export interface SystemCheckResponse {
  Problems: SystemCheckProblem[];
  Repaired: boolean;
}
