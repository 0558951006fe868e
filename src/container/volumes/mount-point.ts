/**
 * A container's mount point as dockerd persists it in config.v2.json (moby
 * volume/mounts.MountPoint), keyed by destination in `MountPoints`. Go's field names and
 * `omitempty` are kept so the file reads like Docker's: the mode (`ro`, `z`, `nocopy`…) is
 * stored under the old name `Relabel`, and `Spec` is the mount as the user asked for it
 * (`{}` for an image VOLUME).
 *
 * `CopyData` is not persisted by Docker either: copying the image's content into a volume
 * happens once, at create, while the parsed mount point is still in memory.
 */
import type { MountPoint, MountRequest } from '../../api/types/index.js';

export type MountType = 'bind' | 'volume' | 'tmpfs';

/** mount.Mount as persisted: every field but Target is omitted when empty. */
export type MountSpec = Partial<MountRequest>;

export interface MountPointRecord {
  /** The host path (binds); for volumes the volume's mountpoint when known, else ''. */
  Source: string;
  /** Absolute and clean in-container path. */
  Destination: string;
  RW: boolean;
  /** Volume name (volumes only). */
  Name: string;
  /** Volume driver (volumes only). */
  Driver: string;
  Type?: MountType;
  /** The mode string of `-v` (Docker's json name for MountPoint.Mode); omitted when ''. */
  Relabel?: string;
  /** rprivate, rshared…; omitted when ''. */
  Propagation?: string;
  Spec: MountSpec;
  SkipMountpointCreation: boolean;
}

/** A mount point being set up by create: the record plus what Docker keeps in memory only. */
export interface ParsedMountPoint {
  record: MountPointRecord;
  /** Copy the image's content at the destination into the (empty) volume. */
  copyData: boolean;
  /** For --mount type=volume: driver options and labels of a volume created for it. */
  volumeOptions?: Record<string, string>;
  volumeLabels?: Record<string, string>;
  /** Taken from another container (--volumes-from): the volume must exist already. */
  fromContainer?: boolean;
}

/** What a stored mount point shows in inspect and ps (`types.MountPoint`, Go's field order). */
export function inspectMountPoint(m: MountPointRecord, volumePath?: string): MountPoint {
  return {
    Type: m.Type ?? '',
    ...(m.Name ? { Name: m.Name } : {}),
    Source: volumePath ?? m.Source,
    Destination: m.Destination,
    ...(m.Driver ? { Driver: m.Driver } : {}),
    Mode: m.Relabel ?? '',
    RW: m.RW,
    Propagation: m.Propagation ?? '',
  };
}

/** Whether `rm -v` removes the volume: anonymous ones only (no source in the user's spec). */
export function isAnonymousVolume(m: MountPointRecord): boolean {
  return m.Type === 'volume' && m.Name !== '' && (m.Spec.Source ?? '') === '';
}
