/**
 * `lading import [-c CHANGE]... [-m MESSAGE] file|URL|- [REPOSITORY[:TAG]]`: POST
 * /images/create?fromSrc=- with the rootfs tar streamed from the file or stdin (`fromSrc=URL`
 * and no body for an http(s) source, left to the daemon). Each --change is sent as its own
 * `changes=` parameter. Prints the daemon's progress stream: the new image's id.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext, Input } from '../context.js';
import { collect } from '../filter-option.js';
import { InvalidReferenceError, parseNormalizedNamed } from '../../reference/index.js';
import { openInput, showProgress } from './load.js';

interface ImportOptions {
  change?: string[];
  message?: string;
  platform?: string;
}

export function importCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('import');
  return cmd
    .usage('[OPTIONS] file|URL|- [REPOSITORY[:TAG]]')
    .description('Import the contents from a tarball to create a filesystem image')
    .argument('[args...]')
    .option('-c, --change <list>', 'Apply Dockerfile instruction to the created image', collect)
    .option('-m, --message <string>', 'Set commit message for imported image')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .action(async (args: string[], opts: ImportOptions) => {
      cmd.checkArgs(args, { min: 1 });
      const [source, repository] = args as [string, string | undefined];
      if (repository) {
        try {
          parseNormalizedNamed(repository);
        } catch (err) {
          if (err instanceof InvalidReferenceError) throw new StatusError(err.message, EXIT_FAILURE);
          throw err;
        }
      }
      let body: Input | undefined;
      let fromSrc = '-';
      if (source === '-') body = ctx.stdin;
      else if (source.startsWith('http://') || source.startsWith('https://')) fromSrc = source;
      else body = await openInput(source);
      const res = await ctx.client().open('POST', '/images/create', {
        query: {
          fromSrc,
          repo: repository || undefined,
          message: opts.message || undefined,
          platform: opts.platform ? opts.platform.toLowerCase() : undefined,
          changes: opts.change ?? [],
        },
        ...(body ? { upload: { stream: body, contentType: 'text/plain' } } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      await showProgress(ctx, res);
    }) as LadingCommand;
}
