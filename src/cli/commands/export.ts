/**
 * `lading export [-o FILE] CONTAINER`: GET /containers/{id}/export, the container's root
 * filesystem as a tar, to FILE (written atomically) or to stdout, which must not be a terminal.
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { downloadToOutput } from '../binary-output.js';

export function exportCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('export');
  return cmd
    .usage('[OPTIONS] CONTAINER')
    .description("Export a container's filesystem as a tar archive")
    .argument('[container...]')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT')
    .action(async (args: string[], opts: { output?: string }) => {
      cmd.checkArgs(args, { exact: 1 });
      await downloadToOutput(ctx, {
        output: opts.output ?? '',
        failure: 'failed to export container',
        open: () =>
          ctx.client().open('GET', `/containers/${encodeURIComponent(args[0]!)}/export`, {
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          }),
      });
    }) as LadingCommand;
}
