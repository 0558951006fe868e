/**
 * The messages Docker users know, word for word, because scripts and people grep for them.
 * All are invalid-argument errors: the API answers 400.
 */
import { InvalidArgumentError } from '../errors/index.js';

export const INVALID_REFERENCE_FORMAT = 'invalid reference format';

export class InvalidReferenceError extends InvalidArgumentError {
  constructor(
    readonly input: string,
    detail?: string,
  ) {
    super(detail === undefined ? INVALID_REFERENCE_FORMAT : `${INVALID_REFERENCE_FORMAT}: ${detail}`);
  }
}

export function nameEmpty(input: string): InvalidReferenceError {
  return new InvalidReferenceError(input, 'repository name must have at least one component');
}

export function nameTooLong(input: string, max: number): InvalidReferenceError {
  return new InvalidReferenceError(input, `repository name must not be more than ${max} characters`);
}

export function nameNotLowercase(input: string, remoteName?: string): InvalidReferenceError {
  return new InvalidReferenceError(
    input,
    remoteName === undefined
      ? 'repository name must be lowercase'
      : `repository name (${remoteName}) must be lowercase`,
  );
}
