/** The distribution (registry) client: pull through mirrors with auth and verification, push to the upstream. */
export {
  createRegistryClient,
  DEFAULT_MAX_RESUMES,
  DEFAULT_MAX_RESTARTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './create-registry-client.js';
export type * from './registry-client.js';
export { BlobVerificationError } from './blob-download.js';
export { ManifestVerificationError, MANIFEST_ACCEPT } from './manifest-fetch.js';
export { DEFAULT_MIRROR_BACKOFF_MS } from './mirror-selection.js';
export { DEFAULT_UPLOAD_CHUNK_BYTES } from './blob-upload.js';
export {
  DOCKER_HUB_UPSTREAM,
  isInsecureRegistry,
  readEndpoints,
  canonicalRegistry,
  type Endpoint,
} from './endpoints.js';
export { parseWwwAuthenticate, type AuthChallenge } from './auth-challenge.js';
export { httpStatusOf, registryCodesOf } from './registry-errors.js';
