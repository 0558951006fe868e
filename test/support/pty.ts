/**
 * Running a command on a pseudo-terminal, for the `-t` cases (`docker run -it`, `exec -it`):
 * util-linux's `script` allocates the pty, copies our pipe into it and its output back. The
 * command sees a real terminal on stdin, stdout and stderr, so the docker CLI puts it in raw
 * mode and sends resizes, exactly as for a user at a terminal.
 */
import { spawn } from 'node:child_process';
import type { Cleanup } from './cleanup.js';

export interface PtySession {
  /** Everything the command wrote to the terminal so far (with the pty's \r\n). */
  readonly output: () => string;
  write(data: string): void;
  /** Resolves with the command's exit code once it has ended. */
  readonly exited: Promise<number | null>;
  /** Resolves once `pattern` has appeared in the output (rejects after `timeoutMs`). */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function runOnPty(
  cleanup: Cleanup,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
  size: { rows: number; columns: number } = { rows: 24, columns: 80 },
): PtySession {
  // stty first so the command starts on a terminal of a known size.
  const command = `stty rows ${size.rows} cols ${size.columns}; exec ${argv.map(shellQuote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { PATH: process.env['PATH'], TERM: 'xterm', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  cleanup.process(child.pid!, `pty: ${argv.join(' ')}`);
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const check of waiters) check();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    output: () => output,
    write: (data) => void child.stdin.write(data),
    exited,
    waitFor(pattern, timeoutMs = 15_000) {
      const matches = () => (typeof pattern === 'string' ? output.includes(pattern) : pattern.test(output));
      return new Promise((resolve, reject) => {
        if (matches()) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${String(pattern)}; output so far:\n${output}`));
        }, timeoutMs);
        const check = () => {
          if (!matches()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        void exited.then(() => {
          if (waiters.has(check)) {
            clearTimeout(timer);
            waiters.delete(check);
            if (matches()) resolve();
            else reject(new Error(`exited before ${String(pattern)}; output:\n${output}`));
          }
        });
      });
    },
  };
}
