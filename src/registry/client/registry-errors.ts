/**
 * Registry answers turned into lading's error kinds, with the wording Docker prints. A
 * registry explains failures in an errcode body ({"errors":[{"code","message"}]}); Docker
 * shows each as "<code in lower case words>: <message>", e.g. "manifest unknown: manifest
 * unknown", and the daemon prefixes pull failures with the image name.
 */
import {
  ForbiddenError,
  type LadingError,
  NotFoundError,
  SystemError,
  UnauthorizedError,
  UnavailableError,
  InvalidArgumentError,
} from '../../errors/index.js';

const STATUS = Symbol('registryHttpStatus');
const CODES = Symbol('registryErrorCodes');

interface RegistryErrorEntry {
  code: string;
  message: string;
}

/** The HTTP status a registry error came from, if it came from one. */
export function httpStatusOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null ? (err as { [STATUS]?: number })[STATUS] : undefined;
}

/** The errcode codes ('MANIFEST_UNKNOWN', 'DENIED', …) the registry sent. */
export function registryCodesOf(err: unknown): string[] {
  return typeof err === 'object' && err !== null ? ((err as { [CODES]?: string[] })[CODES] ?? []) : [];
}

export function parseErrcodeBody(body: Buffer): RegistryErrorEntry[] {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: unknown };
    if (!Array.isArray(doc.errors)) return [];
    return doc.errors.flatMap((e: unknown) => {
      if (typeof e !== 'object' || e === null) return [];
      const { code, message } = e as { code?: unknown; message?: unknown };
      if (typeof code !== 'string') return [];
      return [{ code, message: typeof message === 'string' ? message : '' }];
    });
  } catch {
    return [];
  }
}

function codeWords(code: string): string {
  return code.toLowerCase().replaceAll('_', ' ');
}

/** Docker's text for an errcode list, or a status line when the body had none. */
export function describeRegistryErrors(status: number, entries: RegistryErrorEntry[]): string {
  if (entries.length === 0) {
    if (status === 401) return 'unauthorized: authentication required';
    if (status === 403) return 'denied: requested access to the resource is denied';
    return `unexpected status from registry: ${status}`;
  }
  const texts = entries.map((e) =>
    e.message === '' ? codeWords(e.code) : `${codeWords(e.code)}: ${e.message}`,
  );
  return texts.length === 1 ? (texts[0] ?? '') : `errors:\n${texts.join('\n')}\n`;
}

function tag<E extends LadingError>(err: E, status: number, codes: string[]): E {
  Object.defineProperty(err, STATUS, { value: status, enumerable: false });
  Object.defineProperty(err, CODES, { value: codes, enumerable: false });
  return err;
}

/** A LadingError whose kind follows the status: 401, 403, 404, 5xx, 400. */
export function registryError(status: number, entries: RegistryErrorEntry[], prefix?: string): LadingError {
  const text = describeRegistryErrors(status, entries);
  const message = prefix === undefined ? text : `${prefix}: ${text}`;
  const codes = entries.map((e) => e.code);
  if (status === 401) return tag(new UnauthorizedError(message), status, codes);
  if (status === 403) return tag(new ForbiddenError(message), status, codes);
  if (status === 404) return tag(new NotFoundError(message), status, codes);
  if (status === 400 || status === 416) return tag(new InvalidArgumentError(message), status, codes);
  if (status >= 500 || status === 429) return tag(new UnavailableError(message), status, codes);
  return tag(new SystemError(message), status, codes);
}

/**
 * Docker's daemon words for a failed pull of a manifest: a missing manifest names the
 * image, a denied or unauthenticated one says the repository may not exist or needs
 * `docker login` (Docker Hub answers 401 for repositories that do not exist).
 */
export function pullManifestError(
  status: number,
  entries: RegistryErrorEntry[],
  familiar: string,
  reference: string,
): LadingError {
  const codes = entries.map((e) => e.code);
  const cause = describeRegistryErrors(status, entries);
  if (status === 401 || status === 403 || codes.includes('DENIED') || codes.includes('UNAUTHORIZED')) {
    const message = `pull access denied for ${familiar}, repository does not exist or may require 'docker login': ${cause}`;
    return tag(status === 403 ? new ForbiddenError(message) : new UnauthorizedError(message), status, codes);
  }
  if (status === 404) {
    const shown = reference.startsWith('sha256:') ? `${familiar}@${reference}` : `${familiar}:${reference}`;
    if (codes.includes('NAME_UNKNOWN')) {
      return tag(new NotFoundError(`repository ${familiar} not found: ${cause}`), status, codes);
    }
    return tag(new NotFoundError(`manifest for ${shown} not found: ${cause}`), status, codes);
  }
  return registryError(status, entries);
}
