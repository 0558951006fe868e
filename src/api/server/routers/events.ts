/**
 * GET /events: stored events from `since`, then live ones, one JSON object per line, until
 * `until` passes, the client hangs up, or the server shuts down. Headers go out before any
 * event so `docker events` shows it is connected, and the subscription is always closed.
 */
import { InvalidArgumentError } from '../../../errors/index.js';
import type { EventMessage } from '../../types/index.js';
import type { EventsBackend } from '../backends.js';
import type { RequestContext, RouteDefinition } from '../handler-context.js';
import { parseFilters, queryTimestamp } from '../query.js';
import { isResponseClosed, JSON_CONTENT_TYPE } from '../respond.js';

/** setTimeout fires at once for delays above 2^31-1 ms; longer waits are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function timerUntil(deadlineMs: number, fire: () => void): { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const remaining = deadlineMs - Date.now();
    if (remaining <= 0) {
      fire();
      return;
    }
    timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}

async function streamEvents(backend: EventsBackend, ctx: RequestContext): Promise<void> {
  const { res, query, signal } = ctx;
  const nowMs = Date.now();
  const sinceNano = queryTimestamp(query, 'since', nowMs);
  const untilNano = queryTimestamp(query, 'until', nowMs);
  if (sinceNano !== undefined && untilNano !== undefined && untilNano < sinceNano) {
    throw new InvalidArgumentError('`since` time cannot be after `until` time');
  }
  const filters = parseFilters(query.get('filters'));
  // Subscribe before answering so a bad filter is still a clean 400.
  const subscription = backend.subscribe({ sinceNano, untilNano, filters });

  await new Promise<void>((resolve) => {
    let finished = false;
    let timer: { cancel(): void } | undefined;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      timer?.cancel();
      signal.removeEventListener('abort', finish);
      subscription.close();
      if (!isResponseClosed(res)) res.end();
      resolve();
    };
    const send = (event: EventMessage): void => {
      if (finished) return;
      if (untilNano !== undefined && event.timeNano > untilNano) return;
      if (isResponseClosed(res)) {
        finish();
        return;
      }
      res.write(JSON.stringify(event) + '\n');
    };

    try {
      res.writeHead(200, { 'Content-Type': JSON_CONTENT_TYPE });
      res.flushHeaders();
      if (signal.aborted) {
        finish();
        return;
      }
      signal.addEventListener('abort', finish, { once: true });
      // The backlog is only asked for with `since`; without it the stream is live-only.
      if (sinceNano !== undefined) for (const event of subscription.backlog) send(event);
      if (untilNano !== undefined) {
        const untilMs = untilNano / 1e6;
        if (untilMs <= nowMs) {
          finish();
          return;
        }
        timer = timerUntil(untilMs, finish);
      }
      subscription.onEvent(send);
    } catch (err) {
      ctx.logger.error('events stream failed', { error: (err as Error).message });
      finish();
    }
  });
}

export function eventsRoutes(backend: EventsBackend): RouteDefinition[] {
  return [{ method: 'GET', path: '/events', handler: (ctx) => streamEvents(backend, ctx) }];
}
