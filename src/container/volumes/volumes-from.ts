/**
 * `--volumes-from container[:ro|rw]` (moby linuxParser.ParseVolumesFrom and
 * registerMountPoints): every mount point of the other container, same volumes and binds, the
 * mode able to make them read-only but never writable. Propagation and nocopy are refused:
 * the mounts keep the other container's.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import { modeIsReadWrite, modeNoCopy, modePropagation, validMountMode } from './mount-modes.js';
import type { MountPointRecord, ParsedMountPoint } from './mount-point.js';

export function parseVolumesFrom(spec: string): { container: string; mode: string } {
  if (spec === '') throw new InvalidArgumentError('volumes-from specification cannot be an empty string');
  const colon = spec.indexOf(':');
  const container = colon < 0 ? spec : spec.slice(0, colon);
  const mode = colon < 0 ? '' : spec.slice(colon + 1);
  if (mode === '') return { container, mode: 'rw' };
  if (!validMountMode(mode) || modePropagation(mode) !== undefined || modeNoCopy(mode)) {
    throw new InvalidArgumentError(`invalid mode: ${mode}`);
  }
  return { container, mode };
}

/** The other container's mount points as this container's (no copy-in: the data is there). */
export function inheritMountPoints(from: Record<string, MountPointRecord>, mode: string): ParsedMountPoint[] {
  return Object.values(from).map((m) => ({
    record: {
      ...m,
      Spec: { ...m.Spec },
      RW: m.RW && modeIsReadWrite(mode),
    },
    copyData: false,
    fromContainer: true,
  }));
}
