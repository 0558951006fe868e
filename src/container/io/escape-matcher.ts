/**
 * Watches a client's stdin for the detach sequence (moby/term's escapeProxy): bytes pass
 * through, a partial match at the end of a chunk is held back until the next chunk shows
 * whether it was the sequence, and a full match means "detach" — the bytes before it are
 * delivered, the sequence itself never is.
 *
 * Unlike moby's proxy, a byte that breaks a partial match is checked again as the start of a
 * new match (ctrl-p ctrl-p ctrl-q detaches), which is what a user typing expects.
 */
export interface EscapeResult {
  /** Bytes to forward to the process. */
  pass: Buffer;
  detached: boolean;
}

export class EscapeMatcher {
  private held = 0;

  constructor(private readonly keys: Uint8Array) {}

  /** Feeds one chunk; after a detach the rest of the chunk is dropped. */
  push(chunk: Buffer): EscapeResult {
    if (this.keys.length === 0) return { pass: chunk, detached: false };
    const out: number[] = [];
    let passStart = 0;
    const pieces: Buffer[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === this.keys[this.held]) {
        if (this.held === 0) {
          pieces.push(chunk.subarray(passStart, i));
        }
        this.held++;
        if (this.held === this.keys.length) {
          this.held = 0;
          return { pass: Buffer.concat(pieces), detached: true };
        }
        passStart = i + 1;
        continue;
      }
      if (this.held === 0) continue;
      // The held prefix was not the sequence. Release it byte by byte, keeping the longest
      // suffix of (held + byte) that is still a prefix of the keys.
      const candidate = [...this.keys.subarray(0, this.held), byte];
      let keep = 0;
      for (let k = Math.min(candidate.length, this.keys.length - 1); k > 0; k--) {
        if (candidate.slice(candidate.length - k).every((b, j) => b === this.keys[j])) {
          keep = k;
          break;
        }
      }
      out.length = 0;
      out.push(...candidate.slice(0, candidate.length - keep));
      pieces.push(Buffer.from(out));
      this.held = keep;
      passStart = i + 1;
      if (keep === 0) {
        // The byte was released above; normal bytes continue from here.
        continue;
      }
    }
    if (this.held === 0) pieces.push(chunk.subarray(passStart));
    return { pass: Buffer.concat(pieces), detached: false };
  }

  /** Bytes held back as a possible start of the sequence (flushed when stdin ends). */
  flush(): Buffer {
    const held = Buffer.from(this.keys.subarray(0, this.held));
    this.held = 0;
    return held;
  }
}
