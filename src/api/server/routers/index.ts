import type { Backends } from '../backends.js';
import type { RouteDefinition } from '../handler-context.js';
import { containersRoutes } from './containers.js';
import { distributionRoutes, pullHandler } from './distribution.js';
import { eventsRoutes } from './events.js';
import { observeRoutes } from './containers-observe.js';
import { archiveRoutes } from './containers-archive.js';
import { commitRoutes } from './commit.js';
import { execRoutes } from './exec.js';
import { imagesRoutes } from './images.js';
import { systemCheckRoutes, systemDfRoutes } from './system-df.js';
import { systemRoutes } from './system.js';
import { volumesRoutes } from './volumes.js';

export { containersRoutes } from './containers.js';
export { runHijackedSession, type HijackedSessionOptions } from './containers-attach.js';
export { distributionRoutes, pullHandler } from './distribution.js';
export { decodeRegistryAuthHeader, parseAuthConfig } from './registry-auth.js';
export { eventsRoutes } from './events.js';
export { execRoutes } from './exec.js';
export { imagesRoutes, type ImagesRouteOptions } from './images.js';
export { systemCheckRoutes, systemDfRoutes } from './system-df.js';
export { systemRoutes } from './system.js';
export { volumesRoutes } from './volumes.js';

/** Every route the server serves, each router given only the backend it needs. */
export function allRoutes(backends: Backends): RouteDefinition[] {
  return [
    ...systemRoutes(backends.system),
    ...eventsRoutes(backends.events),
    ...(backends.images
      ? imagesRoutes(
          backends.images,
          backends.distribution ? { pull: pullHandler(backends.distribution) } : {},
        )
      : []),
    ...(backends.distribution ? distributionRoutes(backends.distribution) : []),
    ...(backends.systemDf ? systemDfRoutes(backends.systemDf) : []),
    ...(backends.systemCheck ? systemCheckRoutes(backends.systemCheck) : []),
    ...(backends.observe ? observeRoutes(backends.observe) : []),
    ...(backends.archive ? archiveRoutes(backends.archive) : []),
    ...(backends.commit ? commitRoutes(backends.commit) : []),
    ...(backends.containers ? containersRoutes(backends.containers) : []),
    ...(backends.exec ? execRoutes(backends.exec) : []),
    ...(backends.volumes ? volumesRoutes(backends.volumes) : []),
  ];
}
export { observeRoutes } from './containers-observe.js';
export { archiveRoutes } from './containers-archive.js';
export { commitRoutes } from './commit.js';
