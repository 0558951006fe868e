/**
 * `lading top CONTAINER [ps OPTIONS]`: GET /containers/{id}/top, everything after the container
 * joined by spaces as `ps_args` (sent only when given), printed as docker's tabwriter table
 * (minimum cell width 20, padding 3).
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { tabulate } from '../format/index.js';

interface TopResponse {
  Titles: string[] | null;
  Processes: string[][] | null;
}

export function topCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('top');
  return cmd
    .usage('CONTAINER [ps OPTIONS]')
    .description('Display the running processes of a container')
    .argument('[args...]')
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (args: string[]) => {
      cmd.checkArgs(args, { min: 1 });
      const [container = '', ...psArgs] = args;
      const query = psArgs.length > 0 ? { ps_args: psArgs.join(' ') } : undefined;
      const top = await ctx.client().get<TopResponse>(`/containers/${container}/top`, query ? { query } : {});
      const rows = [top.Titles ?? [], ...(top.Processes ?? [])];
      const text = rows.map((row) => `${row.join('\t')}\n`).join('');
      ctx.stdout.write(tabulate(text, { minWidth: 20, tabWidth: 1, padding: 3, padChar: ' ', flags: 0 }));
    }) as LadingCommand;
}
