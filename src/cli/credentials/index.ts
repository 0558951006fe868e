/** Registry credentials as the docker CLI keeps them: config.json, credential helpers, X-Registry-Auth. */
export { authConfigKey, convertToHostname, isHub, HUB_AUTH_KEY } from './server-address.js';
export {
  ConfigFile,
  ConfigFileError,
  configDir,
  encodeAuth,
  CONFIG_FILE_NAME,
  type AuthConfig,
} from './config-file.js';
export { CredentialHelper, CredentialHelperError, type HelperCredentials } from './credential-helper.js';
export { CredentialStore, type CredentialStoreOptions } from './credential-store.js';
export { encodeRegistryAuth } from './registry-auth.js';
export { credentialStore, registryAuthFor } from './for-context.js';
