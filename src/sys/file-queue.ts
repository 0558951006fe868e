/**
 * Small-file writes run by native threads (native/file_queue.c): open O_EXCL|O_NOFOLLOW,
 * write, then owner, mode and times, then close — the same steps as a synchronous write,
 * off the main thread and two at a time.
 *
 *   const queue = FileQueue.open();
 *   queue.add(path, bytes, { mode: 0o644, uid: 0, gid: 0, setOwner: false, setMode: false, atime, mtime });
 *   queue.drain();   // before anything that must see the files; throws the first failure
 *   queue.close();
 *
 * Paths must come from a caller that knows them to be safe (see archive/in-root-tree.ts):
 * the threads do no path checks of their own beyond refusing to follow a final symlink.
 */
import { availableParallelism } from 'node:os';
import { call, type NativeFileQueue } from './native.js';

export interface QueuedFileMetadata {
  /** Permission and set-id bits, applied with fchmod when setMode. */
  mode: number;
  uid: number;
  gid: number;
  setOwner: boolean;
  setMode: boolean;
  /** Seconds since the epoch, fractions kept. */
  atime: number;
  mtime: number;
}

export class FileQueue {
  private closed = false;

  private constructor(private readonly handle: NativeFileQueue) {}

  /** Two threads on this kind of machine: more only adds lock contention on one directory. */
  static open(threads = Math.min(2, Math.max(1, availableParallelism()))): FileQueue {
    return new FileQueue(call((sys) => sys.createFileQueue(threads)));
  }

  /**
   * Queues a file. Blocks only past a hard bound (64 MiB or 32768 files); callers keep well
   * below it by waiting on `backlog` asynchronously.
   */
  add(path: Buffer, data: Buffer, meta: QueuedFileMetadata): void {
    call((sys) =>
      sys.queueFile(
        this.handle,
        path,
        data,
        meta.mode,
        meta.uid,
        meta.gid,
        meta.setOwner,
        meta.setMode,
        meta.atime,
        meta.mtime,
      ),
    );
  }

  /** Bytes queued and not yet written. */
  get backlog(): number {
    return this.closed ? 0 : call((sys) => sys.fileQueueBacklog(this.handle));
  }

  /** Waits for every queued file; throws the first failure since the last drain. */
  drain(): void {
    call((sys) => sys.drainFileQueue(this.handle));
  }

  /** Waits for the queue without reporting failures, and stops its threads. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    call((sys) => sys.closeFileQueue(this.handle));
  }
}
