/**
 * API version handling. Clients prefix paths with `/v<version>` (the CLI negotiates it from
 * `Api-Version` on /_ping); unversioned paths mean "the server's default". Versions outside
 * [API_VERSION_MIN, API_VERSION_DEFAULT] are refused with 400 and the messages dockerd uses,
 * because clients and users recognise them.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import { API_VERSION_DEFAULT, API_VERSION_MIN, compareApiVersions } from '../types/index.js';

/** Same shape dockerd accepts: digits and dots only, followed by the rest of the path. */
const VERSION_PREFIX = /^\/v([0-9.]+)(\/.*)$/;

export interface VersionedPath {
  /** The path with any `/v<version>` prefix removed, always starting with `/`. */
  path: string;
  /** The version in the path, or undefined for an unversioned request. */
  requested: string | undefined;
}

/** Splits `/v1.47/containers/json` into `{ path: '/containers/json', requested: '1.47' }`. */
export function stripVersionPrefix(rawPath: string): VersionedPath {
  const match = VERSION_PREFIX.exec(rawPath);
  if (!match) return { path: rawPath, requested: undefined };
  return { path: match[2] as string, requested: match[1] as string };
}

/**
 * The version a handler should behave as: the requested one, or the default when the path
 * had none. Throws InvalidArgumentError (400) when it is out of range.
 */
export function negotiateApiVersion(requested: string | undefined): string {
  if (requested === undefined || requested === '') return API_VERSION_DEFAULT;
  if (!/^\d+(\.\d+)*$/.test(requested)) {
    throw new InvalidArgumentError(`invalid API version: ${requested}`);
  }
  if (compareApiVersions(requested, API_VERSION_DEFAULT) > 0) {
    throw new InvalidArgumentError(
      `client version ${requested} is too new. Maximum supported API version is ${API_VERSION_DEFAULT}`,
    );
  }
  if (compareApiVersions(requested, API_VERSION_MIN) < 0) {
    throw new InvalidArgumentError(
      `client version ${requested} is too old. Minimum supported API version is ${API_VERSION_MIN}, please upgrade your client to a newer version`,
    );
  }
  return requested;
}
