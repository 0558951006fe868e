/**
 * Container ids as Docker makes them: 64 random hex digits. The first 12 are the short id and
 * the default hostname, and a hostname of digits only is not a valid one (moby issue 3869), so
 * an id whose short form is all digits is thrown away and drawn again, as moby's stringid does.
 */
import { randomBytes } from 'node:crypto';

export const SHORT_ID_LENGTH = 12;
export const FULL_ID_PATTERN = /^[0-9a-f]{64}$/;

export function generateContainerId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(32).toString('hex');
    if (!/^[0-9]+$/.test(id.slice(0, SHORT_ID_LENGTH))) return id;
  }
}

/** The 12-character form `docker ps` shows; a `sha256:` prefix is dropped first. */
export function shortId(id: string): string {
  const colon = id.indexOf(':');
  const bare = colon >= 0 ? id.slice(colon + 1) : id;
  return bare.slice(0, SHORT_ID_LENGTH);
}

export function isFullContainerId(value: string): boolean {
  return FULL_ID_PATTERN.test(value);
}
