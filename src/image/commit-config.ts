/**
 * The config of a committed image, as dockerd's commit merges it: the container's config
 * with `--change` applied (`user`) gets from the container's own config (`base`) every
 * setting it leaves empty — user, working dir, stop signal, healthcheck fields, entrypoint
 * and cmd (only when no entrypoint was given) — and the union of exposed ports, volumes,
 * labels and environment variables (its own values win).
 */
import type { ContainerConfig } from '../oci/index.js';

export function mergeCommitConfig(user: ContainerConfig, base: ContainerConfig): ContainerConfig {
  const out: ContainerConfig = { ...user };
  if (!out.User) out.User = base.User ?? '';
  if (Object.keys(out.ExposedPorts ?? {}).length === 0) {
    if (base.ExposedPorts !== undefined) out.ExposedPorts = base.ExposedPorts;
  } else if (base.ExposedPorts) {
    out.ExposedPorts = { ...base.ExposedPorts, ...out.ExposedPorts };
  }
  if ((out.Env ?? []).length === 0) {
    if (base.Env !== undefined) out.Env = base.Env;
  } else {
    const env = [...(out.Env ?? [])];
    const keys = new Set(env.map((entry) => entry.split('=')[0]));
    for (const entry of base.Env ?? []) if (!keys.has(entry.split('=')[0])) env.push(entry);
    out.Env = env;
  }
  out.Labels = { ...(base.Labels ?? {}), ...(out.Labels ?? {}) };
  if ((out.Entrypoint ?? []).length === 0) {
    if ((out.Cmd ?? []).length === 0 && base.Cmd !== undefined) out.Cmd = base.Cmd;
    if (out.Entrypoint == null && base.Entrypoint !== undefined) out.Entrypoint = base.Entrypoint;
  }
  if (base.Healthcheck) {
    const own = out.Healthcheck;
    out.Healthcheck = own
      ? {
          ...own,
          Test: (own.Test ?? []).length > 0 ? own.Test : base.Healthcheck.Test,
          Interval: own.Interval || base.Healthcheck.Interval,
          Timeout: own.Timeout || base.Healthcheck.Timeout,
          StartPeriod: own.StartPeriod || base.Healthcheck.StartPeriod,
          StartInterval: own.StartInterval || base.Healthcheck.StartInterval,
          Retries: own.Retries || base.Healthcheck.Retries,
        }
      : base.Healthcheck;
  }
  if (!out.WorkingDir) out.WorkingDir = base.WorkingDir ?? '';
  if (Object.keys(out.Volumes ?? {}).length === 0) {
    if (base.Volumes !== undefined) out.Volumes = base.Volumes;
  } else {
    out.Volumes = { ...out.Volumes, ...(base.Volumes ?? {}) };
  }
  if (!out.StopSignal && base.StopSignal !== undefined) out.StopSignal = base.StopSignal;
  return out;
}
