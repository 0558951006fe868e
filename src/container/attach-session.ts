/**
 * An attach (or attached exec) checked and ready, before the API answers 101 and hijacks
 * the connection: its TTY decides the framing, and `run` wires the client's streams and
 * resolves when the attach is over. The API's AttachSession has this shape.
 */
import type { AttachClient } from './io/index.js';

export interface ProcessSession {
  readonly tty: boolean;
  run(streams: AttachClient, signal: AbortSignal): Promise<void>;
}
