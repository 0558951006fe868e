/**
 * How to mount a layer whose chain may be deeper than one overlay mount can take.
 *
 * One mount takes about 135 lower layers (mount-data.ts). For deeper chains the bottom
 * layers are first mounted together as one read-only overlay (the "stack", at
 * `<id>/stack/0`, up to ~140 layers), whose mount point becomes the lowest lower dir of the
 * container's mount. The merged view is the same: a read-only overlay shows its own
 * whiteouts and opaque dirs applied, and the direct layers above it still hide or mask
 * entries of the stack like any lower dir.
 *
 * Only one stack, and only at the bottom, because a whiteout is visible only inside the
 * overlay that holds it: a whiteout in one stack could not delete a file of another stack
 * below it. And overlayfs nests at most one level (FILESYSTEM_MAX_STACK_DEPTH is 2). So a
 * chain fits in about 270 layers; deeper ones fail with ChainTooDeepError, saying why.
 */
import {
  ChainTooDeepError,
  maxLowerLayers,
  OVL_MAX_STACK,
  overlayMountData,
  PAGE_SIZE,
  type MountDataOptions,
} from './mount-data.js';

export const STACK_DIR = 'stack';

export interface StackMount {
  /** Mount point relative to home: `<id>/stack/<n>`. */
  target: string;
  /** Option string (relative lower dirs). */
  data: string;
}

export interface MountPlan {
  /** Read-only overlays to mount first, in order. */
  stacks: StackMount[];
  /** The top mount's option string. */
  data: string;
}

/** Lower layers one read-only overlay (no upper, no work dir) takes. */
function stackCapacity(linkLength: number): number {
  const fixed = 'lowerdir='.length;
  return Math.min(Math.floor((PAGE_SIZE - 1 - fixed + 1) / (linkLength + 1)), OVL_MAX_STACK);
}

export function planMount(id: string, lowers: readonly string[], options: MountDataOptions): MountPlan {
  const linkLength = Math.max(...lowers.map((l) => l.length));
  const direct = maxLowerLayers(id, linkLength, options);
  if (lowers.length <= direct) return { stacks: [], data: overlayMountData(id, lowers, options) };

  const target = `${id}/${STACK_DIR}/0`;
  // The stack's path takes the room of this many direct layers in the top mount.
  const topDirect = direct - Math.ceil((target.length + 1) / (linkLength + 1));
  const perStack = stackCapacity(linkLength);
  const rest = lowers.length - topDirect;
  if (rest > perStack) {
    throw new ChainTooDeepError(
      lowers.length,
      topDirect + perStack,
      `one mount takes ${direct} lower layers in its one-page option string, and the bottom ones can be ` +
        `stacked only once (as one read-only overlay of at most ${perStack} layers): whiteouts do not cross ` +
        `between separate stacks and overlayfs nests only one level`,
    );
  }
  const stack = { target, data: `lowerdir=${lowers.slice(topDirect).join(':')}` };
  return { stacks: [stack], data: overlayMountData(id, [...lowers.slice(0, topDirect), target], options) };
}
