/**
 * Content digests. lading only produces and accepts sha256: every registry, docker and
 * containerd speak it, and refusing other algorithms keeps a bad digest from ever naming a
 * path on disk (the hex part becomes a file name under blobs/sha256/).
 */
import { createHash, type Hash } from 'node:crypto';

/** `sha256:` followed by exactly 64 lowercase hex digits. */
export type Digest = `sha256:${string}`;

export const DIGEST_ALGORITHM = 'sha256';
const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** Thrown for anything that is not a well-formed sha256 digest; says what was wrong. */
export class InvalidDigestError extends Error {
  override readonly name = 'InvalidDigestError';
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(
      `invalid digest ${JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input)}: ${reason}`,
    );
  }
}

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST_PATTERN.test(value);
}

/** Validates `value` and returns it typed; the error names the first problem found. */
export function parseDigest(value: string): Digest {
  if (isDigest(value)) return value;
  const colon = value.indexOf(':');
  if (colon < 0) throw new InvalidDigestError(value, 'expected "<algorithm>:<hex>"');
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  if (algorithm !== DIGEST_ALGORITHM) {
    throw new InvalidDigestError(value, `unsupported algorithm ${JSON.stringify(algorithm)} (only sha256)`);
  }
  if (hex.length !== 64) throw new InvalidDigestError(value, `expected 64 hex digits, got ${hex.length}`);
  throw new InvalidDigestError(value, 'hex part must be lowercase 0-9a-f');
}

/** The 64-digit hex part, e.g. for blobs/sha256/<hex>. */
export function digestHex(digest: Digest): string {
  return digest.slice(DIGEST_ALGORITHM.length + 1);
}

export function digestFromHex(hex: string): Digest {
  return parseDigest(`${DIGEST_ALGORITHM}:${hex}`);
}

export function sha256Digest(data: Buffer | Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * Incremental digest of a byte stream that also counts bytes, since a descriptor needs both
 * and content is usually hashed while it is being copied.
 */
export class Digester {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private result: Digest | undefined;

  update(chunk: Buffer | Uint8Array): this {
    if (this.result !== undefined) throw new Error('Digester.update after digest()');
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
    return this;
  }

  get size(): number {
    return this.bytes;
  }

  /** Finishes the hash; later calls return the same value. */
  digest(): Digest {
    this.result ??= `sha256:${this.hash.digest('hex')}`;
    return this.result;
  }
}
