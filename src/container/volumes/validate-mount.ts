/**
 * Checks one mount (a `--mount`, or a `-v` turned into one) the way moby's
 * linuxParser.validateMountConfigImpl does, in its order, with its wording.
 */
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import type { MountRequest } from '../../api/types/index.js';
import { NotImplementedError } from '../../errors/index.js';
import { mergeTmpfsOptions } from '../../runtime/spec/index.js';
import { extraField, missingField, mountConfigError, notAbsolute, TARGET_IS_ROOT } from './mount-errors.js';
import { PROPAGATIONS } from './mount-modes.js';
import { tmpfsData } from './tmpfs-data.js';

export interface ValidateOptions {
  /** `--mount type=bind` must name an existing source; `-v` creates a missing one at start. */
  bindSourceMustExist: boolean;
}

/** Throws InvalidArgumentError (`invalid mount config for type "…": …`) for a bad mount. */
export function validateMount(mnt: MountRequest, options: ValidateOptions): void {
  const type = mnt.Type ?? '';
  const fail = (reason: string) => mountConfigError(type, reason);
  const target = mnt.Target ?? '';
  if (target === '') throw fail(missingField('Target'));
  if (target === '/') throw fail(TARGET_IS_ROOT);
  if (!posix.isAbsolute(target)) throw fail(notAbsolute(target));
  const source = mnt.Source ?? '';
  switch (type) {
    case 'bind': {
      if (source === '') throw fail(missingField('Source'));
      const propagation = mnt.BindOptions?.Propagation ?? '';
      if (propagation !== '' && !PROPAGATIONS.has(propagation)) {
        throw fail(`invalid propagation mode: ${propagation}`);
      }
      if (mnt.VolumeOptions) throw fail(extraField('VolumeOptions'));
      if (!posix.isAbsolute(source)) throw fail(notAbsolute(source));
      const create = mnt.BindOptions?.CreateMountpoint === true;
      if (options.bindSourceMustExist && !create && !existsSync(source)) {
        throw fail(`bind source path does not exist: ${source}`);
      }
      return;
    }
    case 'volume': {
      if (mnt.BindOptions) throw fail(extraField('BindOptions'));
      const anonymous = source === '';
      const subpath = mnt.VolumeOptions?.Subpath ?? '';
      if (subpath !== '') {
        if (anonymous) throw fail('must not set Subpath when using anonymous volumes');
        throw new NotImplementedError('volume subpaths are not supported by this version of lading');
      }
      if (mnt.ReadOnly === true && anonymous) {
        throw fail('must not set ReadOnly mode when using anonymous volumes');
      }
      return;
    }
    case 'tmpfs': {
      if (mnt.BindOptions) throw fail(extraField('BindOptions'));
      if (source !== '') throw fail(extraField('Source'));
      const data = tmpfsData(mnt.TmpfsOptions, mnt.ReadOnly === true);
      try {
        mergeTmpfsOptions(data === '' ? [] : data.split(','));
      } catch (err) {
        throw fail((err as Error).message);
      }
      return;
    }
    default:
      throw fail('mount type unknown');
  }
}
