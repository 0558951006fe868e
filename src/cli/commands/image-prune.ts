/**
 * `lading image prune [-a] [-f] [--filter k=v]`: POST /images/prune with `dangling=true`
 * (or `false` with -a) added to the filters. Asks docker's question first unless -f; any
 * answer but y/Y (or end of input) cancels quietly with exit 0, as docker. Reports:
 *
 *   Deleted Images:
 *   untagged: busybox:latest
 *   deleted: sha256:…
 *
 *   Total reclaimed space: 4.26MB
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { filterOption, withFilter } from '../filter-option.js';
import { filtersToJson, type Filters } from '../filters.js';
import type { ImagePruneReport } from '../image-types.js';
import { confirm } from '../prompt.js';
import { humanSize } from '../units.js';

const DANGLING_WARNING = 'WARNING! This will remove all dangling images.\nAre you sure you want to continue?';
const ALL_WARNING =
  'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?';

interface PruneOptions {
  all?: boolean;
  force?: boolean;
  filter?: Filters;
}

export function renderPruneReport(report: ImagePruneReport): string {
  const deleted = report.ImagesDeleted ?? [];
  let out = '';
  let reclaimed = 0;
  if (deleted.length > 0) {
    out += 'Deleted Images:\n';
    for (const d of deleted)
      out += d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted ?? ''}\n`;
    out += '\n';
    reclaimed = report.SpaceReclaimed;
  }
  return `${out}Total reclaimed space: ${humanSize(reclaimed)}\n`;
}

export function imagePruneCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('prune');
  return cmd
    .usage('[OPTIONS]')
    .description('Remove unused images')
    .argument('[args...]')
    .option('-a, --all', 'Remove all unused images, not just dangling ones')
    .addOption(filterOption('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")'))
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (args: string[], opts: PruneOptions) => {
      cmd.checkArgs(args, { exact: 0 });
      const filters = withFilter(opts.filter, 'dangling', opts.all ? 'false' : 'true');
      if (!opts.force) {
        const ok = await confirm(
          ctx.stdin,
          ctx.stdout,
          opts.all ? ALL_WARNING : DANGLING_WARNING,
          ctx.signal,
        );
        if (!ok) return; // docker: a cancelled prune prints nothing more and succeeds
      }
      const report = await ctx.client().json<ImagePruneReport>('POST', '/images/prune', {
        query: { filters: filtersToJson(filters) },
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      ctx.stdout.write(renderPruneReport(report ?? { ImagesDeleted: null, SpaceReclaimed: 0 }));
    }) as LadingCommand;
}
