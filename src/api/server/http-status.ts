/**
 * The one place where lading's error vocabulary becomes HTTP. Stores and services throw
 * LadingErrors with a `kind`; the CLI maps the status back (404 on create ⇒ pull, 409 ⇒
 * conflict…), so the table must match what the docker CLI expects of dockerd.
 */
import { errorKindOf, type ErrorKind } from '../../errors/index.js';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  'invalid-argument': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  // Below 400 counts as success for the CLI: `docker start` of a running container is fine.
  'not-modified': 304,
  'not-implemented': 501,
  unavailable: 503,
  system: 500,
};

export function statusForKind(kind: ErrorKind): number {
  return STATUS_BY_KIND[kind];
}

/** The status for any thrown value; anything that is not a LadingError is a 500. */
export function statusForError(err: unknown): number {
  return statusForKind(errorKindOf(err));
}
