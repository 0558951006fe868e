/**
 * Container names as Docker takes them: `[a-zA-Z0-9][a-zA-Z0-9_.-]+` with an optional leading
 * "/", stored with the slash ("/web"). Random names are `adjective_surname`, with a digit
 * added on retries after a collision (Docker's scheme, lading's own words).
 */
import { randomInt } from 'node:crypto';
import { InvalidArgumentError } from '../../errors/index.js';
import { ADJECTIVES, SURNAMES } from './name-words.js';

export const VALID_NAME_CHARS = '[a-zA-Z0-9][a-zA-Z0-9_.-]';
const VALID_NAME = new RegExp(`^${VALID_NAME_CHARS}+$`);

/** "/web" for "web" or "/web"; the name is not checked. */
export function canonicalName(name: string): string {
  return name.startsWith('/') ? name : `/${name}`;
}

/**
 * Checks a requested name and returns it with the slash. The error quotes the name as the
 * caller gave it, as Docker's does.
 */
export function validateContainerName(name: string): string {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (!VALID_NAME.test(bare)) {
    throw new InvalidArgumentError(`Invalid container name (${name}), only ${VALID_NAME_CHARS} are allowed`);
  }
  return `/${bare}`;
}

/** `adjective_surname`; from the second attempt on (retry > 0) a digit 0–9 is appended. */
export function randomContainerName(retry = 0, pick: (max: number) => number = randomInt): string {
  const adjective = ADJECTIVES[pick(ADJECTIVES.length)] as string;
  const surname = SURNAMES[pick(SURNAMES.length)] as string;
  const name = `${adjective}_${surname}`;
  return retry > 0 ? `${name}${pick(10)}` : name;
}
