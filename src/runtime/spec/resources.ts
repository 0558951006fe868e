/**
 * Resource limits (`--memory`, `--memory-swap`, `--memory-reservation`, `--oom-kill-disable`,
 * `--cpus`, `--cpu-shares`, `--cpu-period`, `--cpu-quota`, `--cpuset-cpus`, `--cpuset-mems`,
 * `--pids-limit`) as the spec's linux.resources, mapped as dockerd does: `--cpus` is a quota
 * per 100 ms period, a zero value means "not set", and -1 swap or pids means unlimited.
 */
import type { RuntimeResources } from '../../oci/index.js';

export interface ResourceInput {
  memory?: number;
  memoryReservation?: number;
  /** Memory plus swap; -1 unlimited. */
  memorySwap?: number;
  oomKillDisable?: boolean;
  cpuShares?: number;
  /** CPUs × 10^9 (`--cpus 1.5` = 1.5e9). */
  nanoCpus?: number;
  cpuPeriod?: number;
  cpuQuota?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  /** 0 unset, -1 unlimited. */
  pidsLimit?: number;
}

const NANO_CPU_PERIOD_US = 100_000;

export function resourceLimits(input: ResourceInput): Omit<RuntimeResources, 'devices'> {
  const resources: Omit<RuntimeResources, 'devices'> = {};
  const memory: NonNullable<RuntimeResources['memory']> = {};
  if ((input.memory ?? 0) > 0) memory.limit = input.memory;
  if ((input.memoryReservation ?? 0) > 0) memory.reservation = input.memoryReservation;
  if ((input.memorySwap ?? 0) !== 0) memory.swap = input.memorySwap;
  if (input.oomKillDisable === true) memory.disableOOMKiller = true;
  if (Object.keys(memory).length > 0) resources.memory = memory;

  const cpu: NonNullable<RuntimeResources['cpu']> = {};
  if ((input.cpuShares ?? 0) > 0) cpu.shares = input.cpuShares;
  if ((input.nanoCpus ?? 0) > 0) {
    cpu.period = NANO_CPU_PERIOD_US;
    cpu.quota = Math.round(((input.nanoCpus ?? 0) * NANO_CPU_PERIOD_US) / 1e9);
  } else {
    if ((input.cpuPeriod ?? 0) > 0) cpu.period = input.cpuPeriod;
    if ((input.cpuQuota ?? 0) !== 0) cpu.quota = input.cpuQuota;
  }
  if (input.cpusetCpus) cpu.cpus = input.cpusetCpus;
  if (input.cpusetMems) cpu.mems = input.cpusetMems;
  if (Object.keys(cpu).length > 0) resources.cpu = cpu;

  if ((input.pidsLimit ?? 0) !== 0) resources.pids = { limit: input.pidsLimit! < 0 ? -1 : input.pidsLimit! };
  return resources;
}
