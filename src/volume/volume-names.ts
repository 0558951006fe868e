/**
 * Volume names as the local driver accepts them. A name becomes a directory under
 * `<data-root>/volumes`, so the pattern is also what keeps every path inside that directory:
 * no `/`, and no leading `.` (so neither `..` nor our own `.tmp-…` working names).
 */
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../errors/index.js';

/** The characters Docker allows, as its error message quotes them. */
export const RESTRICTED_NAME_CHARS = '[a-zA-Z0-9][a-zA-Z0-9_.-]';
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** The label dockerd puts on volumes created without a name; `volume prune` removes only these by default. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/** A Go `%q` of a string, close enough for names: JSON's quoting of the same text. */
export function goQuote(text: string): string {
  return JSON.stringify(text);
}

/** InvalidArgumentError with the local driver's wording when `name` cannot be a volume name. */
export function validateVolumeName(name: string): void {
  if (Buffer.byteLength(name) === 1) {
    throw new InvalidArgumentError(
      'volume name is too short, names should be at least two alphanumeric characters',
    );
  }
  if (!NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(
      `${goQuote(name)} includes invalid characters for a local volume name, only ${goQuote(RESTRICTED_NAME_CHARS)} are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

export function isValidVolumeName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/** 64 hex digits, the shape of the names dockerd gives anonymous volumes. */
export function randomVolumeName(): string {
  return randomBytes(32).toString('hex');
}
