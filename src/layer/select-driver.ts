/**
 * Chooses and opens the graph driver, as Docker does at start: the configured one if any
 * (failing clearly when it cannot work here); otherwise the one that already holds layers
 * (switching would hide them); otherwise overlay2 if a test mount on the backing filesystem
 * works, else vfs.
 */
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { UnavailableError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { GraphDriver } from './graph-driver.js';
import type { StorageDriverName } from './layer-store.js';
import { probeOverlay } from './overlay2/overlay-probe.js';
import { Overlay2Driver } from './overlay2/overlay2-driver.js';
import { VfsDriver } from './vfs/vfs-driver.js';
import { probeVfs } from './vfs/vfs-probe.js';

export interface SelectDriverOptions {
  /** The data root, e.g. /var/lib/lading. */
  root: string;
  /** daemon.json "storage-driver"; undefined chooses. */
  driver: StorageDriverName | undefined;
  logger: Logger;
}

function hasLayers(root: string, name: StorageDriverName): boolean {
  try {
    return readdirSync(join(root, 'image', name, 'layerdb', 'sha256')).length > 0;
  } catch {
    return false;
  }
}

export function openGraphDriver(options: SelectDriverOptions): GraphDriver {
  const { root, logger } = options;
  const overlayHome = join(root, 'overlay2');
  const vfs = (overlayProblem?: string): GraphDriver => {
    const home = join(root, 'vfs');
    const probe = probeVfs(home);
    if (!probe.ok) {
      throw new UnavailableError(
        `no storage driver works on ${root}: ` +
          (overlayProblem === undefined ? '' : `overlay2: ${overlayProblem}; `) +
          `vfs: ${probe.reason} (is the data root itself on overlayfs? put it on a volume or another filesystem)`,
      );
    }
    return new VfsDriver({ home });
  };
  if (options.driver === 'vfs') return vfs();
  if (options.driver === undefined && hasLayers(root, 'vfs') && !hasLayers(root, 'overlay2')) {
    logger.info('using the vfs storage driver: it holds the existing layers');
    return vfs();
  }
  const hadHome = existsSync(overlayHome);
  const probe = probeOverlay(overlayHome);
  if (probe.ok) return new Overlay2Driver({ home: overlayHome });
  if (options.driver === 'overlay2') {
    throw new UnavailableError(`storage driver overlay2 does not work on ${root}: ${probe.reason}`);
  }
  if (!hadHome) {
    try {
      rmdirSync(overlayHome);
    } catch {
      // not empty or already gone: harmless
    }
  }
  const fallback = vfs(probe.reason);
  logger.warn('overlayfs does not work here; falling back to the vfs storage driver (slow, full copies)', {
    reason: probe.reason,
  });
  return fallback;
}
