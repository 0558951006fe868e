/**
 * /_ping, /version and /info: what every client calls first. The ping headers are how the
 * CLI learns the API version, OS, builder and swarm state before anything else.
 */
import type { SystemBackend } from '../backends.js';
import type { RequestContext, RouteDefinition } from '../handler-context.js';
import { sendJson } from '../respond.js';

function ping(ctx: RequestContext): void {
  const { req, res } = ctx;
  // Caches (or proxies) must not answer a ping for the daemon: the CLI relies on fresh headers.
  res.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Builder-Version', '1');
  res.setHeader('Swarm', 'inactive');
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  if (req.method === 'HEAD') {
    res.setHeader('Content-Length', '0');
    res.writeHead(200);
    res.end();
    return;
  }
  res.setHeader('Content-Length', '2');
  res.writeHead(200);
  res.end('OK');
}

export function systemRoutes(backend: SystemBackend): RouteDefinition[] {
  return [
    { method: 'GET', path: '/_ping', handler: ping },
    { method: 'HEAD', path: '/_ping', handler: ping },
    {
      method: 'GET',
      path: '/version',
      handler: async ({ res }) => sendJson(res, 200, await backend.version()),
    },
    {
      method: 'GET',
      path: '/info',
      handler: async ({ res }) => sendJson(res, 200, await backend.info()),
    },
  ];
}
