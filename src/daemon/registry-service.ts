/**
 * The daemon's one registry client, built from daemon.json (mirrors of every registry,
 * mirror-only registries, insecure registries, /etc/lading/certs.d) and reconfigured in place
 * on SIGHUP, so transfers in flight keep their sessions and new requests see the new
 * endpoints. Every endpoint that serves or fails is logged: the daemon log says which mirror
 * served a pull, and why one was passed over.
 */
import type { Logger } from '../log/index.js';
import {
  createRegistryClient,
  type EndpointEvent,
  type RegistryClient,
  type RegistryClientOptions,
} from '../registry/client/index.js';
import type { DaemonConfig } from './config/index.js';

/** Per-registry CA files, as Docker's /etc/docker/certs.d. */
export const REGISTRY_CERTS_DIR = '/etc/lading/certs.d';

export type RegistrySettings = Pick<RegistryClientOptions, 'mirrors' | 'mirrorOnly' | 'insecureRegistries'>;

export function registrySettings(
  config: Pick<DaemonConfig, 'mirrorsByRegistry' | 'registryMirrorOnly' | 'insecureRegistries'>,
): RegistrySettings {
  return {
    mirrors: new Map(Object.entries(config.mirrorsByRegistry)),
    mirrorOnly: new Set(config.registryMirrorOnly),
    insecureRegistries: [...config.insecureRegistries],
  };
}

export interface RegistryServiceOptions {
  config: DaemonConfig;
  logger: Logger;
  userAgent: string;
  certsDir?: string;
}

export class RegistryService {
  readonly client: RegistryClient;

  constructor(options: RegistryServiceOptions) {
    const { logger } = options;
    this.client = createRegistryClient({
      ...registrySettings(options.config),
      certsDir: options.certsDir ?? REGISTRY_CERTS_DIR,
      userAgent: options.userAgent,
      onEndpointEvent: (event) => logEndpointEvent(logger, event),
    });
  }

  /** SIGHUP: new mirrors, mirror-only and insecure registries; nothing else changes. */
  reconfigure(config: DaemonConfig): void {
    this.client.reconfigure(registrySettings(config));
  }

  close(): void {
    this.client.close();
  }
}

function logEndpointEvent(logger: Logger, event: EndpointEvent): void {
  const fields = {
    registry: event.registry,
    endpoint: event.endpoint,
    mirror: event.mirror,
    what: event.what,
  };
  if (event.kind === 'served') {
    if (event.mirror) logger.info('served by registry mirror', fields);
    else logger.debug('served by registry', fields);
  } else {
    logger.warn(
      event.mirror ? 'registry mirror failed; trying the next endpoint' : 'registry endpoint failed',
      {
        ...fields,
        reason: event.reason,
      },
    );
  }
}
