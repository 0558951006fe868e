/**
 * `lading save [-o FILE] IMAGE...`: GET /images/get?names=… streamed to FILE (written
 * atomically: a temporary file renamed into place when complete) or to stdout, which must not
 * be a terminal. The archive is copied with backpressure, never held in memory.
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { downloadToOutput } from '../binary-output.js';

export function saveCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('save');
  return cmd
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .argument('[images...]')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT')
    .action(async (images: string[], opts: { output?: string }) => {
      cmd.checkArgs(images, { min: 1 });
      await downloadToOutput(ctx, {
        output: opts.output ?? '',
        failure: 'failed to save image',
        open: () =>
          ctx.client().open('GET', '/images/get', {
            query: { names: images },
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          }),
      });
    }) as LadingCommand;
}
