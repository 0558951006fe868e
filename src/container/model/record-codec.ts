/**
 * config.v2.json and hostconfig.json ⇄ ContainerRecord. Reading checks the shape the daemon
 * relies on, so a damaged file is reported as a problem at start-up instead of failing later
 * in some request; fields lading does not use are kept as they came.
 */
import type { HostConfig } from '../../api/types/index.js';
import type { ContainerRecord } from './container-record.js';

export const CONFIG_FILE = 'config.v2.json';
export const HOST_CONFIG_FILE = 'hostconfig.json';

/** The record without HostConfig, as config.v2.json holds it. */
export function encodeConfig(record: ContainerRecord): string {
  const { HostConfig: _hostConfig, ...rest } = record;
  return JSON.stringify(rest);
}

export function encodeHostConfig(record: ContainerRecord): string {
  return JSON.stringify(record.HostConfig);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseObject(text: string, file: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
  if (!isObject(parsed)) throw new Error(`${file}: not a JSON object`);
  return parsed;
}

const STRING_FIELDS = ['ID', 'Created', 'Path', 'Image', 'Name', 'Driver'] as const;
const STATE_BOOLEANS = ['Running', 'Paused', 'Restarting', 'OOMKilled', 'Dead'] as const;

/**
 * Builds a record from the two files' text; throws an Error whose message says what is wrong
 * (the caller reports it with the container's directory).
 */
export function decodeRecord(id: string, configText: string, hostConfigText: string): ContainerRecord {
  const config = parseObject(configText, CONFIG_FILE);
  for (const field of STRING_FIELDS) {
    if (typeof config[field] !== 'string') throw new Error(`${CONFIG_FILE}: ${field} is not a string`);
  }
  if (config.ID !== id) throw new Error(`${CONFIG_FILE}: container ${String(config.ID)} is stored at ${id}`);
  if (!Array.isArray(config.Args) || !config.Args.every((a) => typeof a === 'string')) {
    throw new Error(`${CONFIG_FILE}: Args is not a list of strings`);
  }
  if (!isObject(config.Config)) throw new Error(`${CONFIG_FILE}: Config is not an object`);
  const state = config.State;
  if (!isObject(state)) throw new Error(`${CONFIG_FILE}: State is not an object`);
  for (const field of STATE_BOOLEANS) {
    if (typeof state[field] !== 'boolean') throw new Error(`${CONFIG_FILE}: State.${field} is not a boolean`);
  }
  if (typeof state.Pid !== 'number' || typeof state.ExitCode !== 'number') {
    throw new Error(`${CONFIG_FILE}: State.Pid or State.ExitCode is not a number`);
  }
  if (typeof state.StartedAt !== 'string' || typeof state.FinishedAt !== 'string') {
    throw new Error(`${CONFIG_FILE}: State.StartedAt or State.FinishedAt is not a string`);
  }
  // Docker never persists RemovalInProgress: a removal that a crash interrupted is not in
  // progress any more after a restart, and the container must not stay stuck as "removing".
  state.RemovalInProgress = false;
  state.Error ??= '';
  if (!isObject(config.NetworkSettings)) throw new Error(`${CONFIG_FILE}: NetworkSettings is not an object`);
  config.MountPoints ??= {};
  const hostConfig = parseObject(hostConfigText, HOST_CONFIG_FILE);
  return {
    ...(config as unknown as Omit<ContainerRecord, 'HostConfig'>),
    HostConfig: hostConfig as HostConfig,
  };
}
