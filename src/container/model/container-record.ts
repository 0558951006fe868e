/**
 * A container as lading keeps it: `containers/<id>/config.v2.json` holds this record with
 * Docker's field names (so the files look like Docker's to anyone who knows them), and
 * `containers/<id>/hostconfig.json` holds its HostConfig. Both are written atomically.
 *
 * The record is the single source of truth for a container's state; the runtime (containerd)
 * is asked only to make it true. Timestamps are RFC 3339 with nanoseconds as Go prints them;
 * the zero time is "0001-01-01T00:00:00Z".
 */
import type { ContainerConfig, HostConfig, NetworkSettings } from '../../api/types/index.js';
import type { MountPointRecord } from '../volumes/mount-point.js';

export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** What config.v2.json calls State: Docker's container.State fields that are persisted. */
export interface StateRecord {
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  RemovalInProgress: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

export interface ContainerRecord {
  /** 64 hex characters. */
  ID: string;
  /** RFC 3339 with nanoseconds. */
  Created: string;
  /** The process to run: Entrypoint[0] (or Cmd[0]) and the rest of the argv. */
  Path: string;
  Args: string[];
  Config: ContainerConfig;
  State: StateRecord;
  /** "sha256:<image id>" */
  Image: string;
  NetworkSettings: NetworkSettings;
  LogPath: string;
  /** With the leading slash: "/web". */
  Name: string;
  Driver: string;
  OS: string;
  Platform?: string;
  MountLabel: string;
  ProcessLabel: string;
  RestartCount: number;
  HasBeenStartedBefore: boolean;
  HasBeenManuallyStopped: boolean;
  /** Destination → mount point, as Docker keys and writes them. */
  MountPoints: Record<string, MountPointRecord>;
  AppArmorProfile: string;
  HostnamePath: string;
  HostsPath: string;
  ShmPath: string;
  ResolvConfPath: string;
  SeccompProfile: string;
  NoNewPrivileges: boolean;
  /** Not in config.v2.json: kept in hostconfig.json beside it. */
  HostConfig: HostConfig;
}
