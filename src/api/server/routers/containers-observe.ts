/**
 * POST /containers/{id}/pause and /unpause, GET /containers/{id}/top and /stats, as dockerd's
 * container router answers them (moby api/server/router/container).
 *
 * Stats: `stream` defaults to true. Streaming sends one sample per second, each a JSON line
 * written as soon as it is taken, with the headers flushed before the first so a client sees
 * the response start at once. Without streaming dockerd takes two samples a second apart and
 * answers the second, so its CPU delta is meaningful; with `one-shot=1` (API ≥ 1.41) it answers
 * the first at once. A container that is not running answers an all-zero sample at once.
 */
import type { StatsSampler, ObserveBackend } from '../backends-observe.js';
import type { RequestContext, RouteDefinition } from '../handler-context.js';
import { parseBoolean } from '../query.js';
import { isResponseClosed, JSON_CONTENT_TYPE, sendJson, sendStatus } from '../respond.js';
import { apiAtLeast } from './containers-query.js';

export interface ObserveRouteOptions {
  /** Time between stats samples; dockerd's collector ticks every second. */
  statsIntervalMs?: number;
}

const DEFAULT_STATS_INTERVAL_MS = 1000;

/** Go's BoolValueOrDefault: the default when the parameter is absent, else its truth. */
function booleanOr(query: URLSearchParams, key: string, fallback: boolean): boolean {
  return query.has(key) ? parseBoolean(query.get(key)) : fallback;
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

async function streamStats(ctx: RequestContext, sampler: StatsSampler, intervalMs: number): Promise<void> {
  const { res, signal } = ctx;
  res.writeHead(200, { 'Content-Type': JSON_CONTENT_TYPE });
  res.flushHeaders();
  let previous: object | undefined;
  while (!signal.aborted && !isResponseClosed(res)) {
    const sample = await sampler.sample(previous);
    if (signal.aborted || isResponseClosed(res)) break;
    res.write(JSON.stringify(sample) + '\n');
    previous = sample;
    await pause(intervalMs, signal);
  }
  if (!isResponseClosed(res)) res.end();
}

async function containerStats(
  backend: ObserveBackend,
  ctx: RequestContext,
  intervalMs: number,
): Promise<void> {
  const stream = booleanOr(ctx.query, 'stream', true);
  const oneShot = apiAtLeast(ctx.apiVersion, '1.41') && booleanOr(ctx.query, 'one-shot', false);
  const sampler = await backend.stats(ctx.params.name ?? '');
  if (stream) return streamStats(ctx, sampler, intervalMs);
  const first = await sampler.sample(undefined);
  if (oneShot || !sampler.running) return sendJson(ctx.res, 200, first);
  // Prime the CPU figures: the answer is the second sample, whose precpu is the first.
  await pause(intervalMs, ctx.signal);
  if (ctx.signal.aborted) return;
  sendJson(ctx.res, 200, await sampler.sample(first));
}

export function observeRoutes(backend: ObserveBackend, options: ObserveRouteOptions = {}): RouteDefinition[] {
  const intervalMs = options.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS;
  const name = (ctx: RequestContext): string => ctx.params.name ?? '';
  return [
    {
      method: 'POST',
      path: '/containers/{name}/pause',
      handler: async (ctx) => {
        await backend.pause(name(ctx));
        sendStatus(ctx.res, 204);
      },
    },
    {
      method: 'POST',
      path: '/containers/{name}/unpause',
      handler: async (ctx) => {
        await backend.unpause(name(ctx));
        sendStatus(ctx.res, 204);
      },
    },
    {
      method: 'GET',
      path: '/containers/{name}/top',
      handler: async (ctx) =>
        sendJson(ctx.res, 200, await backend.top(name(ctx), ctx.query.get('ps_args') ?? '')),
    },
    {
      method: 'GET',
      path: '/containers/{name}/changes',
      handler: async (ctx) => sendJson(ctx.res, 200, await backend.changes(name(ctx))),
    },
    {
      method: 'GET',
      path: '/containers/{name}/stats',
      handler: (ctx) => containerStats(backend, ctx, intervalMs),
    },
  ];
}
