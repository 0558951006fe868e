/**
 * The `process` of a `docker exec`: the container's process settings (rlimits, OOM score,
 * no-new-privileges, capabilities) with the exec's argv, env, user, cwd and terminal. As in
 * dockerd, `--privileged` gives the exec every capability whatever the container has.
 */
import type { RuntimeProcess } from '../../oci/index.js';
import { effectiveCapabilities } from './capabilities.js';
import { processFrom } from './build-spec.js';
import type { ProcessUser, SpecInput } from './spec-input.js';

export interface ExecInput {
  args: string[];
  /** Final environment: the container's env with the exec's -e merged over it. */
  env: string[];
  cwd: string;
  user: ProcessUser;
  terminal?: boolean;
  consoleSize?: [number, number];
  privileged?: boolean;
}

/** `container` is the SpecInput the container was started with (its process part is the base). */
export function buildExecProcess(container: SpecInput, exec: ExecInput): RuntimeProcess {
  const capabilities = effectiveCapabilities({
    privileged: container.privileged || exec.privileged,
    add: container.capAdd,
    drop: container.capDrop,
    available: container.availableCapabilities,
  });
  return processFrom(
    {
      ...container.process,
      args: exec.args,
      env: exec.env,
      cwd: exec.cwd,
      user: exec.user,
      terminal: exec.terminal,
      consoleSize: exec.consoleSize,
    },
    [...exec.args],
    capabilities,
  );
}
