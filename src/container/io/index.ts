/** Container stdio: the attach hub, detach keys and their escape matcher. */
export { DEFAULT_DETACH_KEYS, detachKeysToBytes, parseDetachKeys } from './detach-keys.js';
export { EscapeMatcher, type EscapeResult } from './escape-matcher.js';
export {
  StdioHub,
  type AttachClient,
  type AttachClientOptions,
  type AttachEnd,
  type AttachHandle,
  type ProcessStdio,
  type StdioHubOptions,
} from './stdio-hub.js';
export { serveAttach, type ServeAttachOptions } from './serve-attach.js';
