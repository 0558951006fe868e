/**
 * One mount request → a mount point (moby linuxParser.parseMountSpec): validated, the
 * destination cleaned, binds given their propagation (rprivate unless asked), volumes their
 * name (none yet for an anonymous one: the store makes it) and whether to copy the image's
 * content in.
 */
import { posix } from 'node:path';
import type { MountRequest } from '../../api/types/index.js';
import { InvalidArgumentError } from '../../errors/index.js';
import { DEFAULT_PROPAGATION } from './mount-modes.js';
import type { MountType, ParsedMountPoint } from './mount-point.js';
import { validateMount, type ValidateOptions } from './validate-mount.js';

type DriverConfig = NonNullable<MountRequest['VolumeOptions']>['DriverConfig'];

export function driverConfigOf(mnt: MountRequest): DriverConfig | undefined {
  return mnt.VolumeOptions?.DriverConfig;
}

export function parseMountSpec(mnt: MountRequest, options: ValidateOptions): ParsedMountPoint {
  validateMount(mnt, options);
  const type = mnt.Type as MountType;
  const parsed: ParsedMountPoint = {
    record: {
      Source: '',
      Destination: posix.normalize(mnt.Target).replace(/(.)\/$/, '$1'),
      RW: mnt.ReadOnly !== true,
      Name: '',
      Driver: '',
      Type: type,
      Spec: mnt,
      SkipMountpointCreation: false,
    },
    copyData: false,
  };
  const record = parsed.record;
  if (type === 'volume') {
    record.Name = mnt.Source ?? '';
    parsed.copyData = mnt.VolumeOptions?.NoCopy !== true;
    const driver = driverConfigOf(mnt);
    if (driver?.Name) record.Driver = driver.Name;
    if (driver?.Options) parsed.volumeOptions = { ...driver.Options };
    if (mnt.VolumeOptions?.Labels) parsed.volumeLabels = { ...mnt.VolumeOptions.Labels };
  } else if (type === 'bind') {
    record.Source = posix.normalize(mnt.Source ?? '').replace(/(.)\/$/, '$1');
    record.Propagation = mnt.BindOptions?.Propagation || DEFAULT_PROPAGATION;
  }
  return parsed;
}

/** A `--mount` from HostConfig.Mounts: a bind source must exist unless CreateMountpoint. */
export function parseMountRequest(mnt: MountRequest): ParsedMountPoint {
  if (mnt === null || typeof mnt !== 'object') throw new InvalidArgumentError('invalid mount: not an object');
  const parsed = parseMountSpec(mnt, { bindSourceMustExist: true });
  if (parsed.record.Type === 'bind') {
    parsed.record.SkipMountpointCreation = mnt.BindOptions?.CreateMountpoint !== true;
  }
  return parsed;
}
