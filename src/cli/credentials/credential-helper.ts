/**
 * The docker-credential-helpers protocol: `docker-credential-<name> get|store|erase`, one
 * request on stdin, the answer on stdout, the helper's stderr passed through.
 *
 *   get    stdin `https://index.docker.io/v1/`   stdout {"ServerURL","Username","Secret"}
 *   store  stdin {"ServerURL","Username","Secret"}
 *   erase  stdin the server URL
 *
 * A helper that has nothing stored answers "credentials not found in native keychain" with a
 * non-zero status; that is "no credentials", not an error. Other failures read as docker's:
 * `error getting credentials - err: exit status 1, out: `…``. The helper is looked up on the
 * PATH of the CLI's environment (so tests, and users, choose it by PATH alone).
 */

import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = 'docker-credential-';
const NOT_FOUND = 'credentials not found in native keychain';
const MISSING_URL = 'no credentials server URL';
const MISSING_USERNAME = 'no credentials username';

export interface HelperCredentials {
  ServerURL: string;
  Username: string;
  Secret: string;
}

type Action = 'get' | 'store' | 'erase';

const VERB: Record<Action, string> = { get: 'getting', store: 'storing', erase: 'erasing' };

/**
 * docker's DetectDefaultStore on Linux: `pass` if the `pass` program is installed, else
 * `secretservice` — and only if its `docker-credential-<name>` is on PATH.
 */
export function detectDefaultStore(pathVar: string): string | undefined {
  const name = lookPath('pass', pathVar) !== undefined ? 'pass' : 'secretservice';
  return lookPath(PREFIX + name, pathVar) !== undefined ? name : undefined;
}

export class CredentialHelperError extends Error {
  override readonly name = 'CredentialHelperError';
}

export class CredentialHelper {
  constructor(
    readonly name: string,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly stderr: { write(text: string): unknown },
  ) {}

  get program(): string {
    return PREFIX + this.name;
  }

  /** The stored credentials, or undefined when the helper has none for this server. */
  async get(serverURL: string): Promise<HelperCredentials | undefined> {
    const r = await this.run('get', serverURL);
    if (r.code !== 0) {
      if (r.out.trim() === NOT_FOUND) return undefined;
      throw this.failure('get', r);
    }
    let parsed: Partial<HelperCredentials>;
    try {
      parsed = JSON.parse(r.out) as Partial<HelperCredentials>;
    } catch (err) {
      throw new CredentialHelperError(`error getting credentials - err: ${(err as Error).message}`);
    }
    return {
      ServerURL: parsed.ServerURL ?? serverURL,
      Username: parsed.Username ?? '',
      Secret: parsed.Secret ?? '',
    };
  }

  async store(creds: HelperCredentials): Promise<void> {
    const r = await this.run('store', `${JSON.stringify(creds)}\n`);
    if (r.code !== 0) throw this.failure('store', r);
  }

  async erase(serverURL: string): Promise<void> {
    const r = await this.run('erase', serverURL);
    if (r.code !== 0) throw this.failure('erase', r);
  }

  private failure(action: Action, r: RunResult): CredentialHelperError {
    const out = r.out.trim();
    let err = r.error ?? `exit status ${r.code}`;
    if (out === MISSING_URL || out === MISSING_USERNAME) err = out;
    return new CredentialHelperError(`error ${VERB[action]} credentials - err: ${err}, out: \`${out}\``);
  }

  private run(action: Action, input: string): Promise<RunResult> {
    const path = lookPath(this.program, this.env['PATH'] ?? '');
    if (path === undefined) {
      return Promise.resolve({
        code: -1,
        out: '',
        error: `exec: "${this.program}": executable file not found in $PATH`,
      });
    }
    return new Promise((resolve) => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.env)) if (v !== undefined) env[k] = v;
      const child = spawn(path, [action], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => this.stderr.write(c.toString('utf8')));
      child.stdin.on('error', () => undefined); // a helper that exits without reading
      child.on('error', (err) => resolve({ code: -1, out: '', error: `fork/exec ${path}: ${err.message}` }));
      child.on('close', (code, signal) => {
        const text = Buffer.concat(out).toString('utf8');
        if (signal) resolve({ code: -1, out: text, error: `signal: ${signalName(signal)}` });
        else resolve({ code: code ?? -1, out: text });
      });
      child.stdin.end(input);
    });
  }
}

interface RunResult {
  code: number;
  out: string;
  error?: string;
}

/** exec.LookPath: the first executable regular file named `name` on PATH. */
export function lookPath(name: string, pathVar: string): string | undefined {
  for (const dir of pathVar.split(':')) {
    const candidate = join(dir === '' ? '.' : dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function signalName(signal: NodeJS.Signals): string {
  return signal === 'SIGKILL' ? 'killed' : signal === 'SIGTERM' ? 'terminated' : signal.toLowerCase();
}
