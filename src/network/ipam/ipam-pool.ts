/**
 * One network's IPv4 leases, persisted as `<stateDir>/<poolId>.json` and rewritten atomically
 * (src/durable) before an allocation or release is reported. So after a crash the file holds
 * every address that was ever handed out and not released: an address can leak (the daemon's
 * reconcile releases leases of containers that no longer exist), but never be given twice.
 *
 * Operations on one pool are serialised; one daemon owns a state directory (the data-root lock).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile, removeFileDurably } from '../../durable/index.js';
import { ConflictError, InvalidArgumentError, SystemError } from '../../errors/index.js';
import { AddressPool, type AddressPoolConfig } from './address-pool.js';

export interface IpamPoolOptions extends AddressPoolConfig {
  /** Directory of the lease files, e.g. `<data-root>/network/ipam`. Created if missing. */
  stateDir: string;
  /** Names the lease file; usually the network ID. */
  poolId: string;
}

/** The on-disk record; `version` lets a later format be told apart. */
interface LeaseFile {
  version: 1;
  subnet: string;
  gateway?: string;
  ipRange?: string;
  leases: Record<string, string>;
}

export interface IpamPool {
  readonly subnet: string;
  readonly gateway: string | undefined;
  readonly prefixLength: number;
  /** An address for the container (`preferred` = `--ip`); kept if it already has one. Persisted before it resolves. */
  allocate(containerId: string, preferred?: string): Promise<string>;
  /** Frees the container's address (no-op when it has none); returns the freed address. */
  release(containerId: string): Promise<string | undefined>;
  leaseOf(containerId: string): string | undefined;
  /** containerId → address. */
  leases(): Record<string, string>;
  /** Deletes the lease file (when the network is removed). */
  destroy(): Promise<void>;
}

const POOL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function fileFor(options: IpamPoolOptions): string {
  // The ID becomes a file name: refuse anything that could step out of the directory.
  if (!POOL_ID.test(options.poolId))
    throw new InvalidArgumentError(`invalid IPAM pool id: ${options.poolId}`);
  return join(options.stateDir, `${options.poolId}.json`);
}

async function readLeaseFile(path: string): Promise<LeaseFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as LeaseFile;
    if (parsed.version !== 1 || typeof parsed.subnet !== 'string' || typeof parsed.leases !== 'object') {
      throw new Error('unexpected shape');
    }
    return parsed;
  } catch (err) {
    throw new SystemError(`IPAM state ${path} is unreadable: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Opens (or creates) a network's pool. Reopening with another subnet, gateway or ip-range than
 * the file records is a conflict: the caller must `destroy()` the old pool first.
 */
export async function openIpamPool(options: IpamPoolOptions): Promise<IpamPool> {
  const path = fileFor(options);
  const pool = new AddressPool(options);
  await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  const saved = await readLeaseFile(path);
  if (saved) {
    const same =
      saved.subnet === options.subnet &&
      saved.gateway === options.gateway &&
      saved.ipRange === options.ipRange;
    if (!same) {
      throw new ConflictError(
        `IPAM pool ${options.poolId} is recorded with subnet ${saved.subnet}, gateway ${saved.gateway ?? 'none'}, ` +
          `ip-range ${saved.ipRange ?? 'none'}; remove it before reopening it differently`,
      );
    }
    for (const [containerId, address] of Object.entries(saved.leases)) pool.restore(containerId, address);
  }

  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const persist = () => {
    const record: LeaseFile = {
      version: 1,
      subnet: options.subnet,
      ...(options.gateway === undefined ? {} : { gateway: options.gateway }),
      ...(options.ipRange === undefined ? {} : { ipRange: options.ipRange }),
      leases: pool.leases(),
    };
    return atomicWriteFile(path, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  };
  // Undo the in-memory change when the write fails, so memory never runs ahead of the disk.
  const persistOrUndo = async (undo: () => void) => {
    try {
      await persist();
    } catch (err) {
      undo();
      throw err;
    }
  };

  return {
    subnet: options.subnet,
    gateway: options.gateway,
    prefixLength: pool.prefixLength,
    allocate: (containerId, preferred) =>
      serial(async () => {
        const before = pool.leaseOf(containerId);
        const address = pool.allocate(containerId, preferred);
        if (address === before) return address;
        await persistOrUndo(() => {
          pool.release(containerId);
          if (before !== undefined) pool.restore(containerId, before);
        });
        return address;
      }),
    release: (containerId) =>
      serial(async () => {
        const freed = pool.release(containerId);
        if (freed === undefined) return undefined;
        await persistOrUndo(() => pool.restore(containerId, freed));
        return freed;
      }),
    leaseOf: (containerId) => pool.leaseOf(containerId),
    leases: () => pool.leases(),
    destroy: () => serial(() => removeFileDurably(path)),
  };
}
