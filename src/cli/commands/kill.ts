/** `lading kill [-s SIGNAL] CONTAINER...`: POST /containers/{id}/kill (`signal=` when given). */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { forEachContainer } from '../container-session.js';

export function killCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('kill');
  return cmd
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Kill one or more running containers')
    .argument('[containers...]')
    .option('-s, --signal <string>', 'Signal to send to the container')
    .action(async (names: string[], opts: { signal?: string }) => {
      cmd.checkArgs(names, { min: 1 });
      const query = opts.signal ? { signal: opts.signal } : undefined;
      const errors = await forEachContainer(ctx, names, (name) =>
        ctx.client().request('POST', `/containers/${name}/kill`, query ? { query } : {}),
      );
      if (errors.length > 0) throw new StatusError(errors.join('\n'), EXIT_FAILURE);
    }) as LadingCommand;
}
