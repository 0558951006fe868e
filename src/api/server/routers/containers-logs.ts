/**
 * GET /containers/{id}/logs. Arguments are checked and the container looked up before any
 * header goes out, so those errors keep their status; then 200 and the headers are flushed at
 * once (`docker logs -f` on a quiet container must not hang waiting for them), and from there
 * errors travel in the stream, as dockerd's WriteLogStream does.
 *
 * Without a TTY each line is a stdcopy frame on its stream; with one, raw bytes. `timestamps`
 * puts `<RFC 3339 nano> ` before each line, `details` puts `<attrs> ` (after the timestamp).
 */
import type { ServerResponse } from 'node:http';
import { InvalidArgumentError, messageOf } from '../../../errors/index.js';
import { StdStream } from '../../types/index.js';
import type { ContainersBackend, LogLine, LogsOptions } from '../backends.js';
import type { RequestContext } from '../handler-context.js';
import { queryBoolean, queryTimestamp } from '../query.js';
import { isResponseClosed } from '../respond.js';
import { MULTIPLEXED_STREAM_CONTENT_TYPE, RAW_STREAM_CONTENT_TYPE } from '../stream/hijack.js';
import { writeFrames } from '../stream/stdcopy.js';
import { apiAtLeast } from './containers-query.js';

const NANOS_PER_SECOND = 1e9;

/** `tail=` as the daemon takes it: a count, or "all" for anything that is not one (dockerd). */
function normaliseTail(value: string | null): string {
  if (value === null) return 'all';
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? String(Number(trimmed)) : 'all';
}

/** Query → LogsOptions; throws the 400s dockerd answers before streaming. */
export function parseLogsOptions(query: URLSearchParams): LogsOptions {
  const stdout = queryBoolean(query, 'stdout');
  const stderr = queryBoolean(query, 'stderr');
  if (!stdout && !stderr) {
    throw new InvalidArgumentError('Bad parameters: you must choose at least one stream');
  }
  const since = queryTimestamp(query, 'since');
  // dockerd treats until=0 as "no limit" (since=0 is the epoch, which is the same as none).
  const untilRaw = query.get('until');
  const until = untilRaw === '0' ? undefined : queryTimestamp(query, 'until');
  return {
    stdout,
    stderr,
    follow: queryBoolean(query, 'follow'),
    tail: normaliseTail(query.get('tail')),
    since: since === undefined ? 0 : since / NANOS_PER_SECOND,
    until: until === undefined ? 0 : until / NANOS_PER_SECOND,
    timestamps: queryBoolean(query, 'timestamps'),
    details: queryBoolean(query, 'details'),
  };
}

/** The bytes one log line becomes on the wire, before framing. */
export function formatLogLine(line: LogLine, options: LogsOptions): Buffer {
  const parts: Buffer[] = [];
  if (options.timestamps) parts.push(Buffer.from(`${line.time} `));
  if (options.details) parts.push(Buffer.from(`${line.attrs ?? ''} `));
  parts.push(line.line);
  return parts.length === 1 ? line.line : Buffer.concat(parts);
}

/** Waits until `res` can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

export async function streamLogs(backend: ContainersBackend, ctx: RequestContext): Promise<void> {
  const { res, signal } = ctx;
  const options = parseLogsOptions(ctx.query);
  const result = await backend.logs(ctx.params.name ?? '', options, signal);
  const multiplexed = !result.tty;
  const contentType =
    multiplexed && apiAtLeast(ctx.apiVersion, '1.42')
      ? MULTIPLEXED_STREAM_CONTENT_TYPE
      : RAW_STREAM_CONTENT_TYPE;
  res.writeHead(200, { 'Content-Type': contentType });
  res.flushHeaders();

  const write = (stream: StdStream, payload: Buffer): boolean =>
    multiplexed ? writeFrames(res, stream, payload) : res.write(payload);
  // The backend is asked to end `lines` on abort; racing the signal as well means a client that
  // hangs up never leaves this handler waiting on a quiet container.
  const iterator = result.lines[Symbol.asyncIterator]();
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === 'aborted' || isResponseClosed(res)) {
        void iterator.return?.().catch(() => undefined);
        break;
      }
      if (next.done) break;
      const line = next.value;
      if (line.stream === 'stdout' ? !options.stdout : !options.stderr) continue;
      const payload = formatLogLine(line, options);
      const ok = write(line.stream === 'stdout' ? StdStream.stdout : StdStream.stderr, payload);
      if (!ok) await drained(res);
    }
  } catch (err) {
    if (!signal.aborted && !isResponseClosed(res)) {
      ctx.logger.debug('logs stream failed', { error: messageOf(err) });
      write(StdStream.system, Buffer.from(`Error grabbing logs: ${messageOf(err)}\n`));
    }
  }
  if (!isResponseClosed(res)) res.end();
}
