/**
 * Levelled logging for the daemon and tools, written as one line per record to a stream
 * (stderr by default), in the logfmt-like shape dockerd uses:
 *   time="2026-11-29T11:38:11.123Z" level=info msg="API listen on /run/lading/lading.sock"
 * The level can change at run time (SIGHUP reloads "log-level"), so it is a field, not a
 * constructor constant.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose records all carry `fields` (for example module=containerd). */
  with(fields: LogFields): Logger;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

interface Sink {
  write(line: string): unknown;
}

function quote(value: string | number | boolean): string {
  const text = String(value);
  return /^[\w./:@+-]+$/.test(text) ? text : JSON.stringify(text);
}

class LineLogger implements Logger {
  constructor(
    private readonly root: { level: LogLevel; sink: Sink },
    private readonly fields: LogFields,
  ) {}

  get level(): LogLevel {
    return this.root.level;
  }

  set level(level: LogLevel) {
    this.root.level = level;
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }

  with(fields: LogFields): Logger {
    return new LineLogger(this.root, { ...this.fields, ...fields });
  }

  private log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(this.root.level)) return;
    let line = `time="${new Date().toISOString()}" level=${level} msg=${JSON.stringify(msg)}`;
    for (const [key, value] of Object.entries({ ...this.fields, ...fields })) {
      if (value !== undefined) line += ` ${key}=${quote(value)}`;
    }
    this.root.sink.write(line + '\n');
  }
}

export function createLogger(options: { level?: LogLevel; sink?: Sink } = {}): Logger {
  return new LineLogger({ level: options.level ?? 'info', sink: options.sink ?? process.stderr }, {});
}

/** A logger that drops everything: for library code called without one, and for tests. */
export function silentLogger(): Logger {
  return createLogger({ level: 'fatal', sink: { write: () => true } });
}
