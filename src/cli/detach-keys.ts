/**
 * Detach keys, as the docker CLI reads and watches them: `ctrl-p,ctrl-q` by default, each key
 * a single character or `ctrl-` with a letter or one of `@ [ \ ] ^ _`. The CLI watches its own
 * stdin for the sequence (and also sends it to the daemon, which watches too): the matched
 * bytes are held back, passed on if the sequence breaks, and swallowed if it completes.
 */

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

export class DetachKeysError extends Error {
  override readonly name = 'DetachKeysError';
}

/** term.ToBytes: the byte sequence a `--detach-keys` value stands for. */
export function detachKeyBytes(keys: string): Buffer {
  const out: number[] = [];
  for (const raw of keys.split(',')) {
    const key = raw.trim();
    if (key.length > 1 && key.startsWith('ctrl-')) {
      const c = key.slice(5).toLowerCase();
      if (c.length !== 1) throw new DetachKeysError(`Unknown character: '${key}'`);
      const code = c.charCodeAt(0);
      if (c >= 'a' && c <= 'z') out.push(code - 'a'.charCodeAt(0) + 1);
      else if ('@[\\]^_'.includes(c)) out.push(code - '@'.charCodeAt(0));
      else throw new DetachKeysError(`Unknown character: '${key}'`);
    } else {
      if (key.length !== 1) throw new DetachKeysError(`Unknown character: '${key}'`);
      out.push(key.charCodeAt(0));
    }
  }
  return Buffer.from(out);
}

/**
 * Watches input for the sequence. `feed` returns the bytes to forward now and whether the
 * sequence just completed (then nothing after it is forwarded).
 */
export class EscapeWatcher {
  private matched = 0;

  constructor(private readonly keys: Buffer) {}

  feed(chunk: Buffer): { forward: Buffer; detached: boolean } {
    if (this.keys.length === 0) return { forward: chunk, detached: false };
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) return { forward: Buffer.from(out), detached: true };
        continue;
      }
      // The sequence broke: what was held back goes through, then this byte is tried afresh.
      out.push(...this.keys.subarray(0, this.matched));
      this.matched = 0;
      if (byte === this.keys[0]) this.matched = 1;
      else out.push(byte);
    }
    return { forward: Buffer.from(out), detached: false };
  }
}
