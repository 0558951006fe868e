/**
 * What the HTTP layer needs from the daemon, declared here so api/server never imports
 * daemon/ (the composition root implements these). Each router asks for the narrowest
 * interface it can use; later resources (images, containers…) add their own.
 */
import type { EventMessage, InfoResponse, VersionResponse } from '../types/index.js';

export interface SystemBackend {
  version(): Promise<VersionResponse>;
  info(): Promise<InfoResponse>;
}

/** Event filters as parsed from `filters=`: key → accepted values ("type" → ["container"]). */
export type EventFilters = Map<string, string[]>;

export interface EventQuery {
  /** Unix nanoseconds; replay stored events at or after this time. */
  sinceNano?: number;
  /** Unix nanoseconds; stop streaming once this time is passed. */
  untilNano?: number;
  filters: EventFilters;
}

export interface EventSubscription {
  /** Stored events matching the query, oldest first (only when `sinceNano` was given). */
  readonly backlog: EventMessage[];
  /** Called for each new matching event until `close()`. */
  onEvent(listener: (event: EventMessage) => void): void;
  close(): void;
}

export interface EventsBackend {
  /** Throws InvalidArgumentError for an unknown filter key or a bad value. */
  subscribe(query: EventQuery): EventSubscription;
}

export interface Backends {
  system: SystemBackend;
  events: EventsBackend;
}
