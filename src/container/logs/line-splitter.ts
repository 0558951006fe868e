/**
 * Turns one output stream's chunks into log messages the way moby's logger.Copier does:
 * one message per "\n"-terminated line; a run of 16 KiB without a newline is logged as a
 * partial message (written without the trailing "\n"); what is left at end of stream is a
 * partial message too. All pieces of one long line carry the time of its first piece.
 */
import { nowNanos } from './log-time.js';

export type LogStreamName = 'stdout' | 'stderr';

/** Docker's copier buffer: a line longer than this is cut into pieces of this size. */
export const MAX_LINE_PIECE = 16 * 1024;

export interface LogMessage {
  stream: LogStreamName;
  /** The line without its "\n". */
  line: Buffer;
  /** True when the bytes did not end with a newline (a piece of a longer line, or the tail). */
  partial: boolean;
  /** Unix nanoseconds. */
  timeNs: bigint;
}

export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);
  private partialTimeNs: bigint | undefined;

  constructor(
    private readonly stream: LogStreamName,
    private readonly emit: (message: LogMessage) => void,
    private readonly pieceSize = MAX_LINE_PIECE,
  ) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let start = 0;
    while (start < this.pending.length) {
      // Docker's buffer holds pieceSize bytes: a newline further away than that is not seen
      // before the buffer fills, so the line is cut first.
      const windowEnd = Math.min(this.pending.length, start + this.pieceSize);
      const newline = this.pending.subarray(start, windowEnd).indexOf(0x0a);
      if (newline >= 0) {
        this.send(this.pending.subarray(start, start + newline), false);
        start += newline + 1;
      } else if (windowEnd - start === this.pieceSize) {
        this.send(this.pending.subarray(start, windowEnd), true);
        start = windowEnd;
      } else {
        break;
      }
    }
    this.pending = start === 0 ? this.pending : Buffer.from(this.pending.subarray(start));
  }

  /** End of stream: whatever has no newline yet is logged as a partial message. */
  end(): void {
    if (this.pending.length > 0) this.send(this.pending, true);
    this.pending = Buffer.alloc(0);
  }

  private send(line: Buffer, partial: boolean): void {
    let timeNs: bigint;
    if (partial) {
      this.partialTimeNs ??= nowNanos();
      timeNs = this.partialTimeNs;
    } else {
      timeNs = this.partialTimeNs ?? nowNanos();
      this.partialTimeNs = undefined;
    }
    this.emit({ stream: this.stream, line: Buffer.from(line), partial, timeNs });
  }
}
