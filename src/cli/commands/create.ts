/**
 * `lading create [OPTIONS] IMAGE [COMMAND] [ARG...]`: POST /containers/create with the body
 * docker's CLI builds (see run-options.ts), printing the new container's ID. An image the
 * daemon does not have is pulled (`--pull missing`, the default) with docker's
 * "Unable to find image 'x:latest' locally" and the progress on stderr, then created again;
 * `--pull always` pulls first, `--pull never` reports the daemon's "No such image".
 */

import { EXIT_USAGE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { EngineError } from '../engine-client.js';
import { terminalSize } from '../raw-terminal.js';
import {
  addContainerFlags,
  buildCreateRequest,
  checkPullPolicy,
  type BuiltCreate,
  type ContainerFlags,
} from '../run-options.js';
import { parseImageName, pullImage, pullMissingImage } from './pull.js';
import { registryAuthFor } from '../credentials/index.js';
import type { ContainerCreateResponse } from '../../api/types/containers.js';

/** Builds the request, or fails as docker does for a bad flag value (a plain Error). */
export function buildOrFail(
  ctx: CliContext,
  flags: ContainerFlags,
  image: string,
  args: readonly string[],
): BuiltCreate {
  return buildCreateRequest(flags, image, args, {
    env: ctx.io.env,
    consoleSize: terminalSize(ctx.stdout),
  });
}

/**
 * Creates the container, pulling its image as --pull says; returns the ID. Warnings from the
 * daemon go to stderr as docker prints them.
 */
export async function createContainer(
  ctx: CliContext,
  built: BuiltCreate,
  flags: ContainerFlags,
): Promise<string> {
  const policy = checkPullPolicy(flags.pull ?? 'missing');
  const image = built.request.Image ?? '';
  const pullOptions = {
    ...(built.platform ? { platform: built.platform } : {}),
    quiet: flags.quiet === true,
  };
  if (policy === 'always') {
    const ref = parseImageName(image);
    const named = ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: 'latest' } : ref;
    await pullImage(ctx.client(), named, {
      registryAuth: await registryAuthFor(ctx, named),
      ...(built.platform ? { platform: built.platform } : {}),
      ...(flags.quiet ? {} : { out: ctx.stderr }),
    });
  }
  const query: Record<string, string> = {};
  if (built.name) query['name'] = built.name;
  if (built.platform) query['platform'] = built.platform;
  const send = (): Promise<ContainerCreateResponse> =>
    ctx.client().json<ContainerCreateResponse>('POST', '/containers/create', { query, body: built.request });
  let res: ContainerCreateResponse;
  try {
    res = await send();
  } catch (err) {
    if (
      !(err instanceof EngineError) ||
      err.status !== 404 ||
      policy !== 'missing' ||
      !/No such image/i.test(err.message)
    ) {
      throw err;
    }
    await pullMissingImage(ctx, parseImageName(image), pullOptions);
    res = await send();
  }
  for (const w of res.Warnings ?? []) ctx.stderr.write(`WARNING: ${w}\n`);
  return res.Id;
}

export function createCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('create');
  cmd
    .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
    .description('Create a new container')
    .argument('[args...]')
    .passThroughOptions();
  addContainerFlags(cmd, false);
  cmd.action(async (args: string[], flags: ContainerFlags) => {
    cmd.checkArgs(args, { min: 1 });
    const [image, ...rest] = args as [string, ...string[]];
    let built: BuiltCreate;
    try {
      built = buildOrFail(ctx, flags, image, rest);
    } catch (err) {
      throw new StatusError(
        `lading: ${(err as Error).message}\n\nRun 'lading create --help' for more information`,
        EXIT_USAGE,
      );
    }
    const id = await createContainer(ctx, built, flags);
    ctx.stdout.write(`${id}\n`);
  });
  return cmd;
}
