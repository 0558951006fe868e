/**
 * The bridge between the reference grammar and the image store (which may not import
 * reference/): user input → normalised reference → the store's familiar ImageRef, and back
 * to the fully qualified names index.json carries.
 */
import { InvalidArgumentError } from '../errors/index.js';
import type { ImageRef } from '../image/index.js';
import { imageRefString } from '../image/index.js';
import {
  dockerRef,
  familiarName,
  familiarString,
  parseNormalizedNamed,
  referenceString,
  withDefaultTag,
  withTag,
  type NamedReference,
} from '../reference/index.js';

/** A normalised reference with a tag or a digest (dockerRef's output) as the store keys it. */
export function toImageRef(ref: NamedReference): ImageRef {
  const repo = familiarName(ref);
  const stored = dockerRef(ref);
  if (stored.digest !== undefined) return { repo, digest: stored.digest };
  return { repo, tag: stored.tag ?? 'latest' };
}

/** `docker.io/library/busybox:latest` for an ImageRef. */
export function qualifiedName(ref: ImageRef): string {
  return referenceString(parseNormalizedNamed(imageRefString(ref)));
}

/** "No such image: busybox:latest" — the wording the CLI and users expect. */
export function noSuchImageName(input: string): string {
  try {
    return familiarString(dockerRef(parseNormalizedNamed(input)));
  } catch {
    return input;
  }
}

/** A name to tag with (load's RepoTags, import's repo): a tag, `latest` when none, never a digest. */
export function parseTagName(name: string): ImageRef {
  const ref = withDefaultTag(parseNormalizedNamed(name));
  if (ref.tag === undefined) throw new InvalidArgumentError(`invalid tag "${name}": a digest is not a tag`);
  return toImageRef(ref);
}

/** The target of `docker tag SRC repo[:tag]` and `import … repo[:tag]`. */
export function newTagRef(repo: string, tag: string, what: 'tag' | 'import'): ImageRef {
  if (repo === '') throw new InvalidArgumentError('repository name must have at least one component');
  let ref = parseNormalizedNamed(repo);
  if (ref.digest !== undefined) {
    throw new InvalidArgumentError(
      what === 'tag' ? 'refusing to create a tag with a digest reference' : 'cannot import digest reference',
    );
  }
  if (tag !== '') ref = withTag(ref, tag);
  return toImageRef(withDefaultTag(ref));
}
