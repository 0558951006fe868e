/**
 * Which of a container's mounts a `docker cp` path falls in: dockerd copies inside the
 * container's mount namespace, so a path below a volume or bind reads and writes the volume,
 * not the layer underneath. The deepest mount whose destination is a prefix of the path (as
 * written, cleaned) wins; tmpfs mounts have nothing to copy to while stopped and are skipped.
 */
import { posix } from 'node:path';
import type { MountPointRecord } from './mount-point.js';

export interface PathInMount {
  mount: MountPointRecord;
  /** The rest of the path inside the mount, absolute ("/" for the mount itself). */
  rest: string;
}

export function pathInMounts(
  mounts: Record<string, MountPointRecord>,
  path: string,
): PathInMount | undefined {
  const clean = posix.normalize(posix.join('/', path));
  let best: PathInMount | undefined;
  for (const mount of Object.values(mounts)) {
    if (mount.Type === 'tmpfs') continue;
    const dest = mount.Destination;
    if (clean !== dest && !clean.startsWith(dest.endsWith('/') ? dest : `${dest}/`)) continue;
    if (best && best.mount.Destination.length >= dest.length) continue;
    const rest = clean.slice(dest.length);
    best = { mount, rest: rest.startsWith('/') ? rest : `/${rest}` };
  }
  // Keep a trailing "/." (copy the contents) that normalising dropped.
  if (best && /\/\.$/.test(path)) best.rest = best.rest === '/' ? '/.' : `${best.rest}/.`;
  return best;
}
