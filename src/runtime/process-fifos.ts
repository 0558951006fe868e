/**
 * The FIFOs through which one container process's stdio passes between ladingd and the
 * containerd shim, and ladingd's ends of them as Node streams.
 *
 * What the shim does (containerd 1.6 pkg/process/io.go, runc/platform.go):
 * - stdout/stderr: opens each FIFO O_WRONLY (blocking until a reader exists) and then also
 *   O_RDONLY itself, so its writes never fail with EPIPE. It closes both when the process's
 *   output ends. For the init process this happens inside Tasks.Create; for an exec'd
 *   process inside Tasks.Start.
 * - stdin: opens a reader, and also a writer of its own that only CloseIO closes. So the
 *   process sees EOF once ladingd has closed its end AND called closeStdin().
 *
 * How ladingd opens its ends so that no open blocks (Node's thread pool is never held):
 * - stdout/stderr: O_RDONLY|O_NONBLOCK (succeeds without a writer) wrapped as a net.Socket
 *   (a libuv pipe: epoll, no thread pool), plus a placeholder writer O_WRONLY|O_NONBLOCK
 *   (succeeds because our reader exists). The placeholder keeps the reader from seeing EOF
 *   before the shim has opened its writer. Call `shimOpened()` once the call that makes the
 *   shim open the FIFOs has returned (createTask for the init process, startProcess for an
 *   exec); it drops the placeholders, and from then on the readers end exactly when the
 *   shim closes its writers, i.e. after the process's output is done.
 * - stdin: one O_RDWR|O_NONBLOCK descriptor (opening read-write never blocks, whether or not
 *   the shim's reader exists yet), wrapped as a write-only net.Socket. `stdin.end()` closes
 *   it; then call the client's closeStdin() and the process reads EOF. Because we hold a
 *   read side too, a write never fails with EPIPE; if nobody reads, writes wait.
 *
 * The readers must be drained: the shim writes into a 64 KiB pipe, so a reader nobody reads
 * stops the container's process once the pipe is full (as with dockerd).
 *
 * With a terminal there is no stderr FIFO: the pty merges the streams into stdout.
 */
import { closeSync, constants, mkdirSync, openSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { S_IFIFO, mknod } from '../sys/index.js';
import type { ProcessStdio } from './containerd-client.js';

// libuv adds O_CLOEXEC to every open, so spawned children never inherit these ends.
const { O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK } = constants;

export interface ProcessFifosOptions {
  /** Directory to create the FIFOs in (created; removed again by close()). */
  dir: string;
  stdin: boolean;
  /** stdout (and, without a terminal, stderr) are always created. */
  terminal: boolean;
}

export class ProcessFifos {
  private placeholders: number[] = [];
  private closed = false;

  private constructor(
    readonly dir: string,
    /** The paths to give createTask/exec. */
    readonly stdio: ProcessStdio,
    /** Write the process's input here; end() it, then call closeStdin(). */
    readonly stdin: Socket | undefined,
    /** The process's output (the pty's, with a terminal). Ends after the process's output ends. */
    readonly stdout: Socket,
    /** The process's error output; absent with a terminal. */
    readonly stderr: Socket | undefined,
    placeholders: number[],
  ) {
    this.placeholders = placeholders;
  }

  static async create(options: ProcessFifosOptions): Promise<ProcessFifos> {
    const { dir } = options;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const opened: number[] = [];
    const sockets: Socket[] = [];
    try {
      const fifo = (name: string): string => {
        const path = join(dir, name);
        // A FIFO left by a daemon that crashed (the directory outlived it) is replaced.
        rmSync(path, { force: true });
        mknod(path, S_IFIFO | 0o600);
        return path;
      };
      // Synchronous on purpose: with O_NONBLOCK a FIFO open returns at once, and a busy
      // thread pool (layer extraction, fsyncs) cannot delay a container's start.
      const openTracked = (path: string, flags: number): number => {
        const fd = openSync(path, flags | O_NONBLOCK);
        opened.push(fd);
        return fd;
      };
      const wrap = (fd: number, readable: boolean): Socket => {
        const socket = new Socket({ fd, readable, writable: !readable });
        // A FIFO end does not fail in practice (no EPIPE: see above); should one ever report
        // an error, it must not crash the daemon for want of a listener. Owners add their own.
        socket.on('error', () => undefined);
        opened.splice(opened.indexOf(fd), 1); // the socket owns it now
        sockets.push(socket);
        return socket;
      };
      const placeholders: number[] = [];
      const output = (name: string): { path: string; socket: Socket } => {
        const path = fifo(name);
        const reader = openTracked(path, O_RDONLY);
        const placeholder = openTracked(path, O_WRONLY);
        placeholders.push(placeholder);
        return { path, socket: wrap(reader, true) };
      };

      let stdinPath: string | undefined;
      let stdin: Socket | undefined;
      if (options.stdin) {
        stdinPath = fifo('stdin');
        stdin = wrap(openTracked(stdinPath, O_RDWR), false);
      }
      const stdout = output('stdout');
      const stderr = options.terminal ? undefined : output('stderr');
      opened.length = 0; // placeholders are owned by the instance from here
      return new ProcessFifos(
        dir,
        {
          ...(stdinPath !== undefined ? { stdin: stdinPath } : {}),
          stdout: stdout.path,
          ...(stderr ? { stderr: stderr.path } : {}),
          terminal: options.terminal,
        },
        stdin,
        stdout.socket,
        stderr?.socket,
        placeholders,
      );
    } catch (err) {
      for (const fd of opened) closeSync(fd);
      for (const socket of sockets) socket.destroy();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * The shim has opened its ends (createTask or, for an exec, startProcess returned): drop
   * the placeholder writers so the readers see EOF when the shim closes its own.
   */
  shimOpened(): void {
    for (const fd of this.placeholders.splice(0)) closeSync(fd);
  }

  /** Closes every end of ours and removes the FIFO directory. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.shimOpened();
    this.stdin?.destroy();
    this.stdout.destroy();
    this.stderr?.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }
}
