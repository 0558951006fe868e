/**
 * Options lading does not implement yet. Accepting them silently would run a container
 * without the links or networks its user asked for, so create refuses them with a clear error
 * (501) instead. Each check goes when its feature lands (ports and networks: issue 8).
 */
import type { HostConfig } from '../../api/types/index.js';
import { NotFoundError, NotImplementedError } from '../../errors/index.js';

const BUILT_IN_NETWORK_MODES = new Set(['', 'default', 'bridge', 'none', 'host']);

export function refuseUnsupportedOptions(hostConfig: HostConfig): void {
  const unsupported = (what: string): never => {
    throw new NotImplementedError(`${what} not supported by this version of lading`);
  };
  if ((hostConfig.Links?.length ?? 0) > 0) unsupported('legacy container links (--link) are');
  const mode = hostConfig.NetworkMode ?? '';
  if (!BUILT_IN_NETWORK_MODES.has(mode) && !mode.startsWith('container:')) {
    throw new NotFoundError(`network ${mode} not found`);
  }
}
