/** The credential store of a CLI invocation, and the X-Registry-Auth value for an image. */

import type { CliContext } from '../context.js';
import type { NamedReference } from '../../reference/index.js';
import { ConfigFileError, configDir } from './config-file.js';
import { CredentialStore } from './credential-store.js';
import { encodeRegistryAuth } from './registry-auth.js';
import { authConfigKey } from './server-address.js';

/** Opens config.json from `--config`, DOCKER_CONFIG or ~/.docker; throws if it does not parse. */
export function credentialStore(ctx: CliContext): Promise<CredentialStore> {
  return CredentialStore.open(configDir(ctx.globals.config, ctx.io.env), {
    env: ctx.io.env,
    stderr: ctx.stderr,
  });
}

/**
 * X-Registry-Auth for pulling or pushing `ref`: the stored credentials of its registry, or
 * anonymous. A config file that does not parse is warned about and treated as empty, as
 * docker's CLI does for commands that only read it.
 */
export async function registryAuthFor(ctx: CliContext, ref: NamedReference): Promise<string> {
  let store: CredentialStore;
  try {
    store = await credentialStore(ctx);
  } catch (err) {
    if (!(err instanceof ConfigFileError)) throw err;
    ctx.stderr.write(`WARNING: Error ${err.message}\n`);
    return encodeRegistryAuth({});
  }
  return encodeRegistryAuth(await store.get(authConfigKey(ref.domain)));
}
