/** Runs the CLI in-process for tests, with in-memory stdout/stderr and a chosen stdin. */

import { Readable } from 'node:stream';
import type { Input, SignalSource } from '../context.js';
import { runCli } from '../program.js';
import { memoryOutput } from './fake-engine.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Text or bytes piped to stdin (default: empty, at its end). */
  stdin?: string | Buffer | Input;
  stdoutTTY?: boolean;
  /** The terminal width stdout reports (with stdoutTTY). */
  columns?: number;
  /** The terminal height stdout reports (with stdoutTTY). */
  rows?: number;
  stdinTTY?: boolean;
  signal?: AbortSignal;
  /** Signals the command hears (sig-proxy); emit signal names on an EventEmitter. */
  signals?: SignalSource;
}

export async function runLading(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const stdout = Object.assign(
    memoryOutput(opts.stdoutTTY === true),
    opts.columns === undefined ? {} : { columns: opts.columns },
    opts.rows === undefined ? {} : { rows: opts.rows },
  );
  const stderr = memoryOutput();
  let stdin: Input;
  if (opts.stdin === undefined || typeof opts.stdin === 'string' || Buffer.isBuffer(opts.stdin)) {
    stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]);
  } else {
    stdin = opts.stdin;
  }
  if (opts.stdinTTY) stdin.isTTY = true;
  const code = await runCli(args, {
    stdout,
    stderr,
    stdin,
    env: opts.env ?? {},
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.signals ? { signals: opts.signals } : {}),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
