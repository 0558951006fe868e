/**
 * The daemon's event log: an in-memory ring of the most recent events (for `--since`
 * replays) and live fan-out to subscribers (for `docker events`). Events are not persisted,
 * as with dockerd: a restart starts an empty log.
 */
import type { EventMessage, EventType } from '../api/types/index.js';
import type { EventQuery, EventSubscription, EventsBackend } from '../api/server/backends.js';
import { matchesEventFilters, validateEventFilters } from './event-filters.js';

export const DEFAULT_EVENT_CAPACITY = 1024;

export interface PublishInput {
  type: EventType;
  action: string;
  actorId: string;
  attributes?: Record<string, string>;
  scope?: 'local' | 'swarm';
}

/** Nanosecond wall clock. Date.now() has ms resolution; hrtime adds the sub-ms part so events
 * published in the same millisecond keep their order when replayed with since=. */
function nowNano(): number {
  const ms = Date.now();
  const subMs = Number(process.hrtime.bigint() % 1_000_000n);
  return ms * 1_000_000 + subMs;
}

export class EventsService implements EventsBackend {
  private readonly ring: EventMessage[] = [];
  private readonly subscribers = new Set<{ query: EventQuery; listener?: (event: EventMessage) => void }>();
  private lastNano = 0;
  /**
   * The smallest step that changes a timeNano. Nanoseconds since 1970 are past 2^53, where
   * doubles are 256 apart, so `lastNano + 1` would round back to lastNano; 1 µs is exact.
   */
  private static readonly STEP_NANO = 1000;

  constructor(private readonly capacity = DEFAULT_EVENT_CAPACITY) {}

  /** The number of live subscriptions (Info.NEventsListener). */
  get listenerCount(): number {
    return this.subscribers.size;
  }

  publish(input: PublishInput): EventMessage {
    // Strictly increasing, so "since" boundaries are unambiguous even if the clock steps back.
    const timeNano = Math.max(nowNano(), this.lastNano + EventsService.STEP_NANO);
    this.lastNano = timeNano;
    const event: EventMessage = {
      Type: input.type,
      Action: input.action,
      Actor: { ID: input.actorId, Attributes: input.attributes ?? {} },
      scope: input.scope ?? 'local',
      time: Math.floor(timeNano / 1e9),
      timeNano,
    };
    // The pre-1.22 fields the CLI still prints for container and image events.
    if (input.type === 'container' || input.type === 'image') {
      event.status = input.action;
      event.id = input.actorId;
      const from = input.attributes?.['image'];
      if (from !== undefined) event.from = from;
    }
    this.ring.push(event);
    if (this.ring.length > this.capacity) this.ring.shift();
    for (const sub of this.subscribers) {
      if (!sub.listener) continue;
      if (sub.query.untilNano !== undefined && event.timeNano > sub.query.untilNano) continue;
      if (matchesEventFilters(event, sub.query.filters)) sub.listener(event);
    }
    return event;
  }

  subscribe(query: EventQuery): EventSubscription {
    validateEventFilters(query.filters);
    const backlog =
      query.sinceNano === undefined
        ? []
        : this.ring.filter(
            (e) =>
              e.timeNano >= query.sinceNano! &&
              (query.untilNano === undefined || e.timeNano <= query.untilNano) &&
              matchesEventFilters(e, query.filters),
          );
    const entry: { query: EventQuery; listener?: (event: EventMessage) => void } = { query };
    this.subscribers.add(entry);
    return {
      backlog,
      onEvent: (listener) => {
        entry.listener = listener;
      },
      close: () => {
        this.subscribers.delete(entry);
      },
    };
  }
}
