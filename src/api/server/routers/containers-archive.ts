/**
 * /containers/{name}/archive: docker cp. HEAD stats a path, GET sends it as a tar, PUT
 * unpacks a tar into a directory (moby api/server/router/container copy routes).
 *
 * HEAD and GET carry the path's stat in X-Docker-Container-Path-Stat (base64 of its JSON):
 * the CLI reads it to decide how to name and where to unpack what it copies, and before a
 * PUT to check the destination. The PUT body arrives chunked, as text/plain from the docker
 * CLI; its Content-Type is not checked, as dockerd does not check it either.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, messageOf } from '../../../errors/index.js';
import type { ArchiveBackend, ContainerPathStat } from '../backends-archive.js';
import type { RequestContext, RouteDefinition } from '../handler-context.js';
import { queryBoolean } from '../query.js';
import { isResponseClosed, sendStatus } from '../respond.js';

export const PATH_STAT_HEADER = 'X-Docker-Container-Path-Stat';
const TAR_CONTENT_TYPE = 'application/x-tar';

/** The base64 JSON dockerd puts in X-Docker-Container-Path-Stat (Go's field order). */
export function encodePathStat(stat: ContainerPathStat): string {
  const json = JSON.stringify({
    name: stat.name,
    size: stat.size,
    mode: stat.mode,
    mtime: stat.mtime,
    linkTarget: stat.linkTarget,
  });
  return Buffer.from(json).toString('base64');
}

/** `path=` is required; dockerd's wording when it is missing. */
function archiveTarget(ctx: RequestContext): { name: string; path: string } {
  const path = ctx.query.get('path') ?? '';
  if (path === '') throw new InvalidArgumentError("missing 'path' parameter");
  return { name: ctx.params.name ?? '', path };
}

/** Streams a tar after the status line; a failure then can only cut the stream short. */
async function sendTar(ctx: RequestContext, tar: Readable, what: string): Promise<void> {
  try {
    await pipeline(tar, ctx.res, { signal: ctx.signal });
  } catch (err) {
    ctx.logger.warn(what, { error: messageOf(err) });
    tar.destroy();
    if (!isResponseClosed(ctx.res)) ctx.res.destroy();
  }
}

export function archiveRoutes(backend: ArchiveBackend): RouteDefinition[] {
  return [
    {
      method: 'HEAD',
      path: '/containers/{name}/archive',
      handler: async (ctx) => {
        const { name, path } = archiveTarget(ctx);
        const stat = await backend.stat(name, path);
        ctx.res.setHeader(PATH_STAT_HEADER, encodePathStat(stat));
        sendStatus(ctx.res, 200);
      },
    },
    {
      method: 'GET',
      path: '/containers/{name}/archive',
      handler: async (ctx) => {
        const { name, path } = archiveTarget(ctx);
        const { res, signal } = ctx;
        const { stat, tar } = await backend.get(name, path, signal);
        res.writeHead(200, { [PATH_STAT_HEADER]: encodePathStat(stat), 'Content-Type': TAR_CONTENT_TYPE });
        await sendTar(ctx, tar, 'container archive stopped');
      },
    },
    {
      method: 'GET',
      path: '/containers/{name}/export',
      handler: async (ctx) => {
        const tar = await backend.export(ctx.params.name ?? '');
        ctx.res.writeHead(200, { 'Content-Type': TAR_CONTENT_TYPE });
        await sendTar(ctx, tar, 'container export stopped');
      },
    },
    {
      method: 'PUT',
      path: '/containers/{name}/archive',
      handler: async (ctx) => {
        const { name, path } = archiveTarget(ctx);
        await backend.put(name, path, ctx.req, {
          noOverwriteDirNonDir: queryBoolean(ctx.query, 'noOverwriteDirNonDir'),
          copyUIDGID: queryBoolean(ctx.query, 'copyUIDGID'),
          signal: ctx.signal,
        });
        sendStatus(ctx.res, 200);
      },
    },
  ];
}
