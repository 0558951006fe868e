/**
 * Parsing image references, with Docker's normalisation: `busybox` is
 * `docker.io/library/busybox`, `user/app` is `docker.io/user/app`, and the first path
 * component is a registry only if it looks like one (has a `.` or `:`, is `localhost`, or has
 * an uppercase letter). The familiar form is what users see and what repositories.json stores.
 */
import { type Digest } from '../oci/index.js';
import { InvalidReferenceError, nameEmpty, nameNotLowercase, nameTooLong } from './errors.js';
import {
  IDENTIFIER_PATTERN,
  NAME_PATTERN,
  NAME_TOTAL_LENGTH_MAX,
  REFERENCE_PATTERN,
  TAG_PATTERN,
} from './grammar.js';

export const DEFAULT_DOMAIN = 'docker.io';
export const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
export const OFFICIAL_REPO_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';

/** A reference as written: the domain is whatever the grammar found, nothing is filled in. */
export interface ParsedReference {
  domain: string | undefined;
  path: string;
  tag: string | undefined;
  digest: Digest | undefined;
}

/** A normalised reference: always has a domain; tag and digest as given. */
export interface NamedReference {
  domain: string;
  path: string;
  tag?: string;
  digest?: Digest;
}

const SUPPORTED_DIGESTS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

function checkDigest(input: string, value: string): Digest {
  const colon = value.indexOf(':');
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  const length = SUPPORTED_DIGESTS[algorithm];
  if (length === undefined) throw new InvalidReferenceError(input, 'unsupported digest algorithm');
  if (hex.length !== length) throw new InvalidReferenceError(input, 'invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(hex)) throw new InvalidReferenceError(input, 'invalid checksum digest format');
  // lading's content store speaks sha256 only (see oci/digest.ts).
  if (algorithm !== 'sha256') throw new InvalidReferenceError(input, 'unsupported digest algorithm');
  return value as Digest;
}

/** The grammar alone: `Foo/bar` has domain `Foo`, `busybox` has none. */
export function parseReference(input: string): ParsedReference {
  const match = REFERENCE_PATTERN.exec(input);
  if (match === null) {
    if (input === '') throw nameEmpty(input);
    if (REFERENCE_PATTERN.test(input.toLowerCase())) throw nameNotLowercase(input);
    throw new InvalidReferenceError(input);
  }
  const name = match[1] as string;
  if (name.length > NAME_TOTAL_LENGTH_MAX) throw nameTooLong(input, NAME_TOTAL_LENGTH_MAX);
  const parts = NAME_PATTERN.exec(name);
  if (parts === null) throw new InvalidReferenceError(input);
  return {
    domain: parts[1],
    path: parts[2] as string,
    tag: match[2],
    digest: match[3] === undefined ? undefined : checkDigest(input, match[3]),
  };
}

/** Docker's split of a name into registry and remainder (before the grammar is applied). */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = name.slice(0, slash);
  if (
    slash < 0 ||
    (!first.includes('.') && !first.includes(':') && first !== 'localhost' && first.toLowerCase() === first)
  ) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(slash + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

/** `busybox` → docker.io/library/busybox; tag and digest kept as given (none is added). */
export function parseNormalizedNamed(input: string): NamedReference {
  if (IDENTIFIER_PATTERN.test(input)) {
    throw new InvalidArgumentReferenceName(input);
  }
  const { domain, remainder } = splitDockerDomain(input);
  const colon = remainder.indexOf(':');
  const remoteName = colon < 0 ? remainder : remainder.slice(0, colon);
  if (remoteName.toLowerCase() !== remoteName) throw nameNotLowercase(input, remoteName);
  const parsed = parseReference(`${domain}/${remainder}`);
  // A name whose "domain" fails the domain grammar may still pass as a path (`a_b.c/d`); Docker
  // then keeps it with an empty domain, and so do we.
  const named: NamedReference = { domain: parsed.domain ?? '', path: parsed.path };
  if (parsed.tag !== undefined) named.tag = parsed.tag;
  if (parsed.digest !== undefined) named.digest = parsed.digest;
  return named;
}

/** Docker refuses a bare 64-hex image id where a repository name is expected. */
export class InvalidArgumentReferenceName extends InvalidReferenceError {
  constructor(input: string) {
    super(input);
    this.message = `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`;
  }
}

/** Adds `:latest` when neither a tag nor a digest is given. */
export function withDefaultTag(ref: NamedReference): NamedReference {
  if (ref.tag !== undefined || ref.digest !== undefined) return ref;
  return { ...ref, tag: DEFAULT_TAG };
}

/** The name alone. */
export function trimNamed(ref: NamedReference): NamedReference {
  return { domain: ref.domain, path: ref.path };
}

export function withTag(ref: NamedReference, tag: string): NamedReference {
  if (!TAG_PATTERN.test(tag)) throw new InvalidReferenceError(tag, 'invalid tag format');
  const { digest: _digest, ...rest } = ref;
  return { ...rest, tag };
}

export function withDigest(ref: NamedReference, digest: Digest): NamedReference {
  return { ...trimNamed(ref), digest };
}

/**
 * What an image is stored under: `name:tag` defaulting to latest, or `name@digest` (a digest
 * wins over a tag given with it, as Docker does until tag+digest pairs are stored).
 */
export function parseDockerRef(input: string): NamedReference {
  return dockerRef(parseNormalizedNamed(input));
}

export function dockerRef(ref: NamedReference): NamedReference {
  if (ref.digest !== undefined) return withDigest(ref, ref.digest);
  return withDefaultTag(ref);
}

export type AnyReference = { kind: 'id'; digest: Digest } | { kind: 'named'; ref: NamedReference };

/** An image id (`sha256:<hex>` or 64 hex digits) or else a name; what `docker rmi x` accepts. */
export function parseAnyReference(input: string): AnyReference {
  if (IDENTIFIER_PATTERN.test(input)) return { kind: 'id', digest: `sha256:${input}` };
  if (/^sha256:[a-f0-9]{64}$/.test(input)) return { kind: 'id', digest: input as Digest };
  return { kind: 'named', ref: parseNormalizedNamed(input) };
}

/** `docker.io/library/busybox` */
export function nameString(ref: NamedReference): string {
  return ref.domain === '' ? ref.path : `${ref.domain}/${ref.path}`;
}

function suffix(ref: NamedReference): string {
  return (ref.tag === undefined ? '' : `:${ref.tag}`) + (ref.digest === undefined ? '' : `@${ref.digest}`);
}

/** `docker.io/library/busybox:latest` */
export function referenceString(ref: NamedReference): string {
  return nameString(ref) + suffix(ref);
}

/** `busybox`, `user/app`, `localhost:5000/a/b`: the name as users write it. */
export function familiarName(ref: NamedReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return nameString(ref);
  if (ref.path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_REPO_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** `busybox:latest`, `user/app@sha256:…`: what `docker images` and rmi print. */
export function familiarString(ref: NamedReference): string {
  return familiarName(ref) + suffix(ref);
}
