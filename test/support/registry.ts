/**
 * Debian's docker-registry (distribution 2.8) for tests: filesystem storage in a temp dir,
 * delete enabled, listening on a free 127.0.0.1 port. stop() ends exactly the pid we spawned,
 * stops the token server we started, and removes the storage.
 *
 *   const registry = await startRegistry();
 *   after(() => registry.stop());
 *
 * Options:
 * - `auth: { kind: 'htpasswd', users }` — Basic auth from an htpasswd file of bcrypt hashes
 *   (made with Debian's python3 `crypt` module: apache2-utils' `htpasswd` is not installed).
 *   distribution 2.8 does NOT require TLS for htpasswd: registry/auth/htpasswd/access.go only
 *   says so in a comment, and nothing in registry.go or handlers/app.go enforces it. So plain
 *   http + htpasswd works; combine with `tls: true` for the realistic setup.
 * - `auth: { kind: 'token', users, tokenTtlSeconds }` — Bearer tokens from our own token server
 *   (`./registry-auth.ts`), started here and stopped with the registry.
 * - `tls: true` — https with a self-signed certificate for 127.0.0.1 (SAN IP:127.0.0.1), made
 *   with the openssl CLI; clients trust `caCertPath`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { selfSignedCertificate } from './certificates.js';
import { startTokenServer, type TokenServer } from './registry-auth.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';
/** The Basic realm an htpasswd registry announces. */
export const HTPASSWD_REALM = 'lading-test-realm';

export type RegistryAuthOptions =
  | { kind: 'htpasswd'; users: Record<string, string> }
  | { kind: 'token'; users: Record<string, string>; tokenTtlSeconds?: number };

export interface RegistryAuthInfo {
  kind: 'htpasswd' | 'token';
  /** username → password */
  users: Record<string, string>;
  /** htpasswd: the Basic realm; token: the token endpoint (`${tokenServerUrl}/token`). */
  realm: string;
  /** token only: http://127.0.0.1:PORT of the token server. */
  tokenServerUrl?: string;
  /** token only: the `service` the registry announces and the tokens are for. */
  service?: string;
  /** token only: the running token server (request log, setTtlSeconds…). */
  tokenServer?: TokenServer;
  /** How many access tokens the token server issued (always 0 for htpasswd). */
  tokensIssued(): number;
}

export interface TestRegistry {
  /** e.g. http://127.0.0.1:40123 (https://… with `tls`) */
  url: string;
  /** host:port, as image references spell it. */
  host: string;
  pid: number;
  /** The storage root, for tests that inspect or corrupt what the registry stored. */
  rootDirectory: string;
  /** With `tls`: the PEM certificate clients must trust (self-signed, so it is its own CA). */
  caCertPath?: string;
  /** With `auth`: who may log in and how. */
  auth?: RegistryAuthInfo;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** How long to wait for GET /v2/ to answer. */
  startTimeoutMs?: number;
  auth?: RegistryAuthOptions;
  tls?: boolean;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface ConfigParts {
  root: string;
  port: number;
  tls?: { certPath: string; keyPath: string };
  htpasswdPath?: string;
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
}

function configYaml(parts: ConfigParts): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${parts.root}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${parts.port}`,
  ];
  if (parts.tls !== undefined)
    lines.push('  tls:', `    certificate: ${parts.tls.certPath}`, `    key: ${parts.tls.keyPath}`);
  if (parts.htpasswdPath !== undefined)
    lines.push('auth:', '  htpasswd:', `    realm: ${HTPASSWD_REALM}`, `    path: ${parts.htpasswdPath}`);
  if (parts.token !== undefined)
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${JSON.stringify(parts.token.realm)}`,
      `    service: ${JSON.stringify(parts.token.service)}`,
      `    issuer: ${JSON.stringify(parts.token.issuer)}`,
      `    rootcertbundle: ${parts.token.rootCertBundle}`,
    );
  lines.push('');
  return lines.join('\n');
}

/** bcrypt hashes, as distribution's htpasswd reader requires ($2b$ is accepted by Go's bcrypt). */
function htpasswdFile(users: Record<string, string>): string {
  const script = [
    'import crypt, json, sys',
    'users = json.load(sys.stdin)',
    'for name, password in users.items():',
    '    print(name + ":" + crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))',
  ].join('\n');
  return execFileSync('/usr/bin/python3', ['-W', 'ignore', '-c', script], {
    input: JSON.stringify(users),
    encoding: 'utf8',
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Status of GET /v2/, or undefined when nothing answers yet. */
function probe(url: string, ca: Buffer | undefined): Promise<number | undefined> {
  return new Promise((resolve) => {
    const onResponse = (res: { statusCode?: number; resume(): void }): void => {
      res.resume();
      resolve(res.statusCode);
    };
    const req =
      ca !== undefined
        ? httpsGet(`${url}/v2/`, { ca, agent: false }, onResponse)
        : httpGet(`${url}/v2/`, { agent: false }, onResponse);
    req.once('error', () => resolve(undefined));
  });
}

export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'lading-registry-'));
  const rootDirectory = join(dir, 'storage');
  let tokenServer: TokenServer | undefined;
  let child: ChildProcess | undefined;

  const stop = async (): Promise<void> => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const c = child;
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(timer);
    }
    await tokenServer?.stop();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const port = await freePort();
    const parts: ConfigParts = { root: rootDirectory, port };
    let caCertPath: string | undefined;
    if (options.tls === true) {
      parts.tls = selfSignedCertificate(dir, 'registry', { cn: '127.0.0.1', ip: '127.0.0.1' });
      caCertPath = parts.tls.certPath;
    }
    let auth: RegistryAuthInfo | undefined;
    if (options.auth?.kind === 'htpasswd') {
      parts.htpasswdPath = join(dir, 'htpasswd');
      await writeFile(parts.htpasswdPath, htpasswdFile(options.auth.users));
      auth = { kind: 'htpasswd', users: options.auth.users, realm: HTPASSWD_REALM, tokensIssued: () => 0 };
    } else if (options.auth?.kind === 'token') {
      const server = await startTokenServer({
        users: options.auth.users,
        ttlSeconds: options.auth.tokenTtlSeconds,
      });
      tokenServer = server;
      parts.token = {
        realm: server.realm,
        service: server.service,
        issuer: server.issuer,
        rootCertBundle: server.certPath,
      };
      auth = {
        kind: 'token',
        users: options.auth.users,
        realm: server.realm,
        tokenServerUrl: server.url,
        service: server.service,
        tokenServer: server,
        tokensIssued: () => server.issued(),
      };
    }
    const configPath = join(dir, 'config.yml');
    await writeFile(configPath, configYaml(parts));

    const spawned = spawn(REGISTRY_BINARY, ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = spawned;
    let stderr = '';
    spawned.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const spawnError = new Promise<Error>((resolve) => spawned.once('error', resolve));
    const pid = spawned.pid;

    const url = `${options.tls === true ? 'https' : 'http'}://127.0.0.1:${port}`;
    const ca = caCertPath !== undefined ? readFileSync(caCertPath) : undefined;
    // With auth, /v2/ answers 401: that too means it is serving.
    const ready = options.auth !== undefined ? [200, 401] : [200];
    const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
    if (pid === undefined) throw await spawnError;
    while (true) {
      if (spawned.exitCode !== null)
        throw new Error(`docker-registry exited ${spawned.exitCode}: ${stderr.trim()}`);
      const status = await probe(url, ca);
      if (status !== undefined && ready.includes(status)) break;
      if (Date.now() > deadline)
        throw new Error(`docker-registry did not answer on ${url}: ${stderr.trim()}`);
      await sleep(50);
    }
    const registry: TestRegistry = { url, host: `127.0.0.1:${port}`, pid, rootDirectory, stop };
    if (caCertPath !== undefined) registry.caCertPath = caCertPath;
    if (auth !== undefined) registry.auth = auth;
    return registry;
  } catch (err) {
    await stop();
    throw err;
  }
}
