/**
 * Times the phases of one lifecycle operation and logs them as one debug line ("start:
 * mount=3.1 files=0.4 …"), so a slow start or exit shows where its time went without a profiler.
 */
import type { Logger } from '../../log/index.js';

export class PhaseTimer {
  private last = performance.now();
  private readonly phases: Record<string, string> = {};

  constructor(
    private readonly logger: Logger,
    private readonly operation: string,
    private readonly container: string,
  ) {}

  /** Ends the current phase under `name`. */
  mark(name: string): void {
    const now = performance.now();
    this.phases[name] = (now - this.last).toFixed(1);
    this.last = now;
  }

  done(): void {
    this.logger.debug(`${this.operation} phases (ms)`, {
      container: this.container.slice(0, 12),
      ...this.phases,
    });
  }
}
