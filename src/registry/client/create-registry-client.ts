/** createRegistryClient: shared agents, tokens, ping results and mirror backoff for every repository client. */
import type { ClientContext } from './endpoint-session.js';
import { upstreamEndpoint, type EndpointConfig } from './endpoints.js';
import { AgentPool } from './http-request.js';
import { login } from './login.js';
import { DEFAULT_MIRROR_BACKOFF_MS, MirrorBackoff } from './mirror-selection.js';
import type { RegistryClient, RegistryClientOptions } from './registry-client.js';
import { RepositoryClientImpl, type RepositorySettings } from './repository-client.js';
import { DEFAULT_UPLOAD_CHUNK_BYTES } from './blob-upload.js';
import { TokenCache } from './token-cache.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESUMES = 5;
export const DEFAULT_MAX_RESTARTS = 2;

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const ctx: ClientContext = {
    agents: new AgentPool(options.certsDir),
    tokens: new TokenCache(),
    userAgent: options.userAgent,
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    pings: new Map(),
    resolved: new Map(),
  };
  // One settings object shared by every repository client, so reconfigure reaches them all.
  const settings: RepositorySettings = {
    config: {
      mirrors: options.mirrors,
      mirrorOnly: options.mirrorOnly,
      insecureRegistries: options.insecureRegistries,
    },
    backoff: new MirrorBackoff(options.mirrorBackoffMs ?? DEFAULT_MIRROR_BACKOFF_MS),
    onEvent: options.onEndpointEvent,
    maxResumes: options.maxResumes ?? DEFAULT_MAX_RESUMES,
    maxRestarts: options.maxRestarts ?? DEFAULT_MAX_RESTARTS,
    uploadChunkBytes: options.uploadChunkBytes ?? DEFAULT_UPLOAD_CHUNK_BYTES,
  };

  return {
    repository(registry, repository, repoOptions) {
      return new RepositoryClientImpl(
        ctx,
        settings,
        registry,
        repository,
        repoOptions.credentials,
        repoOptions.actions,
        repoOptions.mountFrom,
      );
    },

    login(registry, credentials, loginOptions = {}) {
      return login(ctx, upstreamEndpoint(registry, settings.config), credentials, loginOptions.signal);
    },

    reconfigure(next) {
      const config: EndpointConfig = {
        mirrors: next.mirrors,
        mirrorOnly: next.mirrorOnly,
        insecureRegistries: next.insecureRegistries,
      };
      settings.config = config;
      settings.backoff.clear();
      // Insecure settings decide HTTPS-or-HTTP, which the ping results remember.
      ctx.pings.clear();
      ctx.resolved.clear();
    },

    close() {
      ctx.agents.close();
      ctx.tokens.clear();
      ctx.pings.clear();
    },
  };
}
