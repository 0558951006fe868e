/**
 * Which key of config.json's `auths` (and which credential helper) a registry's credentials
 * live under, as the docker CLI decides it:
 *
 * - Docker Hub is stored under its historical index address `https://index.docker.io/v1/`,
 *   whichever of its names is given (`docker.io`, `index.docker.io`, `registry-1.docker.io`,
 *   with or without a scheme);
 * - every other registry is stored under its bare `host[:port]`: a scheme and a path, as in
 *   `https://host:5000/v2/`, are dropped (older files used such URLs as keys, so lookups still
 *   match them).
 */

/** The `auths` key of Docker Hub. */
export const HUB_AUTH_KEY = 'https://index.docker.io/v1/';
/** What `login docker.io` means: Docker Hub, as docker's DefaultNamespace. */
const HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * `https://host:5000/v2/` → `host:5000`, `host/path` → `host`; letters keep their case, as
 * docker keeps them. A URL Node cannot parse (an unbracketed IPv6 literal) is cut by hand.
 */
export function convertToHostname(address: string): string {
  let rest = address;
  const scheme = rest.indexOf('://');
  if (scheme !== -1) {
    rest = rest.slice(scheme + 3);
  }
  const slash = rest.indexOf('/');
  return slash === -1 ? rest : rest.slice(0, slash);
}

/** True for any of Docker Hub's names (or its index address). */
export function isHub(address: string): boolean {
  if (address === HUB_AUTH_KEY) return true;
  return HUB_NAMES.has(convertToHostname(address).toLowerCase());
}

/**
 * The key a registry's credentials are stored under: Hub's index address for Docker Hub,
 * else the bare host[:port]. Used for an image's registry (`docker.io`, `localhost:5000`) and
 * for what a user typed after `login`/`logout`.
 */
export function authConfigKey(address: string): string {
  if (address === '' || isHub(address)) return HUB_AUTH_KEY;
  return convertToHostname(address);
}
