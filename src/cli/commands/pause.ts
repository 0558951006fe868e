/** `lading pause CONTAINER...`: POST /containers/{id}/pause for each, printing each name. */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { forEachContainer } from '../container-session.js';

export function pauseCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('pause');
  return cmd
    .usage('CONTAINER [CONTAINER...]')
    .description('Pause all processes within one or more containers')
    .argument('[containers...]')
    .action(async (names: string[]) => {
      cmd.checkArgs(names, { min: 1 });
      const errors = await forEachContainer(ctx, names, (name) =>
        ctx.client().request('POST', `/containers/${name}/pause`),
      );
      if (errors.length > 0) throw new StatusError(errors.join('\n'), EXIT_FAILURE);
    }) as LadingCommand;
}
