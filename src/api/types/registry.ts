/**
 * Registry credentials and answers of pull, push and login, with Docker's wire names.
 * AuthConfig is what `X-Registry-Auth` carries (base64url JSON) and what `POST /auth`
 * receives as its body.
 */
export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64 of `username:password`, as ~/.docker/config.json stores it. */
  auth?: string;
  /** Deprecated by Docker; accepted and ignored. */
  email?: string;
  serveraddress?: string;
  /** An OAuth2 refresh token from a previous login. */
  identitytoken?: string;
  /** A bearer token to send to the registry as is. */
  registrytoken?: string;
}

/** POST /auth */
export interface AuthResponse {
  Status: string;
  IdentityToken: string;
}

/** The `aux` of a push stream's last message (docker's PushResult). */
export interface PushResult {
  Tag: string;
  Digest: string;
  Size: number;
}
