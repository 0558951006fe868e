/**
 * Reading daemon.json and combining it with command-line flags.
 *
 * Rules (as dockerd's): the file is optional only at its default path; a path given with
 * --config-file must exist. A setting may come from a flag or from the file but not both —
 * silently preferring one would hide a mistake — so that is an error listing every clash.
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, messageOf } from '../../errors/index.js';
import { resolveConfig, type DaemonConfig } from './daemon-config.js';
import { DEFAULT_CONFIG_FILE } from './defaults.js';
import { formatIssues } from './format-issues.js';
import { daemonConfigFileSchema, type DaemonConfigFile } from './schema.js';

/** A daemon.json or flag problem; the message is complete and meant for the user as is. */
export class ConfigError extends InvalidArgumentError {}

export interface LoadConfigOptions {
  /** The --config-file value; undefined means the default path, which may be absent. */
  configFile?: string;
  /** Settings given as flags, in daemon.json spelling; only flags actually passed. */
  flags?: DaemonConfigFile;
}

/** Validates parsed JSON as daemon.json; `origin` names the file in the message. */
export function parseConfigFile(json: unknown, origin: string): DaemonConfigFile {
  const result = daemonConfigFileSchema.safeParse(json);
  if (!result.success)
    throw new ConfigError(`invalid daemon.json ${origin}: ${formatIssues(result.error.issues)}`);
  return result.data;
}

/** Validates flag values with the same rules; the message names the flag. */
export function parseFlags(flags: DaemonConfigFile): DaemonConfigFile {
  const result = daemonConfigFileSchema.safeParse(flags);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path[0];
    const what = issue?.code === 'unrecognized_keys' ? 'unknown setting' : (issue?.message ?? 'invalid');
    throw new ConfigError(
      key !== undefined
        ? `invalid flag --${String(key)}: ${what}`
        : `invalid flags: ${formatIssues(result.error.issues)}`,
    );
  }
  return result.data;
}

/** Reads and validates a daemon.json; undefined if it is absent and `optional`. */
export async function readConfigFile(path: string, optional: boolean): Promise<DaemonConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && optional) return undefined;
    throw new ConfigError(`cannot read daemon.json ${path}: ${messageOf(err)}`, { cause: err });
  }
  let json: unknown;
  try {
    // An empty file is accepted as {}; people create it with `touch`.
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`invalid daemon.json ${path}: not valid JSON: ${messageOf(err)}`, { cause: err });
  }
  return parseConfigFile(json, path);
}

/** Go's %v for the values we print: slices as [a b]. */
function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(' ')}]`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Throws if any setting is given both as a flag and in the file. */
export function checkFlagFileConflicts(flags: DaemonConfigFile, file: DaemonConfigFile): void {
  const clashes: string[] = [];
  for (const [key, flagValue] of Object.entries(flags)) {
    if (flagValue === undefined) continue;
    const fileValue = (file as Record<string, unknown>)[key];
    if (fileValue === undefined) continue;
    clashes.push(`${key}: (from flag: ${show(flagValue)}, from file: ${show(fileValue)})`);
  }
  if (clashes.length > 0) {
    throw new ConfigError(
      `the following directives are specified both as a flag and in the configuration file: ${clashes.join(', ')}`,
    );
  }
}

/** Flags laid over the file; both validated, clashes rejected. */
export function mergeConfig(file: DaemonConfigFile, flags: DaemonConfigFile): DaemonConfigFile {
  checkFlagFileConflicts(flags, file);
  const merged: Record<string, unknown> = { ...file };
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) merged[key] = value;
  return merged as DaemonConfigFile;
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<DaemonConfig> {
  const flags = parseFlags(options.flags ?? {});
  const path = options.configFile ?? DEFAULT_CONFIG_FILE;
  const file = await readConfigFile(path, options.configFile === undefined);
  const merged = mergeConfig(file ?? {}, flags);
  try {
    return resolveConfig(merged, file !== undefined ? path : undefined);
  } catch (err) {
    // Settings that are fine alone but not together (a mirror-only registry without mirrors).
    throw new ConfigError(`invalid daemon.json ${path}: ${messageOf(err)}`, { cause: err });
  }
}
