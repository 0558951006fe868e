/**
 * Reading an image config from untrusted bytes (a load, an import, a registry): only the
 * fields the store relies on are checked, the rest is kept as it came, since the bytes
 * themselves are stored verbatim and their digest is the image id.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { isDigest, type ImageConfig } from '../oci/index.js';

/** Configs are small; a larger one is refused before parsing (Docker's limit is 8 MiB). */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export function parseImageConfig(bytes: Buffer): ImageConfig {
  if (bytes.length > MAX_CONFIG_BYTES) {
    throw new InvalidArgumentError(`image config is ${bytes.length} bytes; the limit is ${MAX_CONFIG_BYTES}`);
  }
  let config: unknown;
  try {
    config = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new InvalidArgumentError(`invalid image config: ${(err as Error).message}`, { cause: err });
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidArgumentError('invalid image config: not a JSON object');
  }
  const rootfs = (config as { rootfs?: unknown }).rootfs as
    { type?: unknown; diff_ids?: unknown } | undefined;
  if (rootfs === undefined || rootfs === null || typeof rootfs !== 'object') {
    throw new InvalidArgumentError('invalid image config: rootfs missing');
  }
  if (rootfs.type !== 'layers')
    throw new InvalidArgumentError('invalid image config: rootfs.type is not "layers"');
  if (!Array.isArray(rootfs.diff_ids) || !rootfs.diff_ids.every(isDigest)) {
    throw new InvalidArgumentError('invalid image config: rootfs.diff_ids must be sha256 digests');
  }
  const history = (config as { history?: unknown }).history;
  if (history !== undefined && history !== null && !Array.isArray(history)) {
    throw new InvalidArgumentError('invalid image config: history is not a list');
  }
  return config as ImageConfig;
}
