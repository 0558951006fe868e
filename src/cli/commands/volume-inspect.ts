/**
 * `lading volume inspect [-f FORMAT] VOLUME...`: GET /volumes/{name} for each, printed as
 * docker does (a JSON array indented by four spaces, or a Go template per volume); missing
 * ones are reported after the output (`Error response from daemon: get x: no such volume`).
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { inspectAll } from '../inspect-output.js';
import { INSPECT_FORMAT_HELP } from '../list-output.js';

export async function rawVolumeInspect(ctx: CliContext, name: string): Promise<string> {
  const res = await ctx.client().request('GET', `/volumes/${name}`, ctx.signal ? { signal: ctx.signal } : {});
  return res.body.toString('utf8');
}

export function volumeInspectCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('inspect');
  return cmd
    .usage('[OPTIONS] VOLUME [VOLUME...]')
    .description('Display detailed information on one or more volumes')
    .argument('[volumes...]')
    .option('-f, --format <string>', INSPECT_FORMAT_HELP)
    .action(async (volumes: string[], opts: { format?: string }) => {
      cmd.checkArgs(volumes, { min: 1 });
      await inspectAll(ctx.stdout, volumes, opts.format ?? '', (name) => rawVolumeInspect(ctx, name));
    }) as LadingCommand;
}
