/**
 * `docker update`: new resource limits (and restart policy) for a container, applied to the
 * running task through containerd at once and kept in hostconfig.json for the next start.
 * As in dockerd, a zero or absent field leaves the current value, and the merged result is
 * checked like a create's.
 */
import type { HostConfig } from '../../api/types/index.js';
import { InvalidArgumentError } from '../../errors/index.js';
import { resourceLimits } from '../../runtime/spec/index.js';
import type { ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';
import { checkResources } from './resource-checks.js';

/** The fields `update` may change; zero means "keep". */
const NUMERIC_FIELDS = [
  'Memory',
  'MemorySwap',
  'MemoryReservation',
  'CpuShares',
  'NanoCpus',
  'CpuPeriod',
  'CpuQuota',
  'PidsLimit',
  'BlkioWeight',
] as const;
const STRING_FIELDS = ['CpusetCpus', 'CpusetMems'] as const;

export function updateContainer(
  ctx: ManagerContext,
  record: ContainerRecord,
  update: HostConfig,
): Promise<string[]> {
  return ctx.locks.run(record.ID, async () => {
    const next: HostConfig = { ...record.HostConfig };
    for (const field of NUMERIC_FIELDS) {
      const value = update[field];
      if (typeof value === 'number' && value !== 0) next[field] = value;
    }
    for (const field of STRING_FIELDS) {
      const value = update[field];
      if (typeof value === 'string' && value !== '') next[field] = value;
    }
    if (update.RestartPolicy && update.RestartPolicy.Name !== '') {
      if (record.HostConfig.AutoRemove && update.RestartPolicy.Name !== 'no') {
        throw new InvalidArgumentError(
          'Restart policy cannot be updated because AutoRemove is enabled for the container',
        );
      }
      next.RestartPolicy = { ...update.RestartPolicy };
    }
    // A new memory limit without a new swap limit keeps Docker's "twice the memory" default.
    if ((update.Memory ?? 0) > 0 && (update.MemorySwap ?? 0) === 0) next.MemorySwap = 0;
    checkResources(next);
    if (record.State.Running && ctx.running.has(record.ID)) {
      const resources = resourceLimits({
        memory: next.Memory ?? 0,
        memoryReservation: next.MemoryReservation ?? 0,
        memorySwap: next.MemorySwap ?? 0,
        cpuShares: next.CpuShares ?? 0,
        nanoCpus: next.NanoCpus ?? 0,
        cpuPeriod: next.CpuPeriod ?? 0,
        cpuQuota: next.CpuQuota ?? 0,
        cpusetCpus: next.CpusetCpus ?? '',
        cpusetMems: next.CpusetMems ?? '',
        pidsLimit: next.PidsLimit ?? 0,
      });
      try {
        await ctx.options.runtime.update(record.ID, resources);
      } catch (err) {
        throw new InvalidArgumentError(
          `Cannot update container ${record.ID}: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
    }
    record.HostConfig = next;
    await ctx.save(record);
    ctx.options.publish('update', record);
    return [];
  });
}
