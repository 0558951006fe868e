/** The overlay-form helpers diff-tar needs, from archive/ and sys/, in one place. */
import { isOpaqueDir, isOverlayWhiteout } from './whiteouts.js';
import { lgetxattr, llistxattr } from '../sys/index.js';

/** overlayfs's own xattrs: a whiteout/opaque mark or copy-up bookkeeping, never layer content. */
const OVERLAY_XATTR_PREFIX = 'trusted.overlay.';

export { isOpaqueDir, isOverlayWhiteout };

/** The entry's xattrs except overlay's, sorted by name. */
export function layerXattrs(path: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of llistxattr(path).sort()) {
    if (name.startsWith(OVERLAY_XATTR_PREFIX)) continue;
    out.set(name, lgetxattr(path, name));
  }
  return out;
}
