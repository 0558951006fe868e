/**
 * `-v` / HostConfig.Binds entries (moby linuxParser.ParseMountRaw):
 *
 *   /ctr                anonymous volume
 *   name:/ctr[:mode]    named volume (created if absent)
 *   /host:/ctr[:mode]   bind mount (a missing host directory is created at start)
 *
 * The mode is checked first (`invalid mode: …`); every other problem is reported as
 * `invalid volume specification: '<raw>': <reason>`.
 */
import { posix } from 'node:path';
import type { MountRequest } from '../../api/types/index.js';
import { InvalidArgumentError } from '../../errors/index.js';
import { invalidSpec } from './mount-errors.js';
import { modeIsReadWrite, modeNoCopy, modePropagation, validMountMode } from './mount-modes.js';
import type { ParsedMountPoint } from './mount-point.js';
import { parseMountSpec } from './parse-mount.js';

export function parseBind(raw: string, volumeDriver = ''): ParsedMountPoint {
  const fields = splitN(raw, ':', 4);
  if (fields[0] === '') throw new InvalidArgumentError(invalidSpec(raw));
  let source = '';
  let target: string;
  let mode = '';
  switch (fields.length) {
    case 1:
      target = fields[0]!;
      break;
    case 2:
      // `/foo:rw` is a destination with a mode, which a volume cannot have.
      if (validMountMode(fields[1]!)) throw new InvalidArgumentError(invalidSpec(raw));
      [source, target] = fields as [string, string];
      break;
    case 3:
      [source, target, mode] = fields as [string, string, string];
      break;
    default:
      throw new InvalidArgumentError(invalidSpec(raw));
  }
  if (!validMountMode(mode)) throw new InvalidArgumentError(`invalid mode: ${mode}`);

  const spec: MountRequest = {
    Type: posix.isAbsolute(source) ? 'bind' : 'volume',
    ...(source !== '' ? { Source: source } : {}),
    Target: target,
    ...(modeIsReadWrite(mode) ? {} : { ReadOnly: true }),
  };
  const volumeOptions: Record<string, unknown> = {};
  if (volumeDriver !== '' && spec.Type === 'volume') volumeOptions['DriverConfig'] = { Name: volumeDriver };
  if (modeNoCopy(mode)) volumeOptions['NoCopy'] = true;
  if (Object.keys(volumeOptions).length > 0)
    spec.VolumeOptions = volumeOptions as MountRequest['VolumeOptions'];
  const propagation = modePropagation(mode);
  if (propagation !== undefined) spec.BindOptions = { Propagation: propagation };

  try {
    const parsed = parseMountSpec(spec, { bindSourceMustExist: false });
    if (mode !== '') parsed.record.Relabel = mode;
    return parsed;
  } catch (err) {
    if (err instanceof InvalidArgumentError) {
      throw new InvalidArgumentError(`${invalidSpec(raw)}: ${err.message}`);
    }
    throw err;
  }
}

/** Go's strings.SplitN: at most n fields, the last one holding the rest. */
function splitN(text: string, separator: string, n: number): string[] {
  const parts = text.split(separator);
  if (parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(separator)];
}
