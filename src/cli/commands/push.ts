/**
 * `lading push [-a] [-q] [--platform P] NAME[:TAG]`, as docker's:
 *
 *   Using default tag: latest                              (a bare name, without -a or -q)
 *   The push refers to repository [docker.io/library/foo]  (the daemon's progress stream…)
 *   5f70bf18a086: Pushed
 *   latest: digest: sha256:… size: 528
 *
 * With -q only the full reference is printed once the push succeeded. The request is
 * `POST /images/<full name>/push?tag=` with X-Registry-Auth for the image's registry. The
 * stream's `aux` message (`{Tag, Digest, Size}`) is what `pushImage` resolves with.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext, Output } from '../context.js';
import { registryAuthFor } from '../credentials/index.js';
import type { EngineClient } from '../engine-client.js';
import { DEFAULT_TAG, nameString, referenceString, type NamedReference } from '../../reference/index.js';
import { parseImageName, renderStream } from './pull.js';

/** A pushed manifest, from the stream's aux message. */
export interface PushResult {
  Tag: string;
  Digest: string;
  Size: number;
}

export interface PushImageOptions {
  registryAuth?: string;
  allTags?: boolean;
  /** JSON of an OCI platform (`{"architecture":"arm64","os":"linux"}`), API ≥ 1.46. */
  platform?: string;
  out?: Output & { columns?: number };
  signal?: AbortSignal;
}

/** Pushes `ref`; resolves with every manifest the daemon reported pushed. */
export async function pushImage(
  client: EngineClient,
  ref: NamedReference,
  options: PushImageOptions = {},
): Promise<PushResult[]> {
  if (ref.digest !== undefined) throw new StatusError('cannot push a digest reference', EXIT_FAILURE);
  const query: Record<string, string> = {};
  if (!options.allTags) query['tag'] = ref.tag ?? DEFAULT_TAG;
  if (options.platform) query['platform'] = options.platform;
  const res = await client.open('POST', `/images/${nameString(ref)}/push`, {
    query,
    // Always a body ("{}"), as docker sends one: old daemons read auth from it otherwise.
    body: {},
    headers: { 'X-Registry-Auth': options.registryAuth ?? 'e30=' },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const pushed: PushResult[] = [];
  await renderStream(res, options.out, (aux) => {
    const a = aux as Partial<PushResult>;
    if (typeof a.Digest === 'string') {
      pushed.push({ Tag: a.Tag ?? '', Digest: a.Digest, Size: typeof a.Size === 'number' ? a.Size : 0 });
    }
  });
  return pushed;
}

/** `os[/arch[/variant]]` → the OCI platform JSON docker sends; undefined when malformed. */
export function platformJson(spec: string): string | undefined {
  const parts = spec.toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => p === '' || !/^[a-z0-9_.-]+$/.test(p))) return undefined;
  const [os, arch = 'amd64', variant] = parts as [string, string?, string?];
  const p: Record<string, string> = { architecture: arch, os };
  if (variant) p['variant'] = variant;
  return JSON.stringify(p);
}

interface PushOptions {
  allTags?: boolean;
  quiet?: boolean;
  platform?: string;
}

export function pushCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('push');
  return cmd
    .usage('[OPTIONS] NAME[:TAG]')
    .description('Upload an image to a registry')
    .argument('[args...]')
    .option('-a, --all-tags', 'Push all tags of an image to the repository')
    .option('--disable-content-trust', 'Skip image signing (default true)')
    .option(
      '--platform <string>',
      "Push a platform-specific manifest as a single-platform image to the registry.\nImage index won't be pushed, meaning that other manifests, including attestations won't be preserved.\n'os[/arch[/variant]]': Explicit platform (eg. linux/amd64)",
    )
    .option('-q, --quiet', 'Suppress verbose output')
    .action(async (args: string[], opts: PushOptions) => {
      cmd.checkArgs(args, { exact: 1 });
      let platform: string | undefined;
      if (opts.platform !== undefined && opts.platform !== '') {
        platform = platformJson(opts.platform);
        if (platform === undefined) {
          ctx.stderr.write(`Invalid platform ${opts.platform}`);
          throw new StatusError(
            `"${opts.platform}": unknown operating system or architecture: invalid argument`,
            EXIT_FAILURE,
          );
        }
        ctx.stdout.write(
          '\n Info -> Using --platform pushes only the specified platform manifest of a multi-platform image index.\n' +
            '         Other components, like attestations, will not be included.\n' +
            '         To push the complete multi-platform image, remove the --platform flag.\n' +
            '         \n',
        );
      }
      let ref = parseImageName(args[0] as string);
      const nameOnly = ref.tag === undefined && ref.digest === undefined;
      if (opts.allTags && !nameOnly) {
        throw new StatusError("tag can't be used with --all-tags/-a", EXIT_FAILURE);
      }
      if (!opts.allTags && nameOnly) {
        ref = { ...ref, tag: DEFAULT_TAG };
        if (!opts.quiet) ctx.stdout.write(`Using default tag: ${DEFAULT_TAG}\n`);
      }
      const registryAuth = await registryAuthFor(ctx, ref);
      await pushImage(ctx.client(), ref, {
        registryAuth,
        ...(platform ? { platform } : {}),
        ...(opts.allTags ? { allTags: true } : {}),
        ...(opts.quiet ? {} : { out: ctx.stdout }),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      if (opts.quiet) ctx.stdout.write(`${referenceString(ref)}\n`);
    }) as LadingCommand;
}
