/**
 * `lading rmi [-f] [--no-prune] IMAGE...` (also `image rm`, `image remove`): DELETE
 * /images/{name} for each image in turn, printing `Untagged: …` / `Deleted: …` as the daemon
 * reports them. A failure does not stop the others; the errors are printed at the end, one a
 * line, exit 1. With -f, "No such image" errors alone are printed on stderr and the exit
 * status stays 0, as docker.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { EngineError } from '../engine-client.js';
import type { ImageDeleteItem } from '../image-types.js';

interface RmiOptions {
  force?: boolean;
  prune?: boolean;
}

export function rmiCommand(ctx: CliContext, name: 'rmi' | 'rm' = 'rmi'): LadingCommand {
  const cmd = new LadingCommand(name);
  if (name === 'rm') cmd.aliases(['rmi', 'remove']);
  return cmd
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .description('Remove one or more images')
    .argument('[images...]')
    .option('-f, --force', 'Force removal of the image')
    .option('--no-prune', 'Do not delete untagged parents')
    .action(async (images: string[], opts: RmiOptions) => {
      cmd.checkArgs(images, { min: 1 });
      const errors: string[] = [];
      let fatal = false;
      for (const image of images) {
        try {
          const items = await ctx.client().json<ImageDeleteItem[] | null>('DELETE', `/images/${image}`, {
            query: { force: opts.force ? '1' : undefined, noprune: opts.prune === false ? '1' : undefined },
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          });
          for (const item of items ?? []) {
            ctx.stdout.write(
              item.Deleted ? `Deleted: ${item.Deleted}\n` : `Untagged: ${item.Untagged ?? ''}\n`,
            );
          }
        } catch (err) {
          if (ctx.signal?.aborted) throw err;
          if (!(err instanceof EngineError && err.status === 404)) fatal = true;
          errors.push(err instanceof Error ? err.message : String(err));
        }
      }
      if (errors.length === 0) return;
      if (!opts.force || fatal) throw new StatusError(errors.join('\n'), EXIT_FAILURE);
      ctx.stderr.write(`${errors.join('\n')}\n`);
    }) as LadingCommand;
}
