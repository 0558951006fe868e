/** What a benchmark case is and what it reports; every case file exports one BenchCase. */
import type { Summary } from './measure.js';

export interface BenchContext {
  /** A directory on the fresh loop-mounted ext4 that this case may use as it likes. */
  workDir: string;
  withDocker: boolean;
  warmups: number;
  runs: number;
  log(message: string): void;
}

export interface CaseResult {
  /** What one sample measures, e.g. "start to first /_ping" or "100 GET /version". */
  measures: string;
  lading: Summary | null;
  docker: Summary | null;
  /** The physical floor: the same work with the least machinery possible. */
  floor: Summary | null;
  notes: string[];
}

export interface BenchCase {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<CaseResult>;
}
