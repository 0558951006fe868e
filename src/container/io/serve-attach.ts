/**
 * One attach request from start to end, as dockerd's containerAttach does it: replay the
 * stored log first when `logs=1`, then (with `stream=1`) join the hub with the streams the
 * client asked for. The daemon's AttachSession.run can be this call.
 */
import type { Readable, Writable } from 'node:stream';
import { replayLog } from '../logs/log-driver.js';
import type { LogLine } from '../logs/log-line.js';
import type { AttachEnd, StdioHub } from './stdio-hub.js';

export interface ServeAttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  stream: boolean;
  logs: boolean;
  /** Already parsed with parseDetachKeys (do that before answering 101, so a bad value is a 400). */
  detachKeys: Uint8Array;
  /** The container's stored log (only called with `logs`); absent for the none driver. */
  readLog?: () => AsyncIterable<LogLine>;
  signal: AbortSignal;
}

/** Resolves with why the attach ended, or undefined when it only replayed the log. */
export async function serveAttach(
  hub: StdioHub,
  streams: { stdin?: Readable; stdout?: Writable; stderr?: Writable },
  options: ServeAttachOptions,
): Promise<AttachEnd | undefined> {
  const stdout = options.stdout ? streams.stdout : undefined;
  const stderr = options.stderr ? streams.stderr : undefined;
  if (options.logs && options.readLog) await replayLog(options.readLog(), { stdout, stderr });
  if (!options.stream || options.signal.aborted) return undefined;
  const handle = hub.attach(
    { stdin: options.stdin ? streams.stdin : undefined, stdout, stderr },
    { detachKeys: options.detachKeys, signal: options.signal },
  );
  return handle.done;
}
