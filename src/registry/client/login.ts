/**
 * `docker login`: ping the upstream's /v2/, answer its challenge with the credentials, and
 * check /v2/ accepts the result. A token service that hands out a refresh token (asked for
 * with offline_token / access_type=offline) gives the identity token Docker stores instead
 * of the password. A registry without authentication accepts any login, as in Docker.
 */
import { UnauthorizedError } from '../../errors/index.js';
import { ping, tokenTransport, type ClientContext } from './endpoint-session.js';
import type { Endpoint } from './endpoints.js';
import { discard, httpRequest } from './http-request.js';
import type { RegistryCredentials } from './registry-client.js';
import { fetchToken } from './token-cache.js';

function statusText(status: number): string {
  return status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : String(status);
}

export async function login(
  ctx: ClientContext,
  endpoint: Endpoint,
  credentials: RegistryCredentials,
  signal: AbortSignal | undefined,
): Promise<{ status: 'Login Succeeded'; identityToken?: string }> {
  // A fresh ping: the challenge may have changed since the cached one.
  ctx.pings.delete(endpoint.url);
  const pinged = await ping(ctx, endpoint, signal);
  const v2 = new URL(`${pinged.baseUrl}/v2/`);
  const bearer = pinged.challenges.find((c) => c.scheme === 'bearer');
  let authorization: string | undefined;
  let identityToken: string | undefined;
  if (credentials.kind === 'registry-token') {
    authorization = `Bearer ${credentials.token}`;
  } else if (bearer?.params.realm !== undefined) {
    const issued = await fetchToken(tokenTransport(ctx, signal), {
      realm: bearer.params.realm,
      service: bearer.params.service,
      scopes: [],
      credentials,
      offline: true,
    });
    authorization = `Bearer ${issued.token}`;
    identityToken = issued.refreshToken;
  } else if (pinged.challenges.some((c) => c.scheme === 'basic') && credentials.kind === 'basic') {
    authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  } else if (pinged.challenges.length === 0) {
    return { status: 'Login Succeeded' };
  }
  const res = await httpRequest(ctx.agents, {
    method: 'GET',
    url: v2,
    headers: {
      'User-Agent': ctx.userAgent,
      ...(authorization !== undefined ? { Authorization: authorization } : {}),
    },
    timeoutMs: ctx.timeoutMs,
    insecure: endpoint.insecure,
    signal,
  });
  discard(res);
  if (res.status !== 200) {
    throw new UnauthorizedError(
      `login attempt to ${v2.toString()} failed with status: ${res.status} ${statusText(res.status)}`,
    );
  }
  return identityToken === undefined
    ? { status: 'Login Succeeded' }
    : { status: 'Login Succeeded', identityToken };
}
