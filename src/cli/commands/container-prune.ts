/**
 * `lading container prune [-f] [--filter k=v]`: POST /containers/prune after docker's
 * question (any answer but y/Y cancels quietly, exit 0). Reports:
 *
 *   Deleted Containers:
 *   <id>
 *
 *   Total reclaimed space: 0B
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { filterOption } from '../filter-option.js';
import { filtersToJson, type Filters } from '../filters.js';
import { confirm } from '../prompt.js';
import { humanSize } from '../units.js';
import type { ContainersPruneResponse } from '../../api/types/containers.js';

const WARNING = 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?';

export function renderContainerPrune(report: ContainersPruneResponse): string {
  const deleted = report.ContainersDeleted ?? [];
  let out = '';
  if (deleted.length > 0) out += `Deleted Containers:\n${deleted.map((id) => `${id}\n`).join('')}\n`;
  return `${out}Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}\n`;
}

export function containerPruneCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('prune');
  return cmd
    .usage('[OPTIONS]')
    .description('Remove all stopped containers')
    .argument('[args...]')
    .addOption(filterOption('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")'))
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (args: string[], opts: { force?: boolean; filter?: Filters }) => {
      cmd.checkArgs(args, { exact: 0 });
      if (!opts.force && !(await confirm(ctx.stdin, ctx.stdout, WARNING, ctx.signal))) return;
      const report = await ctx.client().json<ContainersPruneResponse>('POST', '/containers/prune', {
        query: { filters: filtersToJson(opts.filter ?? new Map()) },
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      ctx.stdout.write(renderContainerPrune(report ?? { ContainersDeleted: null, SpaceReclaimed: 0 }));
    }) as LadingCommand;
}
