/**
 * The error vocabulary shared by every layer of lading.
 *
 * Code deep in a store throws one of these; the API server maps the `kind` to an HTTP status
 * in exactly one place (api/server/http-status.ts) and the CLI maps statuses back to exit
 * codes. Nothing else should need to know about HTTP.
 */

export type ErrorKind =
  | 'invalid-argument'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'not-modified'
  | 'not-implemented'
  | 'unavailable'
  | 'system';

export abstract class LadingError extends Error {
  abstract readonly kind: ErrorKind;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The caller sent something malformed: a bad flag, reference, filter or body. */
export class InvalidArgumentError extends LadingError {
  readonly kind = 'invalid-argument';
}

/** Credentials are missing or wrong. */
export class UnauthorizedError extends LadingError {
  readonly kind = 'unauthorized';
}

/** The caller is known but not allowed to do this. */
export class ForbiddenError extends LadingError {
  readonly kind = 'forbidden';
}

/** The named object does not exist. */
export class NotFoundError extends LadingError {
  readonly kind = 'not-found';
}

/** The request clashes with current state: a name in use, an object still referenced. */
export class ConflictError extends LadingError {
  readonly kind = 'conflict';
}

/** Nothing to do: the object is already in the requested state (start of a running container). */
export class NotModifiedError extends LadingError {
  readonly kind = 'not-modified';
}

/** A feature lading does not have (yet); said plainly rather than faked. */
export class NotImplementedError extends LadingError {
  readonly kind = 'not-implemented';
}

/** A dependency (containerd, a registry) cannot be reached right now; retrying may help. */
export class UnavailableError extends LadingError {
  readonly kind = 'unavailable';
}

/** Anything else that went wrong inside lading. */
export class SystemError extends LadingError {
  readonly kind = 'system';
}

export function isLadingError(err: unknown): err is LadingError {
  return err instanceof LadingError;
}

/** The kind of any thrown value: our own errors keep theirs, everything else is a system error. */
export function errorKindOf(err: unknown): ErrorKind {
  return isLadingError(err) ? err.kind : 'system';
}

/** A message for any thrown value, never "[object Object]". */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
