/**
 * Polling for a condition that something else brings about (a log line, a new pid). The
 * timeout only turns a hang into a failure that says what was awaited; it is not a measure.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `probe` every 50 ms until it returns something other than `undefined` or `false`, and
 * resolves with that. Throws `timed out waiting for <what>` after `timeoutMs`.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
