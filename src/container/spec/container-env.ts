/**
 * The environment a container's process gets, as dockerd's CreateDaemonEnvironment builds it:
 * PATH (Docker's default), HOSTNAME and, with a TTY, TERM=xterm first; then Config.Env (already
 * merged from the image and `-e` at create) replaces those by name or is appended. An entry
 * without "=" unsets the name.
 */
import { DEFAULT_PATH_ENV } from '../../runtime/spec/index.js';

export function replaceOrAppendEnv(defaults: readonly string[], overrides: readonly string[]): string[] {
  const env: (string | undefined)[] = [...defaults];
  const index = new Map<string, number>();
  env.forEach((e, i) => index.set(envName(e ?? ''), i));
  for (const value of overrides) {
    const eq = value.indexOf('=');
    if (eq < 0) {
      const i = index.get(value);
      if (i !== undefined) env[i] = undefined;
      continue;
    }
    const i = index.get(value.slice(0, eq));
    if (i !== undefined) env[i] = value;
    else {
      index.set(value.slice(0, eq), env.length);
      env.push(value);
    }
  }
  return env.filter((e): e is string => e !== undefined && e !== '');
}

function envName(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

export function containerEnv(config: { Env: string[] | null; Hostname: string; Tty: boolean }): string[] {
  const defaults = [DEFAULT_PATH_ENV, `HOSTNAME=${config.Hostname}`];
  if (config.Tty) defaults.push('TERM=xterm');
  return replaceOrAppendEnv(defaults, config.Env ?? []);
}
