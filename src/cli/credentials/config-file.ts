/**
 * The docker CLI's `config.json`, read and written so that docker and lading can share one:
 *
 * - where it is: `--config DIR`, else `$DOCKER_CONFIG`, else `$HOME/.docker`, file `config.json`;
 * - `auths` entries keep `auth` = base64("user:password"), plus `identitytoken`/`registrytoken`;
 * - every key lading does not know (`psFormat`, `proxies`, `currentContext`, plugin settings…),
 *   and every entry it does not change, is written back as it was read;
 * - the file is replaced atomically with mode 0600 (durable/atomicWriteFile): a crash leaves
 *   the old file or the new one, and a symlinked config.json stays a symlink (the target is
 *   replaced, as docker does);
 * - a file that does not parse is an error, never silently replaced by an empty one.
 */

import { mkdir, readFile, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { atomicWriteFile } from '../../durable/index.js';
import { convertToHostname } from './server-address.js';

export const CONFIG_FILE_NAME = 'config.json';

/** Credentials for one registry, decoded (the file keeps user and password as `auth`). */
export interface AuthConfig {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** The config file could not be read or parsed; its text is docker's. */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
}

/** `--config`, else DOCKER_CONFIG, else ~/.docker (HOME from the given environment first). */
export function configDir(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (flag) return flag;
  const fromEnv = env['DOCKER_CONFIG'];
  if (fromEnv) return fromEnv;
  return join(env['HOME'] || homedir(), '.docker');
}

type RawEntry = Record<string, unknown>;

export class ConfigFile {
  private constructor(
    readonly path: string,
    private readonly raw: Record<string, unknown>,
  ) {}

  /** Reads `<dir>/config.json`; a missing file is an empty configuration. */
  static async load(dir: string): Promise<ConfigFile> {
    const path = join(dir, CONFIG_FILE_NAME);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') return new ConfigFile(path, {});
      throw new ConfigFileError(`loading config file: open ${path}: ${errnoText(e)}`);
    }
    let parsed: unknown;
    try {
      parsed = text.trim() === '' ? {} : JSON.parse(text);
    } catch (err) {
      throw new ConfigFileError(`parsing config file (${path}): ${(err as Error).message}`);
    }
    if (parsed === null) parsed = {}; // `null` decodes to an empty configuration in Go
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigFileError(
        `parsing config file (${path}): json: cannot unmarshal ${jsonKind(parsed)} into Go value of type configfile.ConfigFile`,
      );
    }
    const file = new ConfigFile(path, parsed as Record<string, unknown>);
    // Decode every entry now, as docker does on load: a broken `auth` fails every command
    // that reads credentials, not just the one that happens to need that registry.
    for (const key of Object.keys(file.entries())) file.get(key, true);
    return file;
  }

  /** `credsStore`: the helper for every registry without its own. */
  get credsStore(): string | undefined {
    const v = this.raw['credsStore'];
    return typeof v === 'string' && v !== '' ? v : undefined;
  }

  /** True if the file configures any credentials (a store, helpers, or `auths` entries). */
  containsAuth(): boolean {
    const helpers = this.raw['credHelpers'];
    return (
      this.credsStore !== undefined ||
      (helpers !== null && typeof helpers === 'object' && Object.keys(helpers).length > 0) ||
      Object.keys(this.entries()).length > 0
    );
  }

  /** Sets `credsStore` (written with the next save, as docker writes a detected store). */
  setCredsStore(name: string): void {
    this.raw['credsStore'] = name;
  }

  /** The helper for a key: `credHelpers[key]`, else `credsStore`, else none (this file). */
  helperFor(key: string): string | undefined {
    const helpers = this.raw['credHelpers'];
    if (helpers && typeof helpers === 'object' && key !== '') {
      const h = (helpers as Record<string, unknown>)[key];
      if (typeof h === 'string') return h === '' ? undefined : h;
    }
    return this.credsStore;
  }

  private entries(): Record<string, RawEntry> {
    const auths = this.raw['auths'];
    if (auths && typeof auths === 'object' && !Array.isArray(auths)) return auths as Record<string, RawEntry>;
    const fresh: Record<string, RawEntry> = {};
    this.raw['auths'] = fresh;
    return fresh;
  }

  /** True if `auths` has exactly this key. */
  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.entries(), key);
  }

  /**
   * The entry for `key`, or (as docker's file store) one whose key is a legacy URL of the same
   * host (`https://host:5000/v1/` for `host:5000`). Undefined when there is none.
   */
  get(key: string, exactOnly = false): AuthConfig | undefined {
    const entries = this.entries();
    let found = this.has(key) ? key : undefined;
    if (found === undefined && !exactOnly) {
      found = Object.keys(entries).find((k) => convertToHostname(k) === key);
    }
    if (found === undefined) return undefined;
    const entry = entries[found] ?? {};
    const auth: AuthConfig = { serveraddress: found };
    const encoded = entry['auth'];
    if (typeof encoded === 'string' && encoded !== '') {
      const [username, password] = this.decodeAuth(encoded);
      auth.username = username;
      auth.password = password;
    }
    for (const field of ['identitytoken', 'registrytoken'] as const) {
      const v = entry[field];
      if (typeof v === 'string' && v !== '') auth[field] = v;
    }
    return auth;
  }

  /**
   * Sets `auths[key]`: `auth` from user and password, the tokens as given; keys of the old
   * entry that lading does not manage (e.g. `email`) stay. Returns false if nothing changed.
   */
  set(key: string, auth: AuthConfig): boolean {
    const entries = this.entries();
    const old = entries[key];
    const next: RawEntry = { ...(old ?? {}) };
    for (const field of ['auth', 'username', 'password', 'serveraddress', 'identitytoken', 'registrytoken']) {
      delete next[field];
    }
    const encoded = encodeAuth(auth.username ?? '', auth.password ?? '');
    // docker's field order: auth, then the tokens.
    const ordered: RawEntry = {};
    if (encoded !== '') ordered['auth'] = encoded;
    if (auth.identitytoken) ordered['identitytoken'] = auth.identitytoken;
    if (auth.registrytoken) ordered['registrytoken'] = auth.registrytoken;
    const value = { ...ordered, ...next };
    if (old !== undefined && JSON.stringify(old) === JSON.stringify(value)) return false;
    entries[key] = value;
    return true;
  }

  /** Removes `auths[key]`; false if it was not there. */
  delete(key: string): boolean {
    if (!this.has(key)) return false;
    delete this.entries()[key];
    return true;
  }

  /** Writes the whole file back atomically, mode 0600, through a symlink if it is one. */
  async save(): Promise<void> {
    const dir = this.path.slice(0, this.path.length - CONFIG_FILE_NAME.length - 1);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    let target = this.path;
    try {
      target = await realpath(this.path);
    } catch {
      // Absent (or a dangling link): write the path itself.
    }
    await atomicWriteFile(target, JSON.stringify(this.raw, null, '\t'), { mode: 0o600 });
  }

  private decodeAuth(encoded: string): [string, string] {
    const fail = (detail: string): never => {
      throw new ConfigFileError(`parsing config file (${this.path}): ${detail}`);
    };
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
      const at = encoded.search(/[^A-Za-z0-9+/=]/);
      fail(`illegal base64 data at input byte ${at === -1 ? encoded.length - (encoded.length % 4) : at}`);
    }
    const text = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon <= 0) fail('invalid auth configuration file');
    // Old clients padded the password with NULs.
    return [text.slice(0, colon), text.slice(colon + 1).replace(/^\0+|\0+$/g, '')];
  }
}

/** base64("user:password"), or nothing when both are empty. */
export function encodeAuth(username: string, password: string): string {
  if (username === '' && password === '') return '';
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

function errnoText(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    default:
      return err.message;
  }
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v;
}
