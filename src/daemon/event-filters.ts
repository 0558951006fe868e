/**
 * Matching events against `docker events --filter` filters. Semantics as Docker's: values of
 * one key are alternatives (OR), different keys must all match (AND). IDs match by prefix, as
 * users paste short ids; names match exactly.
 */
import { InvalidArgumentError } from '../errors/index.js';
import type { EventMessage, EventType } from '../api/types/index.js';
import type { EventFilters } from '../api/server/backends.js';

/** Filter keys that select events by the object they are about, and that object's type. */
const OBJECT_KEYS: Record<string, EventType> = {
  container: 'container',
  image: 'image',
  network: 'network',
  volume: 'volume',
  daemon: 'daemon',
  plugin: 'plugin',
  node: 'node',
  service: 'service',
  secret: 'secret',
  config: 'config',
};

const OTHER_KEYS = ['type', 'event', 'action', 'label', 'scope'];

export const EVENT_FILTER_KEYS: readonly string[] = [...Object.keys(OBJECT_KEYS), ...OTHER_KEYS];

/** Throws InvalidArgumentError for a key Docker does not accept either. */
export function validateEventFilters(filters: EventFilters): void {
  for (const key of filters.keys()) {
    if (!EVENT_FILTER_KEYS.includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
  }
  for (const value of filters.get('scope') ?? []) {
    if (value !== 'local' && value !== 'swarm')
      throw new InvalidArgumentError(`invalid filter 'scope=${value}'`);
  }
}

function idOrNameMatches(event: EventMessage, value: string): boolean {
  const name = event.Actor.Attributes['name'];
  return event.Actor.ID === value || (value !== '' && event.Actor.ID.startsWith(value)) || name === value;
}

/** An image filter "busybox" also matches the reference "busybox:latest". */
function imageRefMatches(ref: string | undefined, value: string): boolean {
  if (ref === undefined) return false;
  return ref === value || ref === `${value}:latest` || (value.startsWith('sha256:') && ref.startsWith(value));
}

function matchesValue(key: string, value: string, event: EventMessage): boolean {
  switch (key) {
    case 'type':
      return event.Type === value;
    case 'event':
    case 'action':
      // "exec_start: sh -c …" and "health_status: healthy" match their leading verb.
      return event.Action === value || event.Action.startsWith(`${value}:`);
    case 'scope':
      return event.scope === value;
    case 'label': {
      const eq = value.indexOf('=');
      const name = eq === -1 ? value : value.slice(0, eq);
      const actual = event.Actor.Attributes[name];
      return eq === -1 ? actual !== undefined : actual === value.slice(eq + 1);
    }
    case 'image':
      // Image events name the image as the actor; container events carry it as an attribute.
      return (
        (event.Type === 'image' &&
          (idOrNameMatches(event, value) || imageRefMatches(event.Actor.ID, value))) ||
        imageRefMatches(event.Actor.Attributes['image'], value)
      );
    default: {
      const type = OBJECT_KEYS[key];
      return type !== undefined && event.Type === type && idOrNameMatches(event, value);
    }
  }
}

/** True if `event` passes every filter key (filters must have been validated). */
export function matchesEventFilters(event: EventMessage, filters: EventFilters): boolean {
  for (const [key, values] of filters) {
    if (values.length === 0) continue;
    if (!values.some((value) => matchesValue(key, value, event))) return false;
  }
  return true;
}
