/**
 * How the image store names images without knowing the reference grammar (the module rules
 * keep image/ free of reference/; the daemon parses and normalises, then hands these in).
 * `repo` is the familiar repository name (`busybox`, `user/app`, `localhost:5000/a`), as
 * repositories.json stores it; a reference carries a tag or a digest, never both.
 */
import type { Digest } from '../oci/index.js';

export type ImageRef =
  { repo: string; tag: string; digest?: undefined } | { repo: string; digest: Digest; tag?: undefined };

/** `busybox:latest` or `busybox@sha256:…`: the familiar string, the key in repositories.json. */
export function imageRefString(ref: ImageRef): string {
  return ref.digest !== undefined ? `${ref.repo}@${ref.digest}` : `${ref.repo}:${ref.tag}`;
}

export function isDigestRef(ref: ImageRef): ref is { repo: string; digest: Digest } {
  return ref.digest !== undefined;
}

/** Splits a repositories.json key under its repository name; undefined if it is not one. */
export function imageRefFromKey(repo: string, key: string): ImageRef | undefined {
  if (!key.startsWith(repo) || key.length <= repo.length + 1) return undefined;
  const rest = key.slice(repo.length + 1);
  const sep = key[repo.length];
  if (sep === ':' && !rest.includes('/') && !rest.includes('@')) return { repo, tag: rest };
  if (sep === '@' && /^sha256:[a-f0-9]{64}$/.test(rest)) return { repo, digest: rest as Digest };
  return undefined;
}

/** Is `a` the same reference as `b`? */
export function sameRef(a: ImageRef, b: ImageRef): boolean {
  return imageRefString(a) === imageRefString(b);
}
