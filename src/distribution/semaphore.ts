/**
 * A counting semaphore for max-concurrent-downloads and -uploads. The limit can change while
 * transfers run (SIGHUP): a higher one lets waiters in at once, a lower one takes effect as
 * running transfers finish.
 */
export class Semaphore {
  private running = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private max: number) {}

  get limit(): number {
    return this.max;
  }

  set limit(value: number) {
    this.max = Math.max(1, value);
    this.wake();
  }

  /** Takes a slot if one is free now. */
  tryAcquire(): boolean {
    if (this.running >= this.max) return false;
    this.running++;
    return true;
  }

  /** Waits for a slot; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason as Error);
      };
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(): void {
    this.running--;
    this.wake();
  }

  private wake(): void {
    while (this.running < this.max && this.waiters.length > 0) {
      this.running++;
      this.waiters.shift()!();
    }
  }
}
