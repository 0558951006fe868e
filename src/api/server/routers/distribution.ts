/**
 * Registry transfers: pull (`POST /images/create?fromImage=`, served through images.ts's
 * `pull` option), push (`POST /images/{name}/push`) and login (`POST /auth`).
 *
 * Pull and push answer with a JSON progress stream whose status and headers go out with the
 * first message, not before: an error before that (a missing manifest, an unknown image, bad
 * credentials) is an ordinary error response with its own status — what the docker CLI shows
 * as `Error response from daemon: manifest for x not found…` — and one after it travels in
 * the stream (errorDetail), as dockerd's write-flusher does.
 */
import { InvalidArgumentError, messageOf } from '../../../errors/index.js';
import type { AuthConfig } from '../../types/index.js';
import type { DistributionBackend } from '../backends.js';
import type { RequestContext, RouteDefinition, RouteHandler } from '../handler-context.js';
import { sendJson } from '../respond.js';
import { JsonProgressWriter, type JsonMessage } from '../stream/json-progress.js';
import { decodeRegistryAuthHeader, parseAuthConfig, REGISTRY_AUTH_HEADER } from './registry-auth.js';

/** Runs `work` with a progress stream that starts with its first message. */
async function withLazyProgress(
  ctx: RequestContext,
  work: (write: (message: JsonMessage) => void) => Promise<void>,
): Promise<void> {
  const writer = new JsonProgressWriter(ctx.res);
  try {
    await work((message) => writer.write(message));
  } catch (err) {
    if (!ctx.res.headersSent) throw err;
    ctx.logger.debug('transfer stream failed', { error: messageOf(err) });
    writer.writeError(err);
  }
  writer.end();
}

/** POST /images/create?fromImage=… (registered by images.ts when fromSrc is absent). */
export function pullHandler(backend: DistributionBackend): RouteHandler {
  return (ctx) =>
    withLazyProgress(ctx, (write) =>
      backend.pull(
        {
          fromImage: ctx.query.get('fromImage') ?? '',
          tag: ctx.query.get('tag') ?? '',
          platform: ctx.query.get('platform') ?? '',
          auth: decodeRegistryAuthHeader(ctx.req.headers[REGISTRY_AUTH_HEADER]),
          signal: ctx.signal,
        },
        write,
      ),
    );
}

/**
 * Push credentials: the header when present (undecodable means anonymous, as moby), else the
 * body of old clients; an empty body is anonymous.
 */
async function pushCredentials(ctx: RequestContext): Promise<AuthConfig | undefined> {
  const header = ctx.req.headers[REGISTRY_AUTH_HEADER];
  if (header !== undefined && header !== '') return decodeRegistryAuthHeader(header);
  const body = (await ctx.readBody(64 * 1024)).toString('utf8');
  if (body.trim() === '') return undefined;
  try {
    return parseAuthConfig(body);
  } catch (err) {
    throw new InvalidArgumentError(`bad parameters and missing X-Registry-Auth: ${messageOf(err)}`, {
      cause: err,
    });
  }
}

export function distributionRoutes(backend: DistributionBackend): RouteDefinition[] {
  return [
    {
      method: 'POST',
      path: '/images/{name:.*}/push',
      handler: async (ctx) => {
        const auth = await pushCredentials(ctx);
        await withLazyProgress(ctx, (write) =>
          backend.push(
            { name: ctx.params.name ?? '', tag: ctx.query.get('tag') ?? '', auth, signal: ctx.signal },
            write,
          ),
        );
      },
    },
    {
      method: 'POST',
      path: '/auth',
      handler: async (ctx) => {
        const body = (await ctx.readBody(64 * 1024)).toString('utf8');
        const auth = parseAuthConfig(body.trim() === '' ? '{}' : body);
        sendJson(ctx.res, 200, await backend.login(auth, ctx.signal));
      },
    },
  ];
}
