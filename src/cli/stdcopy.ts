/**
 * docker's stdcopy framing, read side: a non-TTY attach, exec or logs stream is a series of
 * frames `[stream, 0, 0, 0, size (uint32 big-endian)] + payload`, stream 1 stdout, 2 stderr,
 * 3 a daemon error (the CLI stops and reports its text). Frames may straddle reads.
 */

export type Sink = (chunk: Buffer) => void;

export class StreamFrameError extends Error {
  override readonly name = 'StreamFrameError';
}

export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly stdout: Sink,
    private readonly stderr: Sink,
  ) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) return;
      const kind = this.pending[0];
      const payload = this.pending.subarray(8, 8 + size);
      this.pending = this.pending.subarray(8 + size);
      if (kind === 0 || kind === 1) this.stdout(payload);
      else if (kind === 2) this.stderr(payload);
      else if (kind === 3) throw new StreamFrameError(payload.toString('utf8'));
      else throw new StreamFrameError(`Unrecognized input header: ${kind}`);
    }
  }
}

/** Builds one frame (tests and fakes speak the daemon's side with it). */
export function frame(stream: 1 | 2 | 3, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}
