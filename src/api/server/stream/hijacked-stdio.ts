/**
 * A hijacked connection split into the stdio streams an attach or exec session wires to a
 * process. The connection stays the router's: stdout and stderr share it, so ending a writer
 * here, or a pipeline failing on stdin, must never end or destroy it. The router closes the
 * connection once the session is over (the process exited and its output was written).
 */
import { PassThrough, Writable, type Duplex, type Readable } from 'node:stream';

/**
 * A Writable whose chunks go to `dest` as they are (Tty=true: raw pty bytes). Ending it does not
 * end `dest`; backpressure on `dest` holds the writer back until it drains or closes.
 */
export function createRawWriter(dest: Writable): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (dest.destroyed || dest.writableEnded) {
        callback();
        return;
      }
      if (dest.write(chunk)) callback();
      else {
        const done = (): void => {
          dest.off('drain', done);
          dest.off('close', done);
          callback();
        };
        dest.once('drain', done);
        dest.once('close', done);
      }
    },
  });
}

/**
 * The client's bytes as a process's stdin. It ends when the client half-closes (stdin EOF) or
 * the connection goes away. If the session stops reading (a detach, a pipeline error destroys
 * it), whatever the client sends afterwards is read and dropped so its close is still seen.
 */
export function createStdinReader(conn: Duplex): Readable {
  const stdin = new PassThrough();
  conn.pipe(stdin);
  const endStdin = (): void => {
    if (!stdin.writableEnded && !stdin.destroyed) stdin.end();
  };
  conn.once('close', endStdin);
  stdin.once('close', () => {
    conn.off('close', endStdin);
    conn.unpipe(stdin);
    if (!conn.destroyed) conn.resume();
  });
  return stdin;
}

/** Reads and drops what the client sends, so its half-close and close are noticed. */
export function discardInput(conn: Duplex): void {
  conn.resume();
}
