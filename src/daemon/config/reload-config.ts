/**
 * SIGHUP: re-read daemon.json and apply what can change in a running daemon. Paths, sockets,
 * the storage driver and containerd are wired into running services, so a change to them
 * is reported as needing a restart and otherwise ignored.
 */
import { isDeepStrictEqual } from 'node:util';
import { resolveConfig, type DaemonConfig } from './daemon-config.js';
import { DEFAULT_CONFIG_FILE } from './defaults.js';
import { mergeConfig, readConfigFile } from './load-config.js';
import type { DaemonConfigFile, DaemonConfigKey } from './schema.js';

export const RELOADABLE_KEYS: readonly DaemonConfigKey[] = [
  'log-level',
  'debug',
  'labels',
  'registry-mirrors',
  'registry-mirror-only',
  'insecure-registries',
  'max-concurrent-downloads',
  'max-concurrent-uploads',
  // dockerd reloads it too; the container manager reads it at each shutdown and start.
  'live-restore',
];

export interface ReloadResult {
  config: DaemonConfig;
  /** Reloadable keys whose value changed and now apply. */
  applied: DaemonConfigKey[];
  /** Keys that changed in the file but only take effect after a restart. */
  needsRestart: DaemonConfigKey[];
}

/** Applies `nextMerged` (file+flags as they are now) to `current`, reloadable keys only. */
export function applyReload(current: DaemonConfig, nextMerged: DaemonConfigFile): ReloadResult {
  const before = current.source as Record<string, unknown>;
  const after = nextMerged as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<DaemonConfigKey>;
  const applied: DaemonConfigKey[] = [];
  const needsRestart: DaemonConfigKey[] = [];
  const source: Record<string, unknown> = { ...before };
  for (const key of keys) {
    if (isDeepStrictEqual(before[key], after[key])) continue;
    if (RELOADABLE_KEYS.includes(key)) {
      applied.push(key);
      if (after[key] === undefined) delete source[key];
      else source[key] = after[key];
    } else {
      needsRestart.push(key);
    }
  }
  return { config: resolveConfig(source as DaemonConfigFile, current.configFile), applied, needsRestart };
}

/**
 * Re-reads the file the daemon started with (or the default path, which may have appeared) and merges the original
 * flags again; throws ConfigError on a bad file, and the caller keeps the old config.
 */
export async function reloadConfig(
  current: DaemonConfig,
  options: { configFile?: string; flags: DaemonConfigFile },
): Promise<ReloadResult> {
  const path = options.configFile ?? DEFAULT_CONFIG_FILE;
  const file = await readConfigFile(path, options.configFile === undefined);
  const result = applyReload(current, mergeConfig(file ?? {}, options.flags));
  return { ...result, config: { ...result.config, ...(file !== undefined ? { configFile: path } : {}) } };
}
