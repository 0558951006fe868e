/**
 * Credentials per registry, where docker keeps them: in config.json's `auths`, or — when
 * `credHelpers[key]` or `credsStore` names a helper — in `docker-credential-<name>`, with an
 * empty `auths[key]` entry left in the file as docker leaves it. Keys come from
 * `authConfigKey()` (Hub's index address, else host[:port]).
 */

import { type AuthConfig, ConfigFile } from './config-file.js';
import { CredentialHelper, detectDefaultStore } from './credential-helper.js';

/** What a helper stores as the user name when the secret is an identity token. */
const TOKEN_USERNAME = '<token>';

interface Output {
  write(text: string): unknown;
}

export interface CredentialStoreOptions {
  /** The environment helpers run with (PATH finds them). */
  env: Readonly<Record<string, string | undefined>>;
  /** Where helpers' stderr and the plain-text warning go. */
  stderr: Output;
}

export class CredentialStore {
  private warned = false;

  constructor(
    readonly file: ConfigFile,
    private readonly options: CredentialStoreOptions,
  ) {}

  /**
   * Loads `<dir>/config.json`. A file that configures no credentials at all gets the
   * platform's default helper when it is installed, as docker's CLI does (so both keep
   * credentials in the same place).
   */
  static async open(dir: string, options: CredentialStoreOptions): Promise<CredentialStore> {
    const file = await ConfigFile.load(dir);
    if (!file.containsAuth()) {
      const detected = detectDefaultStore(options.env['PATH'] ?? '');
      if (detected !== undefined) file.setCredsStore(detected);
    }
    return new CredentialStore(file, options);
  }

  /** The helper in charge of `key`, if any. */
  helper(key: string): CredentialHelper | undefined {
    const name = this.file.helperFor(key);
    return name === undefined ? undefined : new CredentialHelper(name, this.options.env, this.options.stderr);
  }

  /**
   * The credentials for `key`; `{}` when none are stored (so that an anonymous request sends
   * `{}`, as docker's does).
   */
  async get(key: string): Promise<AuthConfig> {
    const fromFile = this.file.get(key) ?? {};
    const helper = this.helper(key);
    if (!helper) return fromFile;
    const creds = await helper.get(key);
    const auth: AuthConfig = {};
    if (fromFile.registrytoken) auth.registrytoken = fromFile.registrytoken;
    if (!creds) return auth;
    auth.serveraddress = key;
    if (creds.Username === TOKEN_USERNAME) auth.identitytoken = creds.Secret;
    else {
      auth.username = creds.Username;
      auth.password = creds.Secret;
    }
    return auth;
  }

  /** Stores credentials under `auth.serveraddress`. */
  async store(auth: AuthConfig & { serveraddress: string }): Promise<void> {
    const key = auth.serveraddress;
    const helper = this.helper(key);
    if (helper) {
      const token = auth.identitytoken;
      await helper.store({
        ServerURL: key,
        Username: token ? TOKEN_USERNAME : (auth.username ?? ''),
        Secret: token ?? auth.password ?? '',
      });
      // The file keeps an empty entry (and a registry token, which helpers cannot hold).
      const rest: AuthConfig = auth.registrytoken ? { registrytoken: auth.registrytoken } : {};
      if (this.file.set(key, rest)) await this.file.save();
      return;
    }
    if (!this.file.set(key, auth)) return;
    await this.file.save();
    if (auth.password && !this.warned) {
      this.warned = true;
      this.options.stderr.write(
        `\nWARNING! Your credentials are stored unencrypted in '${this.file.path}'.\n` +
          'Configure a credential helper to remove this warning. See\n' +
          'https://docs.docker.com/go/credential-store/\n\n',
      );
    }
  }

  /** Removes the credentials under `key`, from its helper and from the file. */
  async erase(key: string): Promise<void> {
    await this.helper(key)?.erase(key);
    if (this.file.delete(key)) await this.file.save();
  }
}
