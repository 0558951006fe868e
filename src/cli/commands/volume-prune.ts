/**
 * `lading volume prune [-a] [-f] [--filter k=v]`: POST /volumes/prune after docker's
 * question (any answer but y/Y cancels quietly, exit 0). Only anonymous volumes go unless
 * -a (`all=true`). Reports:
 *
 *   Deleted Volumes:
 *   <name>
 *
 *   Total reclaimed space: 0B
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { filterOption, withFilter } from '../filter-option.js';
import { filtersToJson, type Filters } from '../filters.js';
import { confirm } from '../prompt.js';
import { humanSize } from '../units.js';
import type { VolumesPruneResponse } from '../../api/types/index.js';

const ANONYMOUS_WARNING =
  'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?';
const ALL_WARNING =
  'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?';

export function renderVolumePrune(report: VolumesPruneResponse): string {
  const deleted = report.VolumesDeleted ?? [];
  if (deleted.length === 0) return 'Total reclaimed space: 0B\n';
  return `Deleted Volumes:\n${deleted.map((name) => `${name}\n`).join('')}\nTotal reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}\n`;
}

interface PruneOptions {
  all?: boolean;
  force?: boolean;
  filter?: Filters;
}

export function volumePruneCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('prune');
  return cmd
    .usage('[OPTIONS]')
    .description('Remove unused local volumes')
    .argument('[args...]')
    .option('-a, --all', 'Remove all unused volumes, not just anonymous ones')
    .addOption(filterOption('--filter <filter>', 'Provide filter values (e.g. "label=<label>")'))
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (args: string[], opts: PruneOptions) => {
      cmd.checkArgs(args, { exact: 0 });
      let filters = opts.filter ?? new Map<string, Set<string>>();
      if (opts.all) {
        if (filters.has('all')) {
          throw new StatusError(
            'conflicting options: cannot specify both --all and --filter all=1',
            EXIT_FAILURE,
          );
        }
        filters = withFilter(filters, 'all', 'true');
      }
      if (
        !opts.force &&
        !(await confirm(ctx.stdin, ctx.stdout, opts.all ? ALL_WARNING : ANONYMOUS_WARNING, ctx.signal))
      ) {
        return; // docker: a cancelled prune prints nothing more and succeeds
      }
      const report = await ctx.client().json<VolumesPruneResponse>('POST', '/volumes/prune', {
        query: { filters: filtersToJson(filters) },
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      ctx.stdout.write(renderVolumePrune(report ?? { VolumesDeleted: [], SpaceReclaimed: 0 }));
    }) as LadingCommand;
}
