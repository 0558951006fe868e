/**
 * /images/*: list, inspect, history, tag, remove, prune, save, load and import. Image names
 * travel unescaped in the path (`/images/localhost:5000/a/b:tag/json`), so the name
 * parameter is greedy and the fixed paths (/images/json, /images/load…) come first.
 *
 * Load and import answer with a JSON progress stream: headers go out before the body is
 * read, and a failure after that travels in the stream (errorDetail), since the status has
 * already been sent.
 */
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, messageOf, NotImplementedError } from '../../../errors/index.js';
import type { ImagesBackend } from '../backends.js';
import type { RequestContext, RouteDefinition, RouteHandler } from '../handler-context.js';
import { parseFilters, queryBoolean } from '../query.js';
import { isResponseClosed, sendJson, sendStatus } from '../respond.js';
import { startJsonProgress, type JsonMessage } from '../stream/json-progress.js';

const TAR_CONTENT_TYPE = 'application/x-tar';

async function sendArchive(backend: ImagesBackend, ctx: RequestContext, names: string[]): Promise<void> {
  const { res, signal } = ctx;
  const archive = await backend.save(names, signal);
  res.writeHead(200, { 'Content-Type': TAR_CONTENT_TYPE });
  try {
    await pipeline(archive, res, { signal });
  } catch (err) {
    ctx.logger.warn('image save stopped', { error: messageOf(err) });
    archive.destroy();
    if (!isResponseClosed(res)) res.destroy();
  }
}

/** Runs `work` under a started progress stream; an error becomes the stream's last message. */
async function withProgress(
  ctx: RequestContext,
  work: (write: (message: JsonMessage) => void) => Promise<void>,
): Promise<void> {
  const writer = startJsonProgress(ctx.res);
  try {
    await work((message) => writer.write(message));
  } catch (err) {
    ctx.logger.debug('image stream failed', { error: messageOf(err) });
    writer.writeError(err);
    // Whatever the client sent that we did not read is dropped with the connection.
    ctx.req.resume();
  }
  writer.end();
}

export interface ImagesRouteOptions {
  /** POST /images/create?fromImage= (pull) is served by the distribution code when present. */
  pull?: RouteHandler;
}

export function imagesRoutes(backend: ImagesBackend, options: ImagesRouteOptions = {}): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/images/json',
      handler: async ({ res, query, apiVersion }) =>
        sendJson(
          res,
          200,
          await backend.list({
            all: queryBoolean(query, 'all'),
            filters: parseFilters(query.get('filters')),
            digests: queryBoolean(query, 'digests'),
            apiVersion,
          }),
        ),
    },
    {
      method: 'GET',
      path: '/images/get',
      handler: (ctx) => sendArchive(backend, ctx, ctx.query.getAll('names')),
    },
    {
      method: 'POST',
      path: '/images/prune',
      handler: async ({ res, query }) =>
        sendJson(res, 200, await backend.prune(parseFilters(query.get('filters')))),
    },
    {
      method: 'POST',
      path: '/images/load',
      handler: (ctx) =>
        withProgress(ctx, (write) =>
          backend.load(ctx.req, { quiet: queryBoolean(ctx.query, 'quiet'), signal: ctx.signal }, write),
        ),
    },
    {
      method: 'POST',
      path: '/images/create',
      handler: async (ctx) => {
        const { query } = ctx;
        const source = query.get('fromSrc');
        if (source === null || source === '') {
          if (options.pull) return options.pull(ctx);
          throw new NotImplementedError(
            'pulling images is not available in this daemon yet; use docker load',
          );
        }
        if (source !== '-')
          throw new InvalidArgumentError('importing from a URL is not supported; pipe the file in with -');
        await withProgress(ctx, (write) =>
          backend.import(
            ctx.req,
            {
              source,
              repo: query.get('repo') ?? '',
              tag: query.get('tag') ?? '',
              message: query.get('message') ?? '',
              changes: query.getAll('changes'),
              platform: query.get('platform') ?? '',
              signal: ctx.signal,
            },
            write,
          ),
        );
      },
    },
    {
      method: 'GET',
      path: '/images/{name:.*}/json',
      handler: async ({ res, params, apiVersion }) =>
        sendJson(res, 200, await backend.inspect(params.name ?? '', apiVersion)),
    },
    {
      method: 'GET',
      path: '/images/{name:.*}/history',
      handler: async ({ res, params }) => sendJson(res, 200, await backend.history(params.name ?? '')),
    },
    {
      method: 'GET',
      path: '/images/{name:.*}/get',
      handler: (ctx) => sendArchive(backend, ctx, [ctx.params.name ?? '']),
    },
    {
      method: 'POST',
      path: '/images/{name:.*}/tag',
      handler: async ({ res, params, query }) => {
        await backend.tag(params.name ?? '', query.get('repo') ?? '', query.get('tag') ?? '');
        sendStatus(res, 201);
      },
    },
    {
      method: 'DELETE',
      path: '/images/{name:.*}',
      handler: async ({ res, params, query }) =>
        sendJson(
          res,
          200,
          await backend.remove(params.name ?? '', {
            force: queryBoolean(query, 'force'),
            prune: !queryBoolean(query, 'noprune'),
          }),
        ),
    },
  ];
}
