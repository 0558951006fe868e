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
 *
 * Live restore: `detach()` closes our ends but leaves the FIFOs in place, and a later ladingd
 * `reopen()`s them. While nobody reads, the shim's own read end keeps each pipe alive, so the
 * output written meanwhile (up to the pipe's 64 KiB) waits there; once it is full the
 * process blocks on its next write, as with dockerd.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { NotFoundError } from '../errors/index.js';
import { S_IFIFO, mknod } from '../sys/index.js';
import type { ProcessStdio } from './containerd-client.js';

// libuv adds O_CLOEXEC to every open, so spawned children never inherit these ends.
const { O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK, O_NOFOLLOW } = constants;

export interface ProcessFifosOptions {
  /** Directory to create the FIFOs in (created; removed again by close()). */
  dir: string;
  stdin: boolean;
  /** stdout (and, without a terminal, stderr) are always created. */
  terminal: boolean;
}

/** Which FIFOs a process has; `reopen` expects exactly these to exist. */
export type ProcessFifosLayout = Omit<ProcessFifosOptions, 'dir'>;

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
    const ends = new OpenedEnds();
    try {
      const fifo = (name: string): string => {
        const path = join(dir, name);
        // A FIFO left by a daemon that crashed (the directory outlived it) is replaced.
        rmSync(path, { force: true });
        mknod(path, S_IFIFO | 0o600);
        return path;
      };
      const placeholders: number[] = [];
      const output = (name: string): { path: string; socket: Socket } => {
        const path = fifo(name);
        const reader = ends.open(path, O_RDONLY);
        placeholders.push(ends.open(path, O_WRONLY));
        return { path, socket: ends.wrap(reader, true) };
      };

      let stdinPath: string | undefined;
      let stdin: Socket | undefined;
      if (options.stdin) {
        stdinPath = fifo('stdin');
        stdin = ends.wrap(ends.open(stdinPath, O_RDWR), false);
      }
      const stdout = output('stdout');
      const stderr = options.terminal ? undefined : output('stderr');
      ends.keep(); // placeholders are owned by the instance from here
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
      ends.closeAll();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Opens our ends of FIFOs that a shim already holds (live restore: a previous ladingd made
   * them). Nothing is created: a missing FIFO is a NotFoundError, and anything but a FIFO is
   * refused. No placeholder writer is kept, because the shim's writer is open as long as the
   * process's output goes on; if the output has already ended, the readers end at once.
   * The opens do not block (O_NONBLOCK), so neither does this call.
   */
  static reopen(dir: string, layout: ProcessFifosLayout): ProcessFifos {
    const ends = new OpenedEnds();
    try {
      const existing = (name: string, flags: number): { path: string; fd: number } => {
        const path = join(dir, name);
        let fd: number;
        try {
          fd = ends.open(path, flags | O_NOFOLLOW);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
            throw new NotFoundError(`the ${name} FIFO ${path} is gone`, { cause: err });
          }
          throw err;
        }
        if (!fstatSync(fd).isFIFO()) throw new Error(`${path} is not a FIFO`);
        return { path, fd };
      };
      const output = (name: string): { path: string; fd: number } => {
        const reader = existing(name, O_RDONLY);
        // A reader opened while no writer exists is never told "hang up" (epoll) until a
        // writer has come and gone, so a shim that already closed its end would leave the
        // output open for ever. Opening and closing a writer of our own settles it: EOF at
        // once if the shim's writer is gone, nothing if it is still there.
        closeSync(openSync(reader.path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW));
        return reader;
      };
      const stdin = layout.stdin ? existing('stdin', O_RDWR) : undefined;
      const stdout = output('stdout');
      const stderr = layout.terminal ? undefined : output('stderr');
      const stdinSocket = stdin ? ends.wrap(stdin.fd, false) : undefined;
      const stdoutSocket = ends.wrap(stdout.fd, true);
      const stderrSocket = stderr ? ends.wrap(stderr.fd, true) : undefined;
      ends.keep();
      return new ProcessFifos(
        dir,
        {
          ...(stdin ? { stdin: stdin.path } : {}),
          stdout: stdout.path,
          ...(stderr ? { stderr: stderr.path } : {}),
          terminal: layout.terminal,
        },
        stdinSocket,
        stdoutSocket,
        stderrSocket,
        [],
      );
    } catch (err) {
      ends.closeAll();
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
    this.closeEnds();
    await rm(this.dir, { recursive: true, force: true });
  }

  /**
   * Live restore: closes every end of ours but leaves the FIFOs (and the shim's ends) in
   * place for the next ladingd to reopen. A later close() does nothing. Output not yet read
   * stays in the pipes; closing stdin this way does not end the process's input, because
   * the shim keeps a writer of its own until CloseIO.
   */
  detach(): void {
    if (!this.closed) this.closeEnds();
  }

  private closeEnds(): void {
    this.closed = true;
    this.shimOpened();
    this.stdin?.destroy();
    this.stdout.destroy();
    this.stderr?.destroy();
  }
}

/**
 * The descriptors opened so far while setting up the FIFOs, so that a failure part way
 * closes exactly those. Opens are synchronous on purpose: with O_NONBLOCK a FIFO open
 * returns at once, and a busy thread pool (layer extraction, fsyncs) cannot delay a
 * container's start.
 */
class OpenedEnds {
  private fds: number[] = [];
  private sockets: Socket[] = [];

  open(path: string, flags: number): number {
    const fd = openSync(path, flags | O_NONBLOCK);
    this.fds.push(fd);
    return fd;
  }

  /** A libuv pipe over the descriptor (epoll, no thread pool); the socket owns it from now. */
  wrap(fd: number, readable: boolean): Socket {
    const socket = new Socket({ fd, readable, writable: !readable });
    // A FIFO end does not fail in practice (no EPIPE: see above); should one ever report
    // an error, it must not crash the daemon for want of a listener. Owners add their own.
    socket.on('error', () => undefined);
    this.fds.splice(this.fds.indexOf(fd), 1);
    this.sockets.push(socket);
    return socket;
  }

  /** Success: the caller owns what was opened. */
  keep(): void {
    this.fds = [];
    this.sockets = [];
  }

  closeAll(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
    for (const socket of this.sockets.splice(0)) socket.destroy();
  }
}
