/**
 * GET /system/df (disk usage by images, containers, volumes and build cache) and lading's
 * own POST /lading/system/check (verify the layer and image stores, optionally repair).
 */
import type { SystemCheckBackend, SystemDfBackend } from '../backends.js';
import type { RouteDefinition } from '../handler-context.js';
import { queryBoolean } from '../query.js';
import { sendJson } from '../respond.js';

export function systemDfRoutes(backend: SystemDfBackend): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/system/df',
      handler: async ({ res, query }) =>
        sendJson(res, 200, await backend.df({ types: query.getAll('type') })),
    },
  ];
}

export function systemCheckRoutes(backend: SystemCheckBackend): RouteDefinition[] {
  return [
    {
      method: 'POST',
      path: '/lading/system/check',
      handler: async ({ res, query }) =>
        sendJson(res, 200, await backend.check({ repair: queryBoolean(query, 'repair') })),
    },
  ];
}
