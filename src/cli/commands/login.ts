/**
 * `lading login [-u USER] [-p PASSWORD | --password-stdin] [SERVER]`, as docker's (28.x):
 *
 * - no SERVER (or `docker.io`, `index.docker.io`, `registry-1.docker.io`) means Docker Hub,
 *   stored under `https://index.docker.io/v1/`; any other SERVER is reduced to host[:port];
 * - without -u/-p, stored credentials are tried first ("Authenticating with existing
 *   credentials..."); if there are none, or the daemon refuses them, the user is prompted —
 *   only on a terminal, else "Cannot perform an interactive login from a non TTY device";
 * - the daemon checks the credentials (`POST /auth`); on success its identity token, if it
 *   returned one, is stored instead of the password, and its status ("Login Succeeded") is
 *   printed.
 *
 * Docker Hub's web (device-code) login is not offered: lading always asks for a user name and
 * a password or access token, as docker does with DOCKER_CLI_DISABLE_OAUTH_LOGIN=1.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { BIN, LadingCommand } from '../command.js';
import type { CliContext, Input } from '../context.js';
import {
  authConfigKey,
  credentialStore,
  type AuthConfig,
  type CredentialStore,
} from '../credentials/index.js';
import { EngineError } from '../engine-client.js';
import { note, promptForCredentials } from './login-prompt.js';

interface LoginOptions {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

interface AuthResponse {
  Status?: string;
  IdentityToken?: string;
}

/** Flag checks made before anything else, with docker's wording. */
export function verifyLoginFlags(opts: LoginOptions): void {
  const fail = (message: string): never => {
    throw new StatusError(message, EXIT_FAILURE);
  };
  if (opts.passwordStdin) {
    if (opts.password !== undefined)
      fail('conflicting options: cannot specify both --password and --password-stdin');
    if (opts.username === undefined) fail('the --password-stdin option requires --username to be set');
  }
  if (opts.username !== undefined && opts.username === '') fail('username is empty');
  if (opts.password !== undefined && opts.password === '') fail('password is empty');
}

/** Reads all of stdin, minus one trailing line ending (a piped `echo`'s). */
async function readSecret(input: Input): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\n$/, '').replace(/\r$/, '');
}

/** POST /auth with the credentials; the daemon's answer. */
async function registryLogin(ctx: CliContext, auth: AuthConfig): Promise<AuthResponse> {
  const body: Record<string, string> = {};
  for (const field of ['username', 'password', 'serveraddress', 'identitytoken', 'registrytoken'] as const) {
    const v = auth[field];
    if (v) body[field] = v;
  }
  const res = await ctx.client().json<AuthResponse | undefined>('POST', '/auth', {
    body,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  return res ?? {};
}

async function storeCredentials(
  store: CredentialStore,
  auth: AuthConfig & { serveraddress: string },
): Promise<void> {
  try {
    await store.store(auth);
  } catch (err) {
    throw new StatusError(`Error saving credentials: ${(err as Error).message}`, EXIT_FAILURE);
  }
}

/** Applies the daemon's identity token: stored instead of the password. */
function withToken<T extends AuthConfig>(auth: T, res: AuthResponse): T {
  if (!res.IdentityToken) return auth;
  return { ...auth, password: '', identitytoken: res.IdentityToken };
}

export function loginCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('login');
  return cmd
    .usage('[OPTIONS] [SERVER]')
    .description('Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.')
    .argument('[args...]')
    .option('-p, --password <string>', 'Password or Personal Access Token (PAT)')
    .option('--password-stdin', 'Take the Password or Personal Access Token (PAT) from stdin')
    .option('-u, --username <string>', 'Username')
    .action(async (args: string[], opts: LoginOptions) => {
      cmd.checkArgs(args, { max: 1 });
      verifyLoginFlags(opts);
      const user = opts.username ?? '';
      let password = opts.password ?? '';
      if (password !== '') {
        ctx.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
      }
      if (opts.passwordStdin) {
        if (user === '') throw new StatusError('username is empty', EXIT_FAILURE);
        password = await readSecret(ctx.stdin);
      }
      const serverAddress = authConfigKey(args[0] ?? '');
      const store = await openStore(ctx);

      let stored: AuthConfig = {};
      let failed = false;
      let message: string | undefined;
      if (user === '' && password === '') {
        try {
          stored = await store.get(serverAddress);
        } catch {
          failed = true;
        }
      }
      if (!failed && stored.username && stored.password) {
        const r = await loginWithStored(ctx, store, { ...stored, serveraddress: serverAddress });
        failed = !r.ok;
        message = r.status;
      }
      if (failed || !stored.username || !stored.password) {
        if ((user === '' || password === '') && ctx.stdin.isTTY !== true) {
          throw new StatusError(
            'Error: Cannot perform an interactive login from a non TTY device',
            EXIT_FAILURE,
          );
        }
        const auth = await promptForCredentials(ctx, user, password, stored.username ?? '', serverAddress);
        const res = await registryLogin(ctx, auth);
        await storeCredentials(store, withToken(auth, res));
        message = res.Status;
      }
      if (message) ctx.stdout.write(`${message}\n`);
    }) as LadingCommand;
}

/** The store, or the command's failure if config.json cannot be read (it is never replaced then). */
export async function openStore(ctx: CliContext): Promise<CredentialStore> {
  try {
    return await credentialStore(ctx);
  } catch (err) {
    throw new StatusError((err as Error).message, EXIT_FAILURE);
  }
}

/** docker's loginWithStoredCredentials: tells the user, tries them, stores what worked. */
async function loginWithStored(
  ctx: CliContext,
  store: CredentialStore,
  auth: AuthConfig & { serveraddress: string },
): Promise<{ ok: boolean; status?: string }> {
  ctx.stderr.write(`Authenticating with existing credentials... [Username: ${auth.username ?? ''}]\n`);
  ctx.stderr.write(note(`To login with a different account, run '${BIN} logout' followed by '${BIN} login'`));
  ctx.stderr.write('\n\n');
  let res: AuthResponse = {};
  let ok = true;
  try {
    res = await registryLogin(ctx, {
      username: auth.username ?? '',
      password: auth.password ?? '',
      serveraddress: auth.serveraddress,
    });
  } catch (err) {
    ok = false;
    if (err instanceof EngineError && err.status === 401) {
      ctx.stderr.write('Stored credentials invalid or expired\n');
    } else {
      ctx.stderr.write(`Login did not succeed, error: ${(err as Error).message}\n`);
    }
  }
  await storeCredentials(store, withToken(auth, res));
  return ok ? (res.Status ? { ok, status: res.Status } : { ok }) : { ok };
}
