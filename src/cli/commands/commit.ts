/**
 * `lading commit [-a AUTHOR] [-c CHANGE]... [-m MESSAGE] [--pause=false] CONTAINER
 * [REPOSITORY[:TAG]]`: POST /commit, printing the new image's id. The reference is split
 * into repo and tag here, as the docker client does (a digest is refused before asking).
 */

import { Option } from 'commander';
import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { collect } from '../filter-option.js';
import {
  familiarName,
  InvalidReferenceError,
  parseNormalizedNamed,
  withDefaultTag,
} from '../../reference/index.js';

interface CommitOptions {
  author?: string;
  change?: string[];
  message?: string;
  pause?: boolean;
}

function splitReference(reference: string): { repo: string; tag: string } {
  let named;
  try {
    named = parseNormalizedNamed(reference);
  } catch (err) {
    if (err instanceof InvalidReferenceError) throw new StatusError(err.message, EXIT_FAILURE);
    throw err;
  }
  if (named.digest !== undefined) {
    throw new StatusError('refusing to create a tag with a digest reference', EXIT_FAILURE);
  }
  const tagged = withDefaultTag(named);
  return { repo: familiarName(tagged), tag: tagged.tag ?? '' };
}

export function commitCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('commit');
  return cmd
    .usage('[OPTIONS] CONTAINER [REPOSITORY[:TAG]]')
    .description("Create a new image from a container's changes")
    .argument('[args...]')
    .option('-a, --author <string>', 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')
    .option('-c, --change <list>', 'Apply Dockerfile instruction to the created image', collect)
    .option('-m, --message <string>', 'Commit message')
    .option('-p, --pause', 'Pause container during commit (default true)')
    .addOption(new Option('--no-pause').hideHelp())
    .action(async (args: string[], opts: CommitOptions) => {
      cmd.checkArgs(args, { min: 1, max: 2 });
      const [container, reference] = args as [string, string | undefined];
      const target = reference ? splitReference(reference) : undefined;
      const res = await ctx.client().json<{ Id: string }>('POST', '/commit', {
        query: {
          container,
          repo: target?.repo,
          tag: target?.tag,
          comment: opts.message || undefined,
          author: opts.author || undefined,
          changes: opts.change ?? [],
          pause: opts.pause === false ? '0' : undefined,
        },
      });
      ctx.stdout.write(`${res.Id}\n`);
    }) as LadingCommand;
}
