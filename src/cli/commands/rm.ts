/**
 * `lading rm [-f] [-v] [-l] CONTAINER...`: DELETE /containers/{id}?force=1&link=1&v=1 (each
 * only when set), printing each removed name; failures one per line, exit 1.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { forEachContainer } from '../container-session.js';

interface RmOptions {
  force?: boolean;
  link?: boolean;
  volumes?: boolean;
}

/** `inGroup`: `lading container rm`, which docker also calls `remove`. */
export function rmCommand(ctx: CliContext, inGroup = false): LadingCommand {
  const cmd = new LadingCommand('rm');
  if (inGroup) cmd.alias('remove');
  return cmd
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Remove one or more containers')
    .argument('[containers...]')
    .option('-f, --force', 'Force the removal of a running container (uses SIGKILL)')
    .option('-l, --link', 'Remove the specified link')
    .option('-v, --volumes', 'Remove anonymous volumes associated with the container')
    .action(async (names: string[], opts: RmOptions) => {
      cmd.checkArgs(names, { min: 1 });
      const query: Record<string, string> = {};
      if (opts.force) query['force'] = '1';
      if (opts.link) query['link'] = '1';
      if (opts.volumes) query['v'] = '1';
      const errors: string[] = [];
      for (const n of names) {
        // docker: an empty name is refused locally, without a request.
        if (n.replace(/^\/+/, '') === '') {
          errors.push('Error: container name cannot be empty');
          continue;
        }
        errors.push(
          ...(await forEachContainer(ctx, [n], (c) =>
            ctx.client().request('DELETE', `/containers/${c}`, { query }),
          )),
        );
      }
      if (errors.length > 0) throw new StatusError(errors.join('\n'), EXIT_FAILURE);
    }) as LadingCommand;
}
