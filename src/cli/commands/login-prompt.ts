/**
 * `lading login`'s questions on a terminal, worded as docker's: the Docker Hub hints, the user
 * name (with the stored one offered as default), then the password with the terminal's echo
 * off (`stty -echo` on the input terminal, restored afterwards, also after Ctrl-C).
 */

import { spawnSync } from 'node:child_process';
import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { parseGoBool } from '../command.js';
import type { CliContext } from '../context.js';
import { HUB_AUTH_KEY, type AuthConfig } from '../credentials/index.js';
import { readLine } from '../prompt.js';

const REGISTER_SUGGEST =
  'Log in with your Docker ID or email address to push and pull images from Docker Hub. ' +
  "If you don't have a Docker ID, head over to https://hub.docker.com/ to create one.";
const PAT_SUGGEST =
  'You can log in with your password or a Personal Access Token (PAT). Using a limited-scope PAT ' +
  'grants better security and is required for organizations using SSO. Learn more at ' +
  'https://docs.docker.com/go/access-tokens/';

/** docker's plain-text note: ` Info -> ` then the lines, indented under the first. */
export function note(text: string): string {
  const [first, ...rest] = text.split('\n');
  return `\n Info -> ${first}\n${rest.map((l) => `         ${l}\n`).join('')}`;
}

/** Runs `fn` with the terminal's echo off (for the password), restoring it afterwards. */
async function withoutEcho<T>(ctx: CliContext, fn: () => Promise<T>): Promise<T> {
  const fd = (ctx.stdin as { fd?: unknown }).fd;
  const stty = (mode: string): boolean =>
    typeof fd === 'number' && spawnSync('stty', [mode], { stdio: [fd, 'ignore', 'ignore'] }).status === 0;
  const off = ctx.stdin.isTTY === true && stty('-echo');
  try {
    return await fn();
  } finally {
    if (off && !stty('echo')) {
      ctx.stderr.write('Error: failed to restore terminal state to echo input: stty echo failed\n');
    }
  }
}

function hintsEnabled(ctx: CliContext): boolean {
  const v = ctx.io.env['DOCKER_CLI_HINTS'];
  if (!v) return true;
  return parseGoBool(v) ?? true;
}

/** docker's PromptUserForCredentials. */
export async function promptForCredentials(
  ctx: CliContext,
  user: string,
  password: string,
  defaultUsername: string,
  serverAddress: string,
): Promise<AuthConfig & { serveraddress: string }> {
  const ask = async (message: string): Promise<string> => {
    ctx.stdout.write(message);
    return ((await readLine(ctx.stdin, ctx.signal)) ?? '').trim();
  };
  user = user.trim();
  if (user === '') {
    if (serverAddress === HUB_AUTH_KEY) {
      ctx.stdout.write(`${REGISTER_SUGGEST}\n`);
      if (hintsEnabled(ctx)) ctx.stdout.write(`${PAT_SUGGEST}\n\n`);
    }
    const def = defaultUsername.trim();
    user = (await ask(def === '' ? 'Username: ' : `Username (${def}): `)) || def;
    if (user === '') throw new StatusError('Error: Non-null Username Required', EXIT_FAILURE);
  }
  password = password.trim();
  if (password === '') {
    password = await withoutEcho(ctx, async () => {
      if (serverAddress === HUB_AUTH_KEY) {
        ctx.stderr.write(
          note(
            'A Personal Access Token (PAT) can be used instead.\nTo create a PAT, visit https://app.docker.com/settings\n\n',
          ),
        );
      }
      const answer = await ask('Password: ');
      ctx.stdout.write('\n');
      return answer;
    });
    if (password === '') throw new StatusError('Error: Password Required', EXIT_FAILURE);
  }
  return { username: user, password, serveraddress: serverAddress };
}
