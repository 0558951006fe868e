/**
 * Everything a test creates is registered here right after it is created, and removed by id
 * in reverse order when the test ends — whether it passed or not. Use `useCleanup()` at the
 * top of a describe/test file; it hooks `after()` so a failing assertion cannot skip it.
 */
import { rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { after } from 'node:test';
import { mountsUnder, unmount } from './mounts.js';
import { pidsMentioning, terminate } from './processes.js';

type Step = { what: string; run: () => void | Promise<void> };

export class Cleanup {
  private readonly steps: Step[] = [];

  defer(what: string, run: () => void | Promise<void>): void {
    this.steps.push({ what, run });
  }

  process(pid: number, label = `process ${pid}`): void {
    this.defer(label, () => terminate(pid));
  }

  mount(point: string): void {
    this.defer(`mount ${point}`, () => unmount(point));
  }

  netns(name: string): void {
    this.defer(`netns ${name}`, () => void spawnSync('ip', ['netns', 'delete', name]));
  }

  link(name: string): void {
    this.defer(`link ${name}`, () => void spawnSync('ip', ['link', 'delete', name]));
  }

  /**
   * A test directory: on cleanup, end any process still naming it, detach mounts under it,
   * then remove it. Registered first, so it runs last.
   */
  directory(dir: string): void {
    this.defer(`directory ${dir}`, async () => {
      for (const pid of pidsMentioning(dir)) await terminate(pid, 2000);
      for (const point of mountsUnder(dir)) unmount(point);
      rmSync(dir, { recursive: true, force: true });
    });
  }

  async run(): Promise<void> {
    const failures: string[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (err) {
        failures.push(`${step.what}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (failures.length > 0) throw new Error(`cleanup failed:\n  ${failures.join('\n  ')}`);
  }
}

/** A Cleanup that runs after the enclosing suite (or file) ends. */
export function useCleanup(): Cleanup {
  const cleanup = new Cleanup();
  after(() => cleanup.run());
  return cleanup;
}
