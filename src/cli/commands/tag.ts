/**
 * `lading tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]`: POST /images/{source}/tag with the target
 * normalized as the docker client sends it (`repo=docker.io/library/busybox&tag=latest`).
 * A target that is not a valid name, or carries a digest, is refused before asking the daemon,
 * with docker's wording.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import {
  DEFAULT_TAG,
  InvalidReferenceError,
  nameString,
  parseAnyReference,
  parseNormalizedNamed,
  type NamedReference,
} from '../../reference/index.js';

function parseError(input: string, err: unknown): unknown {
  if (!(err instanceof InvalidReferenceError)) return err;
  return new StatusError(
    `Error parsing reference: "${input}" is not a valid repository/tag: ${err.message}`,
    EXIT_FAILURE,
  );
}

/** The query docker's ImageTag sends for a target name; throws its error text. */
export function tagQuery(source: string, target: string): { repo: string; tag: string } {
  try {
    parseAnyReference(source);
  } catch (err) {
    throw parseError(source, err);
  }
  let ref: NamedReference;
  try {
    ref = parseNormalizedNamed(target);
  } catch (err) {
    throw parseError(target, err);
  }
  if (ref.digest !== undefined) {
    throw new StatusError('refusing to create a tag with a digest reference', EXIT_FAILURE);
  }
  return { repo: nameString(ref), tag: ref.tag ?? DEFAULT_TAG };
}

export function tagCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('tag');
  return cmd
    .usage('SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]')
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .argument('[args...]')
    .action(async (args: string[]) => {
      cmd.checkArgs(args, { exact: 2 });
      const [source, target] = args as [string, string];
      const query = tagQuery(source, target);
      await ctx.client().request('POST', `/images/${source}/tag`, {
        query,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
    }) as LadingCommand;
}
