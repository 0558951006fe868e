/**
 * The JSON message stream of pull, push, load and build: 200 and headers at once, then one
 * JSON object per line. Once the status has gone out an error can only travel in the stream,
 * and the CLI treats a message as failed only if it has `errorDetail`, so `writeError` always
 * sends both `errorDetail` and `error` (older clients read the latter).
 */
import type { ServerResponse } from 'node:http';
import { messageOf } from '../../../errors/index.js';
import { JSON_CONTENT_TYPE } from '../respond.js';

export interface ProgressDetail {
  current?: number;
  total?: number;
}

/** One line of the stream; field names are the wire names the clients decode. */
export interface JsonMessage {
  status?: string;
  id?: string;
  progressDetail?: ProgressDetail;
  progress?: string;
  stream?: string;
  errorDetail?: { code?: number; message: string };
  error?: string;
  aux?: unknown;
}

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Sizes as docker prints them: decimal units, 4 significant digits, no space (`3.402MB`). */
export function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(4))}${DECIMAL_UNITS[unit]}`;
}

const BAR_WIDTH = 50;

/**
 * The text docker puts in `progress`: a 50-column bar and `current/total`, e.g.
 * `[=========================>                         ]  1.704MB/3.402MB`.
 * Without a total only the current size is shown.
 */
export function formatProgress(detail: ProgressDetail): string {
  const current = detail.current ?? 0;
  const total = detail.total ?? 0;
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  const filled = Math.min(BAR_WIDTH, Math.floor(Math.floor((current / total) * 100) / 2));
  const bar = `[${'='.repeat(filled)}>${' '.repeat(BAR_WIDTH - filled)}] `;
  const numbers =
    current > total
      ? humanSize(current).padStart(8)
      : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

export class JsonProgressWriter {
  constructor(private readonly res: ServerResponse) {}

  /** True once the client is gone or the stream ended; writes are then dropped. */
  get closed(): boolean {
    return this.res.writableEnded || this.res.destroyed;
  }

  /** Sends 200 and the headers now, so the client knows the operation started. */
  start(): this {
    if (!this.res.headersSent && !this.closed) {
      this.res.writeHead(200, { 'Content-Type': JSON_CONTENT_TYPE });
      this.res.flushHeaders();
    }
    return this;
  }

  write(message: JsonMessage): boolean {
    this.start();
    if (this.closed) return false;
    return this.res.write(JSON.stringify(message) + '\r\n');
  }

  /** A status line with a progress bar derived from `detail` (Downloading, Extracting…). */
  progress(id: string, status: string, detail: ProgressDetail): boolean {
    return this.write({ status, id, progressDetail: detail, progress: formatProgress(detail) });
  }

  /** Build output (`Step 1/3 : FROM x`). */
  stream(text: string): boolean {
    return this.write({ stream: text });
  }

  writeError(err: unknown, code?: number): boolean {
    const message = messageOf(err);
    const errorDetail = code === undefined ? { message } : { code, message };
    return this.write({ errorDetail, error: message });
  }

  end(): void {
    this.start();
    if (!this.closed) this.res.end();
  }
}

/** Starts a progress stream on `res` (status and headers go out immediately). */
export function startJsonProgress(res: ServerResponse): JsonProgressWriter {
  return new JsonProgressWriter(res).start();
}
