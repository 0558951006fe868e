/**
 * Tags and digests → image ids, persisted as Docker's repositories.json:
 *   {"Repositories":{"busybox":{"busybox:latest":"sha256:…","busybox@sha256:…":"sha256:…"}}}
 * Every change rewrites the file atomically; the in-memory maps change only after the write
 * succeeded, so memory never claims what the disk does not hold.
 */
import { readFile } from 'node:fs/promises';
import { ConflictError, InvalidArgumentError, SystemError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { isDigest, type Digest } from '../oci/index.js';
import { atomicWriteFile } from '../durable/index.js';
import { imageRefFromKey, imageRefString, type ImageRef } from './image-ref.js';

interface RepositoriesFile {
  Repositories: Record<string, Record<string, string>>;
}

export class ReferenceStore {
  /** familiar ref string → { ref, id } */
  private readonly byKey = new Map<string, { ref: ImageRef; id: Digest }>();

  private constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {}

  static async open(file: string, logger: Logger): Promise<ReferenceStore> {
    const store = new ReferenceStore(file, logger);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined && text.trim() !== '') {
      let parsed: RepositoriesFile;
      try {
        parsed = JSON.parse(text) as RepositoriesFile;
      } catch (err) {
        throw new SystemError(`${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
      }
      for (const [repo, refs] of Object.entries(parsed.Repositories ?? {})) {
        for (const [key, id] of Object.entries(refs ?? {})) {
          const ref = imageRefFromKey(repo, key);
          if (ref === undefined || !isDigest(id)) {
            logger.warn('ignoring a malformed entry in repositories.json', { repo, key });
            continue;
          }
          store.byKey.set(key, { ref, id });
        }
      }
    }
    return store;
  }

  get(ref: ImageRef): Digest | undefined {
    return this.byKey.get(imageRefString(ref))?.id;
  }

  /** Every reference to `id`, tags then digests, each sorted. */
  referencesTo(id: Digest): ImageRef[] {
    const refs = [...this.byKey.values()].filter((e) => e.id === id).map((e) => e.ref);
    return refs.sort((a, b) => {
      const ad = a.digest !== undefined ? 1 : 0;
      const bd = b.digest !== undefined ? 1 : 0;
      return ad - bd || imageRefString(a).localeCompare(imageRefString(b));
    });
  }

  /** Every (reference, id) pair. */
  entries(): { ref: ImageRef; id: Digest }[] {
    return [...this.byKey.values()];
  }

  /**
   * Points `ref` at `id`. Returns the id it pointed at before (if different). Without
   * `force`, moving an existing reference is a conflict, as in Docker.
   */
  async add(ref: ImageRef, id: Digest, force: boolean): Promise<Digest | undefined> {
    if (ref.tag === '') throw new InvalidArgumentError('invalid tag format');
    const key = imageRefString(ref);
    const old = this.byKey.get(key)?.id;
    if (old === id) return undefined;
    if (old !== undefined && !force) {
      const what = ref.digest !== undefined ? 'Digest' : 'Tag';
      throw new ConflictError(
        `Conflict: ${what} ${key} is already set to image ${old}, if you want to replace it, please use the force option`,
      );
    }
    await this.persist(new Map(this.byKey).set(key, { ref, id }));
    return old;
  }

  /** Removes `ref`; returns the id it pointed at, or undefined if it did not exist. */
  async delete(ref: ImageRef): Promise<Digest | undefined> {
    const key = imageRefString(ref);
    const old = this.byKey.get(key)?.id;
    if (old === undefined) return undefined;
    const next = new Map(this.byKey);
    next.delete(key);
    await this.persist(next);
    return old;
  }

  private async persist(next: Map<string, { ref: ImageRef; id: Digest }>): Promise<void> {
    const file: RepositoriesFile = { Repositories: {} };
    for (const [key, { ref, id }] of [...next.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      (file.Repositories[ref.repo] ??= {})[key] = id;
    }
    await atomicWriteFile(this.file, JSON.stringify(file), { mode: 0o600 });
    this.byKey.clear();
    for (const [key, value] of next) this.byKey.set(key, value);
    this.logger.debug('repositories.json written', { references: next.size });
  }
}
