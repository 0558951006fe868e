/**
 * The `X-Registry-Auth` header: the credentials for one registry as base64url JSON
 * (`{"username","password","serveraddress","identitytoken","registrytoken"}`, empty fields
 * left out), which the daemon uses towards the registry. Anonymous is `{}`, i.e. `e30=`:
 * docker always sends the header.
 */

import type { AuthConfig } from './config-file.js';

export function encodeRegistryAuth(auth: AuthConfig): string {
  const body: Record<string, string> = {};
  // Field order as docker's AuthConfig marshals it.
  for (const field of ['username', 'password', 'serveraddress', 'identitytoken', 'registrytoken'] as const) {
    const v = auth[field];
    if (v) body[field] = v;
  }
  // Go's URLEncoding keeps the `=` padding, which Node's base64url leaves out.
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
