/**
 * What a route handler sees. Handlers get parsed pieces (params, query, negotiated version)
 * and a few capabilities (read the body, hijack the connection) instead of reaching into
 * node:http themselves, so the upgrade and plain request paths look the same to them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../log/index.js';
import type { HttpMethod } from './router.js';

export interface HijackOptions {
  /**
   * True when output will be stdcopy-framed (Tty=false): the response then announces
   * `application/vnd.docker.multiplexed-stream` instead of `…raw-stream`.
   */
  multiplexed?: boolean;
}

export interface RequestContext {
  readonly req: IncomingMessage;
  /** Use for ordinary responses; after `hijack()` it must not be touched. */
  readonly res: ServerResponse;
  /** The matched path parameters, percent-decoded. */
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  /** The version the client asked for in the path, or the default; already range-checked. */
  readonly apiVersion: string;
  readonly logger: Logger;
  /** Aborted when the client goes away or the server shuts down: end streams then. */
  readonly signal: AbortSignal;
  /** The whole request body (at most `limit` bytes, default 16 MiB; more is a 400). */
  readBody(limit?: number): Promise<Buffer>;
  /** The body parsed as JSON; undefined when empty. Malformed JSON is a 400. */
  readJson<T = unknown>(): Promise<T | undefined>;
  /**
   * Takes over the connection (routes declared `hijack: true` only): answers
   * `101 UPGRADED` when the client asked to upgrade, `200 OK` otherwise, and returns the raw
   * socket. Read the body first if the route has one.
   */
  hijack(options?: HijackOptions): Duplex;
}

export type RouteHandler = (ctx: RequestContext) => Promise<void> | void;

export interface RouteDefinition {
  method: HttpMethod;
  /** `{name}` matches one segment, `{name:.*}` anything (greedy); see router.ts. */
  path: string;
  handler: RouteHandler;
  /** The handler may call `ctx.hijack()` (attach, exec start). */
  hijack?: boolean;
}
