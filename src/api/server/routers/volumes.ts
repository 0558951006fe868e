/**
 * /volumes: list, create, inspect, remove and prune, as dockerd's volume router. Below API
 * 1.42 prune removes every unused volume, not only anonymous ones, so the router adds
 * `all=true` for those clients as dockerd does. Cluster (swarm) volumes do not exist here.
 */
import { InvalidArgumentError, UnavailableError } from '../../../errors/index.js';
import type { VolumeCreateRequest } from '../../types/index.js';
import type { VolumesBackend } from '../backends-volumes.js';
import type { RequestContext, RouteDefinition } from '../handler-context.js';
import { parseFilters, queryBoolean } from '../query.js';
import { sendJson, sendStatus } from '../respond.js';
import { decodeStruct, isPlainObject } from './containers-json-fields.js';
import { apiAtLeast, jsonTypeName, readJsonRequest } from './containers-query.js';

const NO_SWARM =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

async function readCreateRequest(ctx: RequestContext): Promise<VolumeCreateRequest> {
  const body = await readJsonRequest(ctx);
  if (body === undefined || body === null) return {};
  if (!isPlainObject(body)) {
    throw new InvalidArgumentError(
      `invalid JSON: json: cannot unmarshal ${jsonTypeName(body)} into Go value of type volume.CreateOptions`,
    );
  }
  const decoded = decodeStruct(
    body,
    {
      Name: 'string',
      Driver: 'string',
      DriverOpts: 'stringMap',
      Labels: 'stringMap',
      ClusterVolumeSpec: 'object',
    },
    'CreateOptions',
  );
  if (decoded.ClusterVolumeSpec && apiAtLeast(ctx.apiVersion, '1.42')) throw new UnavailableError(NO_SWARM);
  delete decoded.ClusterVolumeSpec;
  return decoded as VolumeCreateRequest;
}

export function volumesRoutes(backend: VolumesBackend): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/volumes',
      handler: async ({ res, query }) =>
        sendJson(res, 200, await backend.list(parseFilters(query.get('filters')))),
    },
    {
      method: 'POST',
      path: '/volumes/create',
      handler: async (ctx) => sendJson(ctx.res, 201, await backend.create(await readCreateRequest(ctx))),
    },
    {
      method: 'POST',
      path: '/volumes/prune',
      handler: async ({ res, query, apiVersion }) => {
        const filters = parseFilters(query.get('filters'));
        const all = filters.get('all') ?? [];
        // dockerd's filter values are a set: adding "true" again changes nothing.
        if (!apiAtLeast(apiVersion, '1.42') && !all.includes('true')) filters.set('all', [...all, 'true']);
        sendJson(res, 200, await backend.prune(filters));
      },
    },
    {
      method: 'GET',
      path: '/volumes/{name:.*}',
      handler: async ({ res, params }) => sendJson(res, 200, await backend.inspect(params.name ?? '')),
    },
    {
      method: 'DELETE',
      path: '/volumes/{name:.*}',
      handler: async ({ res, params, query }) => {
        await backend.remove(params.name ?? '', { force: queryBoolean(query, 'force') });
        sendStatus(res, 204);
      },
    },
    {
      method: 'PUT',
      path: '/volumes/{name:.*}',
      handler: () => {
        throw new UnavailableError('volume update only valid for cluster volumes, but swarm is unavailable');
      },
    },
  ];
}
