/**
 * Resource limits for one layer extraction. A layer is untrusted input; each limit bounds a
 * different way to make extraction cost more than the archive is worth. Defaults are generous
 * for real images (the largest seen have a few hundred thousand files, depth < 100) and every
 * one can be set per call (tests set them low).
 */
import { InvalidArgumentError } from '../errors/index.js';

export interface ExtractLimits {
  /**
   * Uncompressed bytes per compressed byte read so far, checked only for compressed input
   * once `ratioGraceBytes` have been produced (a legitimately sparse start can briefly exceed
   * it). gzip tops out near 1030:1 on zeros, so 1000:1 still stops gzip bombs early.
   */
  maxExpansionRatio: number;
  ratioGraceBytes: number;
  /** Tar entries (headers of real entries, not PAX/long-name records). */
  maxEntries: number;
  /** Components in an entry's path, and directories deep on disk. */
  maxDepth: number;
  /** Bytes of one PAX or GNU long-name/long-link record (and so of any name or xattr). */
  maxHeaderBytes: number;
  /** Bytes of an entry's name or link target. */
  maxNameBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ExtractLimits> = Object.freeze({
  maxExpansionRatio: 1000,
  ratioGraceBytes: 64 * 1024 * 1024,
  maxEntries: 2_000_000,
  maxDepth: 512,
  maxHeaderBytes: 1024 * 1024,
  maxNameBytes: 4095,
});

export function resolveLimits(partial: Partial<ExtractLimits> | undefined): ExtractLimits {
  return { ...DEFAULT_LIMITS, ...partial };
}

/** Extraction stopped at a limit; `limit` names which one. */
export class ArchiveLimitError extends InvalidArgumentError {
  constructor(
    readonly limit: keyof ExtractLimits | 'pathBytes',
    message: string,
  ) {
    super(`layer rejected: ${message}`);
  }
}
