/**
 * Running command-line clients to completion: the docker CLI and the lading CLI against a test
 * daemon. Each runs with a bare environment (PATH plus what the caller gives), so a DOCKER_HOST
 * or ~/.docker of whoever runs the tests cannot change what is tested.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LADING_BIN } from './daemon.js';
import { testBase } from './test-base.js';

/** The docker CLI used as a reference client (a static build, not Debian's docker.io). */
export const DOCKER_BIN = '/usr/local/bin/docker';

export interface CommandResult {
  /** The exit code; null if the command was killed (see `signal`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `file` with `args` until it exits (killed after `timeoutMs`). A non-zero exit is a
 * result, not an error: tests assert on it.
 */
export function runCommand(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 30_000,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: { PATH: process.env['PATH'], ...env }, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err && typeof err.code === 'string') {
          reject(err); // could not run it at all (ENOENT, EACCES)
          return;
        }
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, signal: (err?.signal as NodeJS.Signals | undefined) ?? null, stdout, stderr });
      },
    );
  });
}

/** `docker -H <host> args…`, with a config directory of its own under the test base. */
export function docker(host: string, ...args: string[]): Promise<CommandResult> {
  const config = join(testBase(), 'docker-config');
  mkdirSync(config, { recursive: true, mode: 0o700 });
  return runCommand(DOCKER_BIN, ['-H', host, ...args], { DOCKER_CONFIG: config });
}

/** This checkout's `lading args…`; pick the daemon with `-H` in `args` or with `env`. */
export function lading(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  return runCommand(LADING_BIN, args, env);
}
