/**
 * `lading image inspect [-f FORMAT] IMAGE...`: GET /images/{name}/json for each image, printed
 * as docker does (a JSON array indented by four spaces, the daemon's bytes otherwise untouched).
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { inspectAll } from '../inspect-output.js';
import { INSPECT_FORMAT_HELP } from '../list-output.js';

/** The raw inspect JSON of one image; throws the daemon's error. */
export async function rawImageInspect(ctx: CliContext, ref: string): Promise<string> {
  const res = await ctx
    .client()
    .request('GET', `/images/${ref}/json`, ctx.signal ? { signal: ctx.signal } : {});
  return res.body.toString('utf8');
}

export function imageInspectCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('inspect');
  return cmd
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .description('Display detailed information on one or more images')
    .argument('[images...]')
    .option('-f, --format <string>', INSPECT_FORMAT_HELP)
    .action(async (images: string[], opts: { format?: string }) => {
      cmd.checkArgs(images, { min: 1 });
      await inspectAll(ctx.stdout, images, opts.format ?? '', (ref) => rawImageInspect(ctx, ref));
    }) as LadingCommand;
}
