/**
 * Where each layer's compressed blob is known to live: diffID → the blobs (digest, size,
 * media type) seen for it and the repositories that hold them. Pull records what it fetched,
 * push what it uploaded or found; push then HEADs a known digest instead of compressing the
 * layer again ("Layer already exists"), or mounts it from another repository of the same
 * registry ("Mounted from …"). dockerd keeps the same facts as `v2metadata-by-diffid`.
 *
 * One JSON file, rewritten atomically (temp → fsync → rename) after each change; writes are
 * serialised. A lost or damaged file only costs uploads, so it is reset rather than fatal.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { atomicWriteFile } from '../durable/index.js';
import type { DiffId } from '../layer/index.js';
import type { Logger } from '../log/index.js';
import type { Digest } from './types.js';

export interface BlobSource {
  digest: Digest;
  size: number;
  mediaType: string;
  /** `127.0.0.1:5000`, `docker.io` */
  registry: string;
  /** `library/busybox` */
  repository: string;
}

/** Sources kept per diffID; the newest win (a layer pushed to many repositories). */
const MAX_SOURCES_PER_LAYER = 32;

export class BlobSources {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private readonly entries: Map<DiffId, BlobSource[]>,
  ) {}

  static async open(path: string, logger: Logger): Promise<BlobSources> {
    const entries = new Map<DiffId, BlobSource[]>();
    try {
      const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, BlobSource[]>;
      for (const [diffId, sources] of Object.entries(doc)) {
        if (Array.isArray(sources)) entries.set(diffId as DiffId, sources);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        logger.warn('blob source records unreadable; starting afresh', { path, error: String(err) });
      }
    }
    return new BlobSources(path, entries);
  }

  /** Sources of a layer, newest first. */
  get(diffId: DiffId): readonly BlobSource[] {
    return this.entries.get(diffId) ?? [];
  }

  /** Records that `source` holds the layer `diffId`, and saves. */
  add(diffId: DiffId, source: BlobSource): Promise<void> {
    return this.addAll([[diffId, source]]);
  }

  addAll(records: readonly (readonly [DiffId, BlobSource])[]): Promise<void> {
    for (const [diffId, source] of records) {
      const same = (s: BlobSource): boolean =>
        s.digest === source.digest && s.registry === source.registry && s.repository === source.repository;
      const rest = (this.entries.get(diffId) ?? []).filter((s) => !same(s));
      this.entries.set(diffId, [source, ...rest].slice(0, MAX_SOURCES_PER_LAYER));
    }
    const run = this.queue.then(() => this.save());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async save(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await atomicWriteFile(this.path, JSON.stringify(Object.fromEntries(this.entries)), { mode: 0o600 });
  }
}
