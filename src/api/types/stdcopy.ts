/**
 * Docker's "stdcopy" framing, used on attach, exec and logs when the container has no TTY:
 * each chunk of output travels as an 8-byte header `[stream, 0, 0, 0, size uint32 BE]`
 * followed by `size` bytes of payload, so stdout and stderr can share one connection.
 *
 * Pure byte code on Uint8Array (no node: imports) because both sides use it: the server frames
 * output, the CLI and tests demultiplex it.
 */

/** Which stream a frame belongs to. `system` carries an error message the CLI aborts with. */
export const StdStream = {
  stdin: 0,
  stdout: 1,
  stderr: 2,
  system: 3,
} as const;
export type StdStream = (typeof StdStream)[keyof typeof StdStream];

export const STDCOPY_HEADER_SIZE = 8;

export interface StdFrame {
  stream: StdStream;
  payload: Uint8Array;
}

function isStdStream(value: number): value is StdStream {
  return value >= 0 && value <= 3;
}

/** The 8-byte header for a payload of `size` bytes on `stream`. */
export function encodeFrameHeader(stream: StdStream, size: number): Uint8Array {
  if (!Number.isInteger(size) || size < 0 || size > 0xffffffff) {
    throw new RangeError(`stdcopy frame size out of range: ${size}`);
  }
  const header = new Uint8Array(STDCOPY_HEADER_SIZE);
  header[0] = stream;
  new DataView(header.buffer).setUint32(4, size, false);
  return header;
}

/** One complete frame: header then payload, in a single buffer. */
export function encodeFrame(stream: StdStream, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(STDCOPY_HEADER_SIZE + payload.length);
  frame.set(encodeFrameHeader(stream, payload.length), 0);
  frame.set(payload, STDCOPY_HEADER_SIZE);
  return frame;
}

/**
 * Incremental parser: feed it chunks as they arrive (a frame may be split anywhere, even
 * inside the header) and it returns the frames completed so far. Bytes of an unfinished frame
 * are kept until the next push.
 */
export class StdcopyDemuxer {
  private pending: Uint8Array[] = [];
  private pendingLength = 0;

  push(chunk: Uint8Array): StdFrame[] {
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
    }
    const frames: StdFrame[] = [];
    while (this.pendingLength >= STDCOPY_HEADER_SIZE) {
      const header = this.peek(STDCOPY_HEADER_SIZE);
      const stream = header[0] ?? 0;
      if (!isStdStream(stream)) {
        throw new Error(`stdcopy: unknown stream id ${stream} in frame header`);
      }
      const size = new DataView(header.buffer, header.byteOffset, header.byteLength).getUint32(4, false);
      if (this.pendingLength < STDCOPY_HEADER_SIZE + size) break;
      this.take(STDCOPY_HEADER_SIZE);
      frames.push({ stream, payload: this.take(size) });
    }
    return frames;
  }

  /** Bytes received but not yet part of a complete frame; non-zero at EOF means truncation. */
  get bufferedBytes(): number {
    return this.pendingLength;
  }

  private peek(n: number): Uint8Array {
    this.compact(n);
    return (this.pending[0] as Uint8Array).subarray(0, n);
  }

  private take(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    this.compact(n);
    const first = this.pending[0] as Uint8Array;
    const out = first.slice(0, n);
    if (first.length === n) this.pending.shift();
    else this.pending[0] = first.subarray(n);
    this.pendingLength -= n;
    return out;
  }

  /** Makes the first pending buffer at least `n` bytes long by joining buffers (n ≤ pendingLength). */
  private compact(n: number): void {
    const first = this.pending[0];
    if (first && first.length >= n) return;
    const joined = new Uint8Array(this.pendingLength);
    let offset = 0;
    for (const part of this.pending) {
      joined.set(part, offset);
      offset += part.length;
    }
    this.pending = [joined];
  }
}
