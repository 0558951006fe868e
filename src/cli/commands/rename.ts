/** `lading rename CONTAINER NEW_NAME`: POST /containers/{id}/rename?name=NEW_NAME. */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';

export function renameCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('rename');
  return cmd
    .usage('CONTAINER NEW_NAME')
    .description('Rename a container')
    .argument('[args...]')
    .action(async (args: string[]) => {
      cmd.checkArgs(args, { exact: 2 });
      const [oldName, newName] = [(args[0] as string).trim(), (args[1] as string).trim()];
      if (oldName === '' || newName === '') {
        throw new StatusError('Error: neither old nor new names may be empty', EXIT_FAILURE);
      }
      try {
        await ctx.client().request('POST', `/containers/${oldName}/rename`, { query: { name: newName } });
      } catch (err) {
        ctx.stderr.write(`${(err as Error).message}\n`);
        throw new StatusError(`Error: failed to rename container named ${oldName}`, EXIT_FAILURE);
      }
    }) as LadingCommand;
}
