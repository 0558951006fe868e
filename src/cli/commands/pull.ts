/**
 * `lading pull [-a] [-q] [--platform P] NAME[:TAG|@DIGEST]`, as docker's:
 *
 *   Using default tag: latest                   (a bare name, without -a or -q)
 *   latest: Pulling from library/busybox        (the daemon's progress stream…)
 *   …
 *   Digest: sha256:…
 *   Status: Downloaded newer image for busybox:latest
 *   docker.io/library/busybox:latest            (the full reference, even with -q)
 *
 * The request is `POST /images/create?fromImage=<full name>&tag=<tag or digest>&platform=`
 * with X-Registry-Auth from the credential store for the image's registry. `pullImage` is the
 * same request for other commands (run/create pull an absent image through it).
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext, Output } from '../context.js';
import { registryAuthFor } from '../credentials/index.js';
import type { EngineClient } from '../engine-client.js';
import { displayJsonMessages, JsonStreamError } from '../json-stream.js';
import {
  DEFAULT_TAG,
  familiarString,
  InvalidReferenceError,
  nameString,
  parseNormalizedNamed,
  referenceString,
  type NamedReference,
} from '../../reference/index.js';

export interface PullImageOptions {
  /** The X-Registry-Auth value (`registryAuthFor(ctx, ref)`); anonymous when absent. */
  registryAuth?: string;
  /** `os[/arch[/variant]]`, sent lower-cased as docker sends it. */
  platform?: string;
  /** Every tag of the repository (`ref` must then be a bare name). */
  allTags?: boolean;
  /** Where the progress goes; nothing is shown when absent (quiet). */
  out?: Output & { columns?: number };
  signal?: AbortSignal;
}

/**
 * Pulls `ref` through the daemon and renders its progress. Resolves when the stream ends;
 * rejects with StatusError (exit 1) when the daemon reports an error in the stream, or with the
 * daemon's EngineError (`Error response from daemon: …`) when it refuses before streaming.
 */
export async function pullImage(
  client: EngineClient,
  ref: NamedReference,
  options: PullImageOptions = {},
): Promise<void> {
  const query: Record<string, string> = { fromImage: nameString(ref) };
  if (!options.allTags) query['tag'] = ref.digest ?? ref.tag ?? DEFAULT_TAG;
  if (options.platform) query['platform'] = options.platform.toLowerCase();
  const res = await client.open('POST', '/images/create', {
    query,
    headers: { 'X-Registry-Auth': options.registryAuth ?? 'e30=' },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await renderStream(res, options.out);
}

/**
 * What `run`/`create` do when the daemon has no such image (docker's create path): say so on
 * stderr ("Unable to find image 'busybox:latest' locally"), then pull it with the progress on
 * stderr, so that stdout carries only the container's output or ID. `quiet` shows neither.
 */
export async function pullMissingImage(
  ctx: CliContext,
  ref: NamedReference,
  options: { platform?: string; quiet?: boolean } = {},
): Promise<void> {
  const named = ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
  if (!options.quiet) ctx.stderr.write(`Unable to find image '${familiarString(named)}' locally\n`);
  await pullImage(ctx.client(), named, {
    registryAuth: await registryAuthFor(ctx, named),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.quiet ? {} : { out: ctx.stderr }),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
}

/** A writer that drops everything: -q still reads the stream to its end and fails on errors. */
const DISCARD: Output = { write: () => true };

/**
 * Renders a progress stream (to nothing when `out` is undefined, for -q), turning an
 * in-stream error into the command's failure.
 */
export async function renderStream(
  res: import('node:http').IncomingMessage,
  out: (Output & { columns?: number }) | undefined,
  onAux?: (aux: unknown) => void,
): Promise<void> {
  try {
    await displayJsonMessages(res, out ?? DISCARD, onAux ? { onAux } : {});
  } catch (err) {
    if (err instanceof JsonStreamError) throw new StatusError(err.message, EXIT_FAILURE);
    throw err;
  } finally {
    res.destroy();
  }
}

/** ParseNormalizedNamed with the error as the command's failure (`invalid reference format…`). */
export function parseImageName(input: string): NamedReference {
  try {
    return parseNormalizedNamed(input);
  } catch (err) {
    if (err instanceof InvalidReferenceError) throw new StatusError(err.message, EXIT_FAILURE);
    throw err;
  }
}

interface PullOptions {
  allTags?: boolean;
  quiet?: boolean;
  platform?: string;
  disableContentTrust?: boolean;
}

export function pullCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('pull');
  return (
    cmd
      .usage('[OPTIONS] NAME[:TAG|@DIGEST]')
      .description('Download an image from a registry')
      .argument('[args...]')
      .option('-a, --all-tags', 'Download all tagged images in the repository')
      // Accepted for scripts written for docker; lading has no content trust to skip.
      .option('--disable-content-trust', 'Skip image verification (default true)')
      .option('--platform <string>', 'Set platform if server is multi-platform capable')
      .option('-q, --quiet', 'Suppress verbose output')
      .action(async (args: string[], opts: PullOptions) => {
        cmd.checkArgs(args, { exact: 1 });
        let ref = parseImageName(args[0] as string);
        const nameOnly = ref.tag === undefined && ref.digest === undefined;
        if (opts.allTags && !nameOnly) {
          throw new StatusError("tag can't be used with --all-tags/-a", EXIT_FAILURE);
        }
        if (!opts.allTags && nameOnly) {
          ref = { ...ref, tag: DEFAULT_TAG };
          if (!opts.quiet) ctx.stdout.write(`Using default tag: ${DEFAULT_TAG}\n`);
        }
        const platform = opts.platform ?? ctx.io.env['DOCKER_DEFAULT_PLATFORM'] ?? '';
        const registryAuth = await registryAuthFor(ctx, ref);
        await pullImage(ctx.client(), ref, {
          registryAuth,
          ...(platform ? { platform } : {}),
          ...(opts.allTags ? { allTags: true } : {}),
          ...(opts.quiet ? {} : { out: ctx.stdout }),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        ctx.stdout.write(`${referenceString(ref)}\n`);
      }) as LadingCommand
  );
}
