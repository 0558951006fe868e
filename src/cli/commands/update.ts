/**
 * `lading update [OPTIONS] CONTAINER...`: POST /containers/{id}/update with new resource
 * limits or restart policy, printing each name updated as docker does.
 */
import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { forEachContainer } from '../container-session.js';
import { integer, nanoCpus, ramInBytes } from '../flag-values.js';
import { parseRestartPolicy } from '../run-options.js';

interface UpdateFlags {
  blkioWeight?: string;
  cpuPeriod?: string;
  cpuQuota?: string;
  cpuShares?: string;
  cpus?: string;
  cpusetCpus?: string;
  cpusetMems?: string;
  memory?: string;
  memoryReservation?: string;
  memorySwap?: string;
  pidsLimit?: string;
  restart?: string;
}

/** The body docker sends: only the fields given (zero means "keep" to the daemon). */
export function updateBody(flags: UpdateFlags): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (flags.blkioWeight !== undefined) body['BlkioWeight'] = integer(flags.blkioWeight);
  if (flags.cpuPeriod !== undefined) body['CpuPeriod'] = integer(flags.cpuPeriod);
  if (flags.cpuQuota !== undefined) body['CpuQuota'] = integer(flags.cpuQuota);
  if (flags.cpuShares !== undefined) body['CpuShares'] = integer(flags.cpuShares);
  if (flags.cpus !== undefined) body['NanoCpus'] = nanoCpus(flags.cpus);
  if (flags.cpusetCpus !== undefined) body['CpusetCpus'] = flags.cpusetCpus;
  if (flags.cpusetMems !== undefined) body['CpusetMems'] = flags.cpusetMems;
  if (flags.memory !== undefined) body['Memory'] = ramInBytes(flags.memory);
  if (flags.memoryReservation !== undefined) body['MemoryReservation'] = ramInBytes(flags.memoryReservation);
  if (flags.memorySwap !== undefined)
    body['MemorySwap'] = flags.memorySwap === '-1' ? -1 : ramInBytes(flags.memorySwap);
  if (flags.pidsLimit !== undefined) body['PidsLimit'] = integer(flags.pidsLimit);
  if (flags.restart !== undefined) body['RestartPolicy'] = parseRestartPolicy(flags.restart);
  return body;
}

export function updateCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('update');
  return cmd
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Update configuration of one or more containers')
    .argument('[containers...]')
    .option('--blkio-weight <uint16>', 'Block IO (relative weight), between 10 and 1000, or 0 to disable')
    .option('--cpu-period <int>', 'Limit CPU CFS (Completely Fair Scheduler) period')
    .option('--cpu-quota <int>', 'Limit CPU CFS (Completely Fair Scheduler) quota')
    .option('-c, --cpu-shares <int>', 'CPU shares (relative weight)')
    .option('--cpus <decimal>', 'Number of CPUs')
    .option('--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)')
    .option('--cpuset-mems <string>', 'MEMs in which to allow execution (0-3, 0,1)')
    .option('-m, --memory <bytes>', 'Memory limit')
    .option('--memory-reservation <bytes>', 'Memory soft limit')
    .option('--memory-swap <bytes>', 'Swap limit equal to memory plus swap: -1 to enable unlimited swap')
    .option('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)')
    .option('--restart <string>', 'Restart policy to apply when a container exits')
    .action(async (names: string[], flags: UpdateFlags) => {
      cmd.checkArgs(names, { min: 1 });
      let body: Record<string, unknown>;
      try {
        body = updateBody(flags);
      } catch (err) {
        throw new StatusError(`invalid argument: ${err instanceof Error ? err.message : String(err)}`, 125);
      }
      if (Object.keys(body).length === 0) {
        throw new StatusError('you must provide one or more flags when using this command', EXIT_FAILURE);
      }
      const errors = await forEachContainer(ctx, names, (name) =>
        ctx.client().request('POST', `/containers/${name}/update`, { body }),
      );
      if (errors.length > 0) throw new StatusError(errors.join('\n'), EXIT_FAILURE);
    }) as LadingCommand;
}
