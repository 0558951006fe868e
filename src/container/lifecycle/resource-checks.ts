/**
 * dockerd's checks and defaults for resource limits at create (daemon_unix.go): a memory
 * limit below 6 MB is refused, swap needs a memory limit and must not be below it, `--cpus`
 * excludes an explicit period or quota and cannot exceed the host's CPUs. A memory limit
 * without a swap limit gets twice as much memory+swap, as Docker gives it.
 */
import { availableParallelism } from 'node:os';
import type { HostConfig } from '../../api/types/index.js';
import { InvalidArgumentError } from '../../errors/index.js';

const MIN_MEMORY = 6 * 1024 * 1024;

export function checkResources(hostConfig: HostConfig): void {
  const memory = hostConfig.Memory ?? 0;
  const swap = hostConfig.MemorySwap ?? 0;
  const refuse = (message: string): never => {
    throw new InvalidArgumentError(message);
  };
  if (memory < 0 || (memory > 0 && memory < MIN_MEMORY)) refuse('Minimum memory limit allowed is 6MB');
  if (swap > 0 && memory === 0) {
    refuse('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  if (swap > 0 && swap < memory)
    refuse('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (memory > 0 && swap === 0) hostConfig.MemorySwap = memory * 2;

  const nanoCpus = hostConfig.NanoCpus ?? 0;
  if (nanoCpus > 0 && (hostConfig.CpuPeriod ?? 0) > 0) {
    refuse('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  }
  if (nanoCpus > 0 && (hostConfig.CpuQuota ?? 0) > 0) {
    refuse('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  }
  const cpus = availableParallelism();
  if (nanoCpus < 0 || nanoCpus > cpus * 1e9) {
    refuse(`Range of CPUs is from 0.01 to ${cpus}.00, as there are only ${cpus} CPUs available`);
  }
}
