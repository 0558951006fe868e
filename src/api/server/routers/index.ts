import type { Backends } from '../backends.js';
import type { RouteDefinition } from '../handler-context.js';
import { eventsRoutes } from './events.js';
import { systemRoutes } from './system.js';

export { eventsRoutes } from './events.js';
export { systemRoutes } from './system.js';

/** Every route the server serves, each router given only the backend it needs. */
export function allRoutes(backends: Backends): RouteDefinition[] {
  return [...systemRoutes(backends.system), ...eventsRoutes(backends.events)];
}
