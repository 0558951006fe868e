/**
 * `lading container inspect [-f FORMAT] [-s] CONTAINER...`: GET /containers/{id}/json
 * (`size=1` with -s), printed as docker's inspect printer does.
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { inspectAll } from '../inspect-output.js';
import { INSPECT_FORMAT_HELP } from '../list-output.js';

export function containerInspectCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('inspect');
  return cmd
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Display detailed information on one or more containers')
    .argument('[containers...]')
    .option('-f, --format <string>', INSPECT_FORMAT_HELP)
    .option('-s, --size', 'Display total file sizes')
    .action(async (names: string[], opts: { format?: string; size?: boolean }) => {
      cmd.checkArgs(names, { min: 1 });
      await inspectAll(ctx.stdout, names, opts.format ?? '', async (ref) => {
        const res = await ctx.client().request('GET', `/containers/${ref}/json`, {
          ...(opts.size ? { query: { size: '1' } } : {}),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        return res.body.toString('utf8');
      });
    }) as LadingCommand;
}
