/**
 * The container config stored at create: the request's Config merged over the image's, with
 * Docker's rules (moby daemon/commit.go `merge`, daemon/create.go `mergeAndVerifyConfig`,
 * daemon/container.go `validateContainerConfig` and `newContainer`), and the argv it runs.
 *
 * Rules worth knowing: Env is merged by key with the request's entries first and the image's
 * missing keys appended; a request Entrypoint (non-empty) drops the image's Cmd unless the
 * request has its own; `Entrypoint: [""]` clears the entrypoint; an empty `[]` keeps the
 * image's Cmd but not its Entrypoint; with neither left the create fails ("no command
 * specified", Docker 28's wording). Keys are built in dockerd's order, since inspect prints
 * them as stored, and Go's `omitempty` fields are left out when empty.
 */
import { posix } from 'node:path';
import type { ContainerConfig, ContainerCreateRequest } from '../../api/types/index.js';
import { InvalidArgumentError } from '../../errors/index.js';
import type { ContainerConfig as ImageRunConfig, HealthConfig } from '../../oci/index.js';
import { parseSignal } from '../process/signals.js';
import { SHORT_ID_LENGTH } from './container-id.js';
import { sortedMap } from './sorted-map.js';

/** Docker's containertypes.MinimumDuration for healthcheck durations (1ms, in ns). */
const MINIMUM_HEALTH_DURATION_NS = 1_000_000;

export interface MergeOptions {
  /** The new container's id: its first 12 characters are the default hostname. */
  id: string;
  /** HostConfig.NetworkMode; with "host" the default hostname is the host's. */
  networkMode?: string;
  /** The host's hostname, used with `--network host`. */
  hostHostname?: string;
}

export interface MergedConfig {
  config: ContainerConfig;
  /** Entrypoint[0], or Cmd[0] without an entrypoint. */
  path: string;
  args: string[];
}

/**
 * Checks the request's own config before anything is looked up (Docker validates it ahead of
 * the image): WorkingDir absolute, StopSignal known, Env keys non-empty, Healthcheck sane.
 */
export function validateContainerConfig(request: Partial<ContainerConfig>): void {
  const workingDir = request.WorkingDir ?? '';
  if (workingDir !== '' && !workingDir.startsWith('/')) {
    throw new InvalidArgumentError(
      `the working directory '${workingDir}' is invalid, it needs to be an absolute path`,
    );
  }
  if (request.StopSignal !== undefined && request.StopSignal !== '') {
    try {
      parseSignal(request.StopSignal);
    } catch {
      throw new InvalidArgumentError(`invalid signal: ${request.StopSignal}`);
    }
  }
  for (const env of request.Env ?? []) {
    const eq = env.indexOf('=');
    if ((eq < 0 ? env : env.slice(0, eq)) === '') {
      throw new InvalidArgumentError(`invalid environment variable: ${env}`);
    }
  }
  validateHealthcheck(request.Healthcheck as HealthConfig | undefined | null);
}

function validateHealthcheck(health: HealthConfig | undefined | null): void {
  if (health === undefined || health === null) return;
  const tooShort = (value: number | undefined): boolean =>
    value !== undefined && value !== 0 && value < MINIMUM_HEALTH_DURATION_NS;
  for (const field of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const) {
    if (field === 'StartPeriod' && (health.Retries ?? 0) < 0) {
      throw new InvalidArgumentError('Retries in Healthcheck cannot be negative');
    }
    if (tooShort(health[field])) {
      throw new InvalidArgumentError(`${field} in Healthcheck cannot be less than 1ms`);
    }
  }
}

/** Go's filepath.Clean for an absolute path. */
function cleanPath(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

function envKey(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

function mergeEnv(user: string[] | null | undefined, image: string[] | undefined): string[] | null {
  if (user === undefined || user === null || user.length === 0) return image ?? null;
  const keys = new Set(user.map(envKey));
  return [...user, ...(image ?? []).filter((entry) => !keys.has(envKey(entry)))];
}

type EmptySet = Record<string, Record<string, never>>;

/** Image configs written by docker commit carry `null` for empty sets. */
function mergeSet(user: EmptySet | null | undefined, image: EmptySet | null | undefined): EmptySet | null {
  if (user === undefined || user === null || Object.keys(user).length === 0) {
    return image === undefined || image === null ? null : sortedMap(image);
  }
  return sortedMap({ ...user, ...(image ?? {}) });
}

function mergeHealthcheck(user: unknown, image: HealthConfig | undefined): unknown {
  if (image === undefined || image === null) return user ?? undefined;
  if (user === undefined || user === null) return image;
  const merged = { ...(user as HealthConfig) };
  if ((merged.Test ?? []).length === 0 && image.Test !== undefined) merged.Test = image.Test;
  for (const field of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    if ((merged[field] ?? 0) === 0 && image[field] !== undefined) merged[field] = image[field];
  }
  return merged;
}

/**
 * Merges the request over the image's run config (undefined for an image without one, or
 * `scratch`). Validates the request first; InvalidArgumentError on any Docker-refused value.
 * The third argument is the new container's id, or MergeOptions for `--network host`.
 */
export function mergeContainerConfig(
  request: ContainerCreateRequest,
  image: ImageRunConfig | undefined,
  idOrOptions: string | MergeOptions,
): MergedConfig {
  const options: MergeOptions = typeof idOrOptions === 'string' ? { id: idOrOptions } : idOrOptions;
  validateContainerConfig(request);
  const img = image ?? {};

  let entrypoint: string[] | null = request.Entrypoint ?? null;
  let cmd: string[] | null = request.Cmd ?? null;
  if (entrypoint === null || entrypoint.length === 0) {
    if (cmd === null || cmd.length === 0) cmd = img.Cmd ?? null;
    if (entrypoint === null) entrypoint = img.Entrypoint ?? null;
  }
  if (entrypoint !== null && entrypoint.length === 1 && entrypoint[0] === '') entrypoint = null;
  if ((entrypoint === null || entrypoint.length === 0) && (cmd === null || cmd.length === 0)) {
    throw new InvalidArgumentError('no command specified');
  }

  let hostname = request.Hostname ?? '';
  if (hostname === '') {
    hostname =
      options.networkMode === 'host' && options.hostHostname !== undefined
        ? options.hostHostname
        : options.id.slice(0, SHORT_ID_LENGTH);
  }
  const exposed = mergeSet(request.ExposedPorts, img.ExposedPorts);
  const healthcheck = mergeHealthcheck(request.Healthcheck, img.Healthcheck);
  const labels = sortedMap({ ...(img.Labels ?? {}), ...(request.Labels ?? {}) });
  const workingDir =
    request.WorkingDir !== undefined && request.WorkingDir !== ''
      ? cleanPath(request.WorkingDir)
      : (img.WorkingDir ?? '');
  const stopSignal =
    request.StopSignal !== undefined && request.StopSignal !== '' ? request.StopSignal : img.StopSignal;

  const config: ContainerConfig = {
    Hostname: hostname,
    Domainname: request.Domainname ?? '',
    User: request.User !== undefined && request.User !== '' ? request.User : (img.User ?? ''),
    AttachStdin: request.AttachStdin ?? false,
    AttachStdout: request.AttachStdout ?? false,
    AttachStderr: request.AttachStderr ?? false,
    ...(exposed !== null && Object.keys(exposed).length > 0 ? { ExposedPorts: exposed } : {}),
    Tty: request.Tty ?? false,
    OpenStdin: request.OpenStdin ?? false,
    StdinOnce: request.StdinOnce ?? false,
    Env: mergeEnv(request.Env, img.Env),
    Cmd: cmd,
    ...(healthcheck !== undefined && healthcheck !== null ? { Healthcheck: healthcheck } : {}),
    ...(request.ArgsEscaped === true ? { ArgsEscaped: true } : {}),
    Image: request.Image ?? '',
    Volumes: mergeSet(request.Volumes, img.Volumes),
    WorkingDir: workingDir,
    Entrypoint: entrypoint,
    ...(request.NetworkDisabled === true ? { NetworkDisabled: true } : {}),
    ...(request.MacAddress !== undefined && request.MacAddress !== ''
      ? { MacAddress: request.MacAddress }
      : {}),
    OnBuild: request.OnBuild ?? null,
    Labels: labels,
    ...(stopSignal !== undefined && stopSignal !== '' ? { StopSignal: stopSignal } : {}),
    ...(request.StopTimeout !== undefined && request.StopTimeout !== null
      ? { StopTimeout: request.StopTimeout }
      : {}),
    ...(request.Shell !== undefined && request.Shell !== null && request.Shell.length > 0
      ? { Shell: request.Shell }
      : {}),
  };

  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  return { config, path: argv[0] as string, args: argv.slice(1) };
}
