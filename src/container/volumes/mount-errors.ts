/**
 * The wording of moby's mount parser errors (volume/mounts/errors.go and linux_parser.go), so
 * users and scripts see what dockerd says. All are 400s.
 */
import { InvalidArgumentError } from '../../errors/index.js';

/** `invalid mount config for type "bind": <reason>` (moby's errMountConfig). */
export function mountConfigError(type: string, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid mount config for type ${JSON.stringify(type)}: ${reason}`);
}

export function invalidSpec(raw: string): string {
  return `invalid volume specification: '${raw}'`;
}

export function missingField(name: string): string {
  return `field ${name} must not be empty`;
}

export function extraField(name: string): string {
  return `field ${name} must not be specified`;
}

export function notAbsolute(path: string): string {
  return `invalid mount path: '${path}' mount path must be absolute`;
}

export const TARGET_IS_ROOT = "invalid specification: destination can't be '/'";

export function duplicateMountPoint(destination: string): InvalidArgumentError {
  return new InvalidArgumentError(`Duplicate mount point: ${destination}`);
}
