/**
 * `lading wait CONTAINER...`: POST /containers/{id}/wait for each, printing each exit status;
 * failures one per line, exit 1.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { openWait } from '../container-session.js';

export function waitCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('wait');
  return cmd
    .usage('CONTAINER [CONTAINER...]')
    .description('Block until one or more containers stop, then print their exit codes')
    .argument('[containers...]')
    .action(async (names: string[]) => {
      cmd.checkArgs(names, { min: 1 });
      const errors: string[] = [];
      for (const name of names) {
        try {
          const { status } = await openWait(ctx, name, undefined);
          ctx.stdout.write(`${await status}\n`);
        } catch (err) {
          errors.push(err instanceof Error ? err.message : String(err));
        }
      }
      if (errors.length > 0) throw new StatusError(errors.join('\n'), EXIT_FAILURE);
    }) as LadingCommand;
}
