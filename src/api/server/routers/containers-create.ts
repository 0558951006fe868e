/**
 * POST /containers/create: the body decoded as dockerd decodes it, then the adjustments
 * dockerd makes for older API versions, so the daemon sees one shape whatever the client.
 */
import { InvalidArgumentError } from '../../../errors/index.js';
import type { ContainerCreateRequest } from '../../types/index.js';
import type { ContainersBackend } from '../backends.js';
import type { RequestContext } from '../handler-context.js';
import { sendJson } from '../respond.js';
import { decodeCreateBody } from './containers-create-body.js';
import { apiAtLeast, checkJsonContentType, parseJsonText } from './containers-query.js';

/** moby runconfig.ErrEmptyConfig */
export const EMPTY_CONFIG_MESSAGE = 'config cannot be empty in order to create a container';

/** What dockerd ignores or resets for clients speaking an older API version. */
function adjustForApiVersion(request: ContainerCreateRequest, apiVersion: string): void {
  const host = request.HostConfig;
  if (!host) return;
  // API ≤ 1.24 clients removed --rm containers themselves.
  if (!apiAtLeast(apiVersion, '1.25')) host.AutoRemove = false;
  // ConsoleSize was not honoured on Linux before 1.42.
  if (!apiAtLeast(apiVersion, '1.42') && host.ConsoleSize !== undefined) host.ConsoleSize = [0, 0];
  if (!apiAtLeast(apiVersion, '1.43')) delete host.Annotations;
  // 0 and any negative value mean "unlimited", which dockerd stores as no limit at all.
  if (typeof host.PidsLimit === 'number' && host.PidsLimit <= 0) host.PidsLimit = null;
}

export async function createContainer(backend: ContainersBackend, ctx: RequestContext): Promise<void> {
  const { query, apiVersion } = ctx;
  const body = await ctx.readBody();
  checkJsonContentType(ctx.req.headers, body.length);
  const request = decodeCreateBody(parseJsonText(body.toString('utf8')));
  if (request === undefined) throw new InvalidArgumentError(EMPTY_CONFIG_MESSAGE);
  adjustForApiVersion(request, apiVersion);
  // `platform=` arrived with API 1.41; older clients never meant one.
  const platform = apiAtLeast(apiVersion, '1.41') ? (query.get('platform') ?? '') : '';
  const created = await backend.create(request, { name: query.get('name') ?? '', platform, apiVersion });
  sendJson(ctx.res, 201, { Id: created.Id, Warnings: created.Warnings ?? [] });
}
