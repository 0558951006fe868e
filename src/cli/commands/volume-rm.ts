/**
 * `lading volume rm [-f] VOLUME...`: DELETE /volumes/{name}[?force=1] for each, printing each
 * name removed; the errors follow, one per line, exit 1 (as docker's errors.Join).
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';

export function volumeRmCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('rm');
  cmd.alias('remove');
  return cmd
    .usage('[OPTIONS] VOLUME [VOLUME...]')
    .description('Remove one or more volumes')
    .argument('[volumes...]')
    .option('-f, --force', 'Force the removal of one or more volumes')
    .action(async (volumes: string[], opts: { force?: boolean }) => {
      cmd.checkArgs(volumes, { min: 1 });
      const errors: string[] = [];
      for (const name of volumes) {
        try {
          await ctx.client().request('DELETE', `/volumes/${name}`, {
            query: { force: opts.force ? '1' : undefined },
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          });
        } catch (err) {
          if (ctx.signal?.aborted) throw err;
          errors.push(err instanceof Error ? err.message : String(err));
          continue;
        }
        ctx.stdout.write(`${name}\n`);
      }
      if (errors.length > 0) throw new StatusError(errors.join('\n'), EXIT_FAILURE);
    }) as LadingCommand;
}
