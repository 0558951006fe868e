/**
 * The overlay mount option string, and whether a chain fits in one mount.
 *
 * Two kernel limits bound one overlay mount:
 * - the option string is copied into one page: at most PAGE_SIZE - 1 bytes (the NUL);
 * - overlayfs stacks at most OVL_MAX_STACK (500) lower layers.
 * Paths are relative to the driver's home (the caller mounts with its cwd there), so each
 * lower layer costs `l/<26 chars>:` = 29 bytes and about 130 layers fit.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import { DIFF_DIR, WORK_DIR } from './layout.js';

export const PAGE_SIZE = 4096;
export const OVL_MAX_STACK = 500;

export class ChainTooDeepError extends InvalidArgumentError {
  constructor(
    readonly lowerLayers: number,
    readonly maxLowerLayers: number,
    reason: string,
  ) {
    super(
      `overlay2: cannot mount a chain of ${lowerLayers} lower layers in one overlay mount ` +
        `(at most ${maxLowerLayers} fit here): ${reason}. Flatten the image (fewer layers, ` +
        `e.g. docker export | docker import) or use the vfs storage driver`,
    );
  }
}

export interface MountDataOptions {
  /** Add `index=off` (when the kernel has the option): see overlay2-driver.ts. */
  indexOff: boolean;
  /** Add `redirect_dir=off,metacopy=off` (when the kernel has them): see overlay2-driver.ts. */
  plainUpper?: boolean;
}

function build(id: string, lowers: readonly string[], options: MountDataOptions): string {
  return (
    `lowerdir=${lowers.join(':')},upperdir=${id}/${DIFF_DIR},workdir=${id}/${WORK_DIR}` +
    (options.indexOff ? ',index=off' : '') +
    (options.plainUpper === true ? ',redirect_dir=off,metacopy=off' : '')
  );
}

/** How many lower layers of this naming scheme fit in one mount of layer `id`. */
export function maxLowerLayers(id: string, linkLength: number, options: MountDataOptions): number {
  const fixed = build(id, [], options).length;
  const perLayer = linkLength + 1; // the name and its ':' separator
  const byPage = Math.floor((PAGE_SIZE - 1 - fixed + 1) / perLayer); // the last one has no ':'
  return Math.min(byPage, OVL_MAX_STACK);
}

/** The option string to mount `id` (relative to home) on `lowers` (top first), or a clear error. */
export function overlayMountData(id: string, lowers: readonly string[], options: MountDataOptions): string {
  const data = build(id, lowers, options);
  const longest = Math.max(...lowers.map((l) => l.length));
  if (lowers.length > OVL_MAX_STACK) {
    throw new ChainTooDeepError(
      lowers.length,
      OVL_MAX_STACK,
      `overlayfs stacks at most ${OVL_MAX_STACK} lower layers (OVL_MAX_STACK)`,
    );
  }
  if (data.length > PAGE_SIZE - 1) {
    throw new ChainTooDeepError(
      lowers.length,
      maxLowerLayers(id, longest, options),
      `the mount options would be ${data.length} bytes and the kernel takes one page (${PAGE_SIZE} bytes ` +
        `with its NUL) even with short l/ links`,
    );
  }
  return data;
}
