/**
 * /containers/*: create, list, inspect, the lifecycle verbs, wait, logs, attach, rename,
 * resize, remove and prune, with dockerd's query parsing, statuses and wording (moby v28
 * api/server/router/container). Streaming and hijacked endpoints live in containers-*.ts.
 *
 * Container names travel in one path segment (names cannot hold a slash), and the fixed paths
 * (/containers/json, /containers/create, /containers/prune) come before `{name}`.
 */
import {
  ConflictError,
  errorKindOf,
  ForbiddenError,
  InvalidArgumentError,
  isLadingError,
  messageOf,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  SystemError,
  UnauthorizedError,
  UnavailableError,
  type ErrorKind,
  type LadingError,
} from '../../../errors/index.js';
import type { HostConfig } from '../../types/index.js';
import type { ContainersBackend } from '../backends.js';
import type { RequestContext, RouteDefinition } from '../handler-context.js';
import { parseFilters, queryBoolean } from '../query.js';
import { sendJson, sendStatus } from '../respond.js';
import { attachContainer } from './containers-attach.js';
import { createContainer } from './containers-create.js';
import { streamLogs } from './containers-logs.js';
import {
  apiAtLeast,
  checkJsonContentType,
  parseJsonText,
  queryInteger,
  queryResizeDimension,
} from './containers-query.js';
import { waitContainer } from './containers-wait.js';

const ERROR_BY_KIND: Record<ErrorKind, new (message: string, options?: { cause?: unknown }) => LadingError> =
  {
    'invalid-argument': InvalidArgumentError,
    unauthorized: UnauthorizedError,
    forbidden: ForbiddenError,
    'not-found': NotFoundError,
    conflict: ConflictError,
    'not-modified': NotModifiedError,
    'not-implemented': NotImplementedError,
    unavailable: UnavailableError,
    system: SystemError,
  };

/** `prefix: message`, keeping the error's kind (its HTTP status), like Go's errors.Wrapf. */
function wrapError(err: unknown, prefix: string): unknown {
  if (!isLadingError(err) && !(err instanceof Error)) return err;
  const Kind = ERROR_BY_KIND[errorKindOf(err)];
  return new Kind(`${prefix}: ${messageOf(err)}`, { cause: err });
}

/** `t=` for stop and restart: seconds, or undefined for the container's own timeout. */
function stopOptions(ctx: RequestContext): { signal?: string; timeoutSeconds?: number } {
  const options: { signal?: string; timeoutSeconds?: number } = {};
  // The signal parameter arrived with API 1.42; older clients never meant one.
  const signal = ctx.query.get('signal');
  if (apiAtLeast(ctx.apiVersion, '1.42') && signal !== null && signal !== '') options.signal = signal;
  const timeout = queryInteger(ctx.query, 't');
  if (timeout !== undefined) options.timeoutSeconds = timeout;
  return options;
}

/** A non-empty body on start was a HostConfig before API 1.24; a JSON object is ≥ 7 bytes. */
function refuseStartBody(ctx: RequestContext): void {
  const length = Number(ctx.req.headers['content-length'] ?? 0);
  const chunked = ctx.req.headers['transfer-encoding'] !== undefined;
  if (length > 7 || chunked) {
    throw new InvalidArgumentError(
      'starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24',
    );
  }
}

export function containersRoutes(backend: ContainersBackend): RouteDefinition[] {
  const name = (ctx: RequestContext): string => ctx.params.name ?? '';
  return [
    { method: 'POST', path: '/containers/create', handler: (ctx) => createContainer(backend, ctx) },
    {
      method: 'GET',
      path: '/containers/json',
      handler: async (ctx) => {
        const { query } = ctx;
        const filters = parseFilters(query.get('filters'));
        const limit = queryInteger(query, 'limit') ?? -1;
        const list = await backend.list({
          all: queryBoolean(query, 'all'),
          limit,
          size: queryBoolean(query, 'size'),
          filters,
        });
        // HostConfig.Annotations arrived with API 1.46.
        if (!apiAtLeast(ctx.apiVersion, '1.46')) for (const row of list) delete row.HostConfig.Annotations;
        sendJson(ctx.res, 200, list);
      },
    },
    {
      method: 'POST',
      path: '/containers/prune',
      handler: async (ctx) =>
        sendJson(ctx.res, 200, await backend.prune(parseFilters(ctx.query.get('filters')))),
    },
    {
      method: 'GET',
      path: '/containers/{name}/json',
      handler: async (ctx) =>
        sendJson(
          ctx.res,
          200,
          await backend.inspect(name(ctx), {
            size: queryBoolean(ctx.query, 'size'),
            apiVersion: ctx.apiVersion,
          }),
        ),
    },
    {
      method: 'POST',
      path: '/containers/{name}/start',
      handler: async (ctx) => {
        refuseStartBody(ctx);
        const started = await backend.start(name(ctx), { detachKeys: ctx.query.get('detachKeys') ?? '' });
        sendStatus(ctx.res, started ? 204 : 304);
      },
    },
    {
      method: 'POST',
      path: '/containers/{name}/stop',
      handler: async (ctx) => {
        const stopped = await backend.stop(name(ctx), stopOptions(ctx));
        sendStatus(ctx.res, stopped ? 204 : 304);
      },
    },
    {
      method: 'POST',
      path: '/containers/{name}/restart',
      handler: async (ctx) => {
        await backend.restart(name(ctx), stopOptions(ctx));
        sendStatus(ctx.res, 204);
      },
    },
    {
      method: 'POST',
      path: '/containers/{name}/kill',
      handler: async (ctx) => {
        const signal = ctx.query.get('signal') || 'SIGKILL';
        try {
          await backend.kill(name(ctx), signal);
        } catch (err) {
          throw wrapError(err, `cannot kill container: ${name(ctx)}`);
        }
        sendStatus(ctx.res, 204);
      },
    },
    { method: 'POST', path: '/containers/{name}/wait', handler: (ctx) => waitContainer(backend, ctx) },
    {
      method: 'DELETE',
      path: '/containers/{name}',
      handler: async (ctx) => {
        await backend.remove(name(ctx), {
          force: queryBoolean(ctx.query, 'force'),
          removeVolumes: queryBoolean(ctx.query, 'v'),
          link: queryBoolean(ctx.query, 'link'),
        });
        sendStatus(ctx.res, 204);
      },
    },
    {
      method: 'POST',
      path: '/containers/{name}/rename',
      handler: async (ctx) => {
        await backend.rename(name(ctx), ctx.query.get('name') ?? '');
        sendStatus(ctx.res, 204);
      },
    },
    {
      method: 'POST',
      path: '/containers/{name}/update',
      handler: async (ctx) => {
        const body = await ctx.readBody();
        checkJsonContentType(ctx.req.headers, body.length);
        const update = parseJsonText(body.toString('utf8'));
        if (update === null || typeof update !== 'object' || Array.isArray(update)) {
          throw new InvalidArgumentError('invalid JSON: the update must be an object');
        }
        const warnings = await backend.update(name(ctx), update as HostConfig);
        sendJson(ctx.res, 200, { Warnings: warnings });
      },
    },
    {
      method: 'POST',
      path: '/containers/{name}/resize',
      handler: async (ctx) => {
        const height = queryResizeDimension(ctx.query, 'h');
        const width = queryResizeDimension(ctx.query, 'w');
        await backend.resize(name(ctx), { height, width });
        sendStatus(ctx.res, 200);
      },
    },
    { method: 'GET', path: '/containers/{name}/logs', handler: (ctx) => streamLogs(backend, ctx) },
    {
      method: 'POST',
      path: '/containers/{name}/attach',
      hijack: true,
      handler: (ctx) => attachContainer(backend, ctx),
    },
  ];
}
