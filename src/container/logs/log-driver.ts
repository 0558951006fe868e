/**
 * The container's log driver as the daemon uses it: `json-file` (written and readable) or
 * `none` (nothing written, reading refused with dockerd's words). Other driver names are
 * refused at create time by validateLogConfig.
 */
import type { Writable } from 'node:stream';
import { InvalidArgumentError, NotImplementedError } from '../../errors/index.js';
import { readJsonFileLog, type ReadLogOptions } from './json-file-reader.js';
import { JsonFileWriter, type LogSink } from './json-file-writer.js';
import type { LogLine } from './log-line.js';
import { jsonFileSettings, validateLogConfig, type LogContainerInfo } from './log-options.js';

export const READING_NOT_SUPPORTED = 'configured logging driver does not support reading';

export interface OpenLogOptions {
  /** HostConfig.LogConfig.Type ("" means the daemon default, json-file). */
  type: string;
  config: Record<string, string>;
  /** `<containers>/<id>/<id>-json.log` (Docker's LogPath). */
  path: string;
  container: LogContainerInfo;
  onError?: (err: Error) => void;
}

/** Opens the writer for a container start; undefined for the `none` driver. */
export async function openLogSink(options: OpenLogOptions): Promise<JsonFileWriter | undefined> {
  const type = options.type || 'json-file';
  validateLogConfig(type, options.config);
  if (type === 'none') return undefined;
  const settings = jsonFileSettings(options.config, options.container);
  return JsonFileWriter.open({ ...settings, path: options.path, onError: options.onError });
}

/** Reads a container's log; throws NotImplementedError (501, as dockerd) for `none`. */
export function readContainerLog(type: string, options: ReadLogOptions): AsyncGenerator<LogLine> {
  const driver = type || 'json-file';
  if (driver === 'none') throw new NotImplementedError(READING_NOT_SUPPORTED);
  if (driver !== 'json-file')
    throw new InvalidArgumentError(`logger: no log driver named '${driver}' is registered`);
  return readJsonFileLog(options);
}

/**
 * `attach?logs=1`: writes the stored log to the client's streams (stdout lines to stdout,
 * stderr lines to stderr), waiting for each stream to drain, before live output starts.
 */
export async function replayLog(
  lines: AsyncIterable<LogLine>,
  streams: { stdout?: Writable; stderr?: Writable },
): Promise<void> {
  for await (const entry of lines) {
    const target = entry.stream === 'stdout' ? streams.stdout : streams.stderr;
    if (!target || target.destroyed) continue;
    if (!target.write(entry.line)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          target.off('drain', done);
          target.off('close', done);
          resolve();
        };
        target.on('drain', done);
        target.on('close', done);
      });
    }
  }
}

export type { LogSink };
