/**
 * Credentials as clients send them: `X-Registry-Auth` (base64url of an AuthConfig JSON, `e30=`
 * for none) on pull and push, the plain JSON as the body of `POST /auth`.
 *
 * moby ignores an X-Registry-Auth it cannot decode and goes on anonymously ("to increase
 * compatibility with the existing API"), so do we; a body that is not an AuthConfig is a 400
 * `invalid X-Registry-Auth header: …`, moby's words (it decodes both the same way).
 */
import { InvalidArgumentError, messageOf } from '../../../errors/index.js';
import type { AuthConfig } from '../../types/index.js';

export const REGISTRY_AUTH_HEADER = 'x-registry-auth';

const STRING_FIELDS = [
  'username',
  'password',
  'auth',
  'email',
  'serveraddress',
  'identitytoken',
  'registrytoken',
] as const;

/** Parses AuthConfig JSON; keys are matched case-insensitively, as Go's decoder does. */
export function parseAuthConfig(text: string): AuthConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`invalid X-Registry-Auth header: ${messageOf(err)}`, { cause: err });
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidArgumentError('invalid X-Registry-Auth header: not a JSON object');
  }
  const config: AuthConfig = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const field = STRING_FIELDS.find((f) => f === key.toLowerCase());
    if (field === undefined || value === null || value === undefined) continue;
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(`invalid X-Registry-Auth header: "${key}" must be a string`);
    }
    config[field] = value;
  }
  return config;
}

/**
 * The header decoded, leniently: URL-safe or standard base64, with or without padding.
 * Undefined when absent, empty or undecodable (then the request goes on anonymously).
 */
export function decodeRegistryAuthHeader(value: string | string[] | undefined): AuthConfig | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  try {
    return parseAuthConfig(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}
