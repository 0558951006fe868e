/**
 * Every mount point a new container asks for, parsed and checked before anything is made
 * (moby daemon.registerMountPoints, in its order): `--volumes-from` first, then `-v` binds,
 * then `--mount`s, each later one replacing an inherited mount at the same destination. Two
 * of the container's own mounts at one destination (or a bind over a `--tmpfs`) are
 * `Duplicate mount point: /x`. Pure apart from the other containers' records and the
 * existence check of `--mount type=bind` sources.
 */
import type { HostConfig } from '../../api/types/index.js';
import { InvalidArgumentError, NotFoundError } from '../../errors/index.js';
import { duplicateMountPoint } from './mount-errors.js';
import type { MountPointRecord, ParsedMountPoint } from './mount-point.js';
import { parseBind } from './parse-bind.js';
import { parseMountRequest } from './parse-mount.js';
import { inheritMountPoints, parseVolumesFrom } from './volumes-from.js';

/** Destination → mount point, in the order they were added. */
export type MountPlan = Map<string, ParsedMountPoint>;

export function planMountPoints(
  hostConfig: HostConfig,
  mountPointsOf: (container: string) => Record<string, MountPointRecord>,
): MountPlan {
  const plan: MountPlan = new Map();
  for (const spec of hostConfig.VolumesFrom ?? []) {
    const { container, mode } = parseVolumesFrom(spec);
    let theirs;
    try {
      theirs = mountPointsOf(container);
    } catch (err) {
      // dockerd answers 400 here: the request names a container that is not there.
      if (err instanceof NotFoundError) throw new InvalidArgumentError(err.message);
      throw err;
    }
    for (const inherited of inheritMountPoints(theirs, mode)) {
      plan.set(inherited.record.Destination, inherited);
    }
  }
  const own = new Set<string>();
  const tmpfs = hostConfig.Tmpfs ?? {};
  for (const raw of hostConfig.Binds ?? []) {
    const parsed = parseBind(raw, hostConfig.VolumeDriver ?? '');
    const destination = parsed.record.Destination;
    if (own.has(destination) || Object.prototype.hasOwnProperty.call(tmpfs, destination)) {
      throw duplicateMountPoint(destination);
    }
    own.add(destination);
    plan.delete(destination);
    plan.set(destination, parsed);
  }
  for (const request of hostConfig.Mounts ?? []) {
    const parsed = parseMountRequest(request);
    const destination = parsed.record.Destination;
    if (own.has(destination)) throw duplicateMountPoint(request.Target);
    own.add(destination);
    plan.delete(destination);
    plan.set(destination, parsed);
  }
  return plan;
}
