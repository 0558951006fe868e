/**
 * Detach keys in Docker's notation ("ctrl-p,ctrl-q"): comma-separated keys, each either one
 * byte (a printable character), `ctrl-@`, `ctrl-a`…`ctrl-z`, `ctrl-[`, `ctrl-\`, `ctrl-]`,
 * `ctrl-^`, `ctrl-_` (bytes 0–31, as moby/term's ASCII table) or `DEL` (127).
 */
import { InvalidArgumentError } from '../../errors/index.js';

export const DEFAULT_DETACH_KEYS = Uint8Array.from([16, 17]);

const CONTROL_NAMES = ['@', ...'abcdefghijklmnopqrstuvwxyz', '[', '\\', ']', '^', '_'].map(
  (c) => `ctrl-${c}`,
);

/** moby/term ToBytes; throws its message ("Unknown character: 'x'"). */
export function detachKeysToBytes(keys: string): Uint8Array {
  const codes: number[] = [];
  for (const key of keys.split(',')) {
    const bytes = Buffer.from(key, 'utf8');
    if (bytes.length === 1) {
      codes.push(bytes[0]!);
      continue;
    }
    const control = CONTROL_NAMES.indexOf(key);
    if (control >= 0) codes.push(control);
    else if (key === 'DEL') codes.push(127);
    else throw new InvalidArgumentError(`Unknown character: '${key}'`);
  }
  return Uint8Array.from(codes);
}

/**
 * The daemon's reading of `detachKeys=` (or the container's/daemon's setting): empty means
 * ctrl-p,ctrl-q; a bad value is dockerd's 400 "Invalid detach keys (…) provided".
 */
export function parseDetachKeys(keys: string | undefined): Uint8Array {
  if (!keys) return DEFAULT_DETACH_KEYS;
  try {
    return detachKeysToBytes(keys);
  } catch {
    throw new InvalidArgumentError(`Invalid detach keys (${keys}) provided`);
  }
}
