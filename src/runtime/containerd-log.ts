/**
 * containerd logs logfmt lines to stderr (time="…" level=info msg="…" key=value…). Each line
 * is re-logged through lading's logger with module=containerd so the daemon has one log.
 */
import type { Logger, LogLevel } from '../log/index.js';

export interface ContainerdLogRecord {
  level: LogLevel;
  msg: string;
  /** The rest of the line after msg (its key=value pairs), for context. */
  rest: string;
}

// containerd's "info" covers every plugin it loads (~40 lines per start); at our info level
// that would drown the daemon's own lines, so it is shown at debug.
const LEVELS: Record<string, LogLevel> = {
  trace: 'debug',
  debug: 'debug',
  info: 'debug',
  warning: 'warn',
  warn: 'warn',
  error: 'error',
  fatal: 'error',
  panic: 'error',
};

export function parseContainerdLogLine(line: string): ContainerdLogRecord {
  const level = /\blevel=(\w+)/.exec(line)?.[1];
  const msgMatch = /\bmsg=(?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(line);
  if (level === undefined || msgMatch === null) return { level: 'info', msg: line, rest: '' };
  const quoted = msgMatch[1];
  let msg = msgMatch[2] ?? '';
  if (quoted !== undefined) {
    try {
      msg = JSON.parse(`"${quoted}"`) as string;
    } catch {
      msg = quoted;
    }
  }
  const rest = line.slice(msgMatch.index + msgMatch[0].length).trim();
  return { level: LEVELS[level] ?? 'info', msg, rest };
}

export function relogContainerdLine(logger: Logger, line: string): void {
  if (line.trim() === '') return;
  const record = parseContainerdLogLine(line);
  const fields = record.rest !== '' ? { detail: record.rest } : undefined;
  const level = record.level === 'fatal' ? 'error' : record.level;
  logger[level](record.msg, fields);
}
