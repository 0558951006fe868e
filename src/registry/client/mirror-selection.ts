/**
 * Reads try the registry's endpoints in order. A mirror is passed over when it fails in
 * any way (no connection, timeout, 5xx, 401/403/404, content that fails verification) and
 * is then left out for `mirrorBackoffMs`, so one dead mirror does not cost a timeout per
 * layer. The upstream's failure is the answer. A mirror-only registry never reaches its
 * upstream; when every mirror failed, the error says so.
 */
import { isLadingError, messageOf, NotFoundError, UnavailableError } from '../../errors/index.js';
import type { Endpoint } from './endpoints.js';
import type { EndpointEvent, EndpointReport } from './registry-client.js';

export const DEFAULT_MIRROR_BACKOFF_MS = 30_000;

export class MirrorBackoff {
  private readonly failedUntil = new Map<string, number>();

  constructor(
    private readonly backoffMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  failed(url: string): void {
    this.failedUntil.set(url, this.now() + this.backoffMs);
  }

  /** Whether the mirror failed recently enough to be passed over without a try. */
  skipping(url: string): boolean {
    const until = this.failedUntil.get(url);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.failedUntil.delete(url);
    return false;
  }

  clear(): void {
    this.failedUntil.clear();
  }
}

export interface SelectionContext {
  registry: string;
  endpoints: readonly Endpoint[];
  mirrorOnly: boolean;
  backoff: MirrorBackoff;
  onEvent: ((event: EndpointEvent) => void) | undefined;
  /** The base URL an endpoint really uses once pinged (its scheme may have fallen back to HTTP). */
  resolvedUrl?: (endpoint: Endpoint) => string | undefined;
}

export function reportOf(registry: string, endpoint: Endpoint, resolvedUrl?: string): EndpointReport {
  const url = new URL(resolvedUrl ?? endpoint.url);
  url.username = '';
  url.password = '';
  return { registry, endpoint: url.toString().replace(/\/+$/, ''), mirror: endpoint.mirror };
}

export function isAbort(err: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (err instanceof Error && err.name === 'AbortError');
}

/** The caller's own abort reason rather than whatever the torn connection said. */
export function abortReason(err: unknown, signal: AbortSignal | undefined): unknown {
  return signal?.aborted === true ? signal.reason : err;
}

/**
 * The endpoints to try now: mirrors in backoff are left out (and reported), unless that
 * leaves nothing — then all are tried rather than failing without a request.
 */
export function candidateEndpoints(ctx: SelectionContext, what: string): Endpoint[] {
  if (ctx.endpoints.length === 0) {
    throw new UnavailableError(
      `${ctx.registry} is mirror-only and has no mirrors configured; cannot fetch ${what}`,
    );
  }
  const fresh = ctx.endpoints.filter((e) => !e.mirror || !ctx.backoff.skipping(e.url));
  if (fresh.length === 0) return [...ctx.endpoints];
  for (const skipped of ctx.endpoints.filter((e) => !fresh.includes(e))) {
    ctx.onEvent?.({
      kind: 'failed',
      what,
      reason: 'skipped: failed recently',
      ...reportOf(ctx.registry, skipped),
    });
  }
  return fresh;
}

/** Records a mirror's failure: backoff and an event. */
export function passOver(ctx: SelectionContext, endpoint: Endpoint, what: string, err: unknown): void {
  ctx.backoff.failed(endpoint.url);
  ctx.onEvent?.({
    kind: 'failed',
    what,
    reason: messageOf(err),
    ...reportOf(ctx.registry, endpoint, ctx.resolvedUrl?.(endpoint)),
  });
}

export function served(ctx: SelectionContext, endpoint: Endpoint, what: string): void {
  ctx.onEvent?.({ kind: 'served', what, ...reportOf(ctx.registry, endpoint, ctx.resolvedUrl?.(endpoint)) });
}

/** The error after every mirror of a mirror-only registry failed. */
export function mirrorsExhaustedError(ctx: SelectionContext, what: string, last: unknown): Error {
  const message =
    `no mirror of ${ctx.registry} could serve ${what}, and ${ctx.registry} is mirror-only ` +
    `(the upstream is not tried): ${messageOf(last)}`;
  return isLadingError(last) && last.kind === 'not-found'
    ? new NotFoundError(message, { cause: last })
    : new UnavailableError(message, { cause: last });
}

/**
 * Runs `attempt` against each candidate until one succeeds. Errors from a mirror move on;
 * the upstream's error (or an abort) is thrown as is.
 */
export async function tryEndpoints<T>(
  ctx: SelectionContext,
  what: string,
  signal: AbortSignal | undefined,
  attempt: (endpoint: Endpoint) => Promise<T>,
): Promise<T> {
  let last: unknown;
  for (const endpoint of candidateEndpoints(ctx, what)) {
    try {
      const value = await attempt(endpoint);
      served(ctx, endpoint, what);
      return value;
    } catch (err) {
      if (isAbort(err, signal)) throw abortReason(err, signal);
      if (!endpoint.mirror) throw err;
      passOver(ctx, endpoint, what, err);
      last = err;
    }
  }
  throw mirrorsExhaustedError(ctx, what, last);
}
