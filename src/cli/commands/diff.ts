/**
 * `lading diff CONTAINER`: GET /containers/{id}/changes, one `KIND PATH` line per change
 * (A added, C changed, D deleted) in the daemon's order, as docker prints them.
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';

const KINDS = ['C', 'A', 'D'];

export function diffCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('diff');
  return cmd
    .usage('CONTAINER')
    .description("Inspect changes to files or directories on a container's filesystem")
    .argument('[container...]')
    .action(async (args: string[]) => {
      cmd.checkArgs(args, { exact: 1 });
      const changes = await ctx
        .client()
        .json<{ Path: string; Kind: number }[] | null>(
          'GET',
          `/containers/${encodeURIComponent(args[0]!)}/changes`,
        );
      for (const change of changes ?? []) ctx.stdout.write(`${KINDS[change.Kind] ?? ''} ${change.Path}\n`);
    }) as LadingCommand;
}
