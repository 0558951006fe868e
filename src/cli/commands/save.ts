/**
 * `lading save [-o FILE] IMAGE...`: GET /images/get?names=… streamed to FILE (written
 * atomically: a temporary file renamed into place when complete) or to stdout, which must not
 * be a terminal. The archive is copied with backpressure, never held in memory.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { copyToOutput, goFileError, invalidDestination, writeFileAtomic } from '../binary-output.js';

export function saveCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('save');
  return cmd
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .argument('[images...]')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT')
    .action(async (images: string[], opts: { output?: string }) => {
      cmd.checkArgs(images, { min: 1 });
      const output = opts.output ?? '';
      if (output === '' && ctx.stdout.isTTY) {
        throw new StatusError(
          'cowardly refusing to save to a terminal. Use the -o flag or redirect',
          EXIT_FAILURE,
        );
      }
      if (output !== '') {
        const invalid = await invalidDestination(output);
        if (invalid !== undefined) throw new StatusError(`failed to save image: ${invalid}`, EXIT_FAILURE);
      }
      const res = await ctx.client().open('GET', '/images/get', {
        query: { names: images },
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      try {
        if (output === '') await copyToOutput(res, ctx.stdout);
        else {
          try {
            await writeFileAtomic(output, res);
          } catch (err) {
            const e = err as NodeJS.ErrnoException;
            if (e.syscall === 'open') {
              throw new StatusError(`failed to save image: ${goFileError(e, 'open', output)}`, EXIT_FAILURE);
            }
            throw err;
          }
        }
      } finally {
        res.destroy();
      }
    }) as LadingCommand;
}
