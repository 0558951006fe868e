/**
 * The instructions that only change an image's runtime config (ENV, LABEL, EXPOSE, USER,
 * VOLUME, WORKDIR, STOPSIGNAL, CMD, ENTRYPOINT, ONBUILD, HEALTHCHECK, SHELL), applied as
 * moby's classic builder dispatchers apply them — shared by `commit --change`, `import
 * --change` and the builder. Words are expanded first where Docker expands them, with the
 * config's Env at that moment.
 */
import type { ContainerConfig } from '../oci/index.js';
import { InvalidArgumentError } from '../errors/index.js';
import { goCleanPath, goJoinPath, withGoKeyOrder } from './go-text.js';
import type { Instruction, KeyValuePair } from './instruction.js';
import { parsePortSpecs } from './port-specs.js';
import { envFromList, expandWord, expandWords, type ShellEnv } from './shell-lexer.js';
import { checkSignal } from './signals.js';

/** The shell that shell-form CMD/ENTRYPOINT/RUN run through when no SHELL was set. */
export const DEFAULT_SHELL: readonly string[] = ['/bin/sh', '-c'];

export interface DispatchState {
  /** The config being built; dispatching changes it in place. */
  config: ContainerConfig;
  /** A CMD with arguments was given in this build (or change list): ENTRYPOINT keeps it. */
  cmdSet: boolean;
  escapeToken: string;
  /** `K=v` build args visible to expansion after the config's Env (the builder's ARGs). */
  buildArgEnv?: string[];
}

export type ConfigInstruction = Extract<
  Instruction,
  {
    kind:
      | 'CMD'
      | 'ENTRYPOINT'
      | 'ENV'
      | 'EXPOSE'
      | 'HEALTHCHECK'
      | 'LABEL'
      | 'ONBUILD'
      | 'SHELL'
      | 'STOPSIGNAL'
      | 'USER'
      | 'VOLUME'
      | 'WORKDIR';
  }
>;

const CONFIG_KINDS = new Set<string>([
  'CMD',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'HEALTHCHECK',
  'LABEL',
  'ONBUILD',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

export function isConfigInstruction(instruction: Instruction): instruction is ConfigInstruction {
  return CONFIG_KINDS.has(instruction.kind);
}

/** The shell for shell-form commands: the config's SHELL, else /bin/sh -c. */
export function shellOf(config: ContainerConfig): string[] {
  return config.Shell && config.Shell.length > 0 ? [...config.Shell] : [...DEFAULT_SHELL];
}

/** WORKDIR: relative paths go under the current one; the result is cleaned. */
export function normalizeWorkdir(current: string, requested: string): string {
  if (requested === '') throw new InvalidArgumentError('cannot normalize nothing');
  if (!requested.startsWith('/')) return goJoinPath('/', current, requested);
  return goCleanPath(requested);
}

function expandPairs(pairs: readonly KeyValuePair[], env: ShellEnv, escapeToken: string): KeyValuePair[] {
  return pairs.map((pair) => ({
    key: expandWord(pair.key, env, escapeToken),
    value: expandWord(pair.value, env, escapeToken),
    noDelimiter: pair.noDelimiter,
  }));
}

function resolveCommandLine(
  commandLine: string[] | null,
  prependShell: boolean,
  config: ContainerConfig,
): string[] | null {
  if (commandLine === null) return null;
  return prependShell ? [...shellOf(config), ...commandLine] : [...commandLine];
}

/** Applies one config instruction to `state.config`. */
export function dispatchConfigInstruction(state: DispatchState, instruction: ConfigInstruction): void {
  const config = state.config;
  const env = envFromList([...(config.Env ?? []), ...(state.buildArgEnv ?? [])]);
  const expand = (word: string): string => expandWord(word, env, state.escapeToken);

  switch (instruction.kind) {
    case 'ENV': {
      const vars = config.Env ?? [];
      for (const { key, value } of expandPairs(instruction.pairs, env, state.escapeToken)) {
        const entry = `${key}=${value}`;
        // An existing variable is replaced where it stands, so Env keeps its order.
        const at = vars.findIndex((existing) => existing.split('=', 1)[0] === key);
        if (at >= 0) vars[at] = entry;
        else vars.push(entry);
      }
      config.Env = vars;
      return;
    }
    case 'LABEL': {
      const labels = config.Labels ?? {};
      for (const { key, value } of expandPairs(instruction.pairs, env, state.escapeToken))
        labels[key] = value;
      config.Labels = withGoKeyOrder(labels);
      return;
    }
    case 'EXPOSE': {
      // The one multi-word expansion: `EXPOSE $PORTS` with PORTS="80 443" exposes both.
      const specs = instruction.ports.flatMap((port) => expandWords(port, env, state.escapeToken));
      const keys = parsePortSpecs(specs);
      const exposed = config.ExposedPorts ?? {};
      for (const key of keys) exposed[key] = {};
      config.ExposedPorts = withGoKeyOrder(exposed);
      return;
    }
    case 'USER':
      config.User = expand(instruction.user);
      return;
    case 'VOLUME': {
      const volumes = config.Volumes ?? {};
      for (const volume of instruction.volumes.map(expand)) {
        if (volume === '') throw new InvalidArgumentError('VOLUME specified can not be an empty string');
        volumes[volume] = {};
      }
      config.Volumes = withGoKeyOrder(volumes);
      return;
    }
    case 'WORKDIR':
      config.WorkingDir = normalizeWorkdir(config.WorkingDir ?? '', expand(instruction.path));
      return;
    case 'STOPSIGNAL': {
      const signal = expand(instruction.signal);
      checkSignal(signal);
      config.StopSignal = signal;
      return;
    }
    case 'CMD':
      config.Cmd = resolveCommandLine(instruction.commandLine, instruction.prependShell, config);
      // Linux always sets ArgsEscaped false, which Docker's JSON leaves out.
      delete config.ArgsEscaped;
      if (instruction.commandLine.length !== 0) state.cmdSet = true;
      return;
    case 'ENTRYPOINT':
      config.Entrypoint = resolveCommandLine(instruction.commandLine, instruction.prependShell, config);
      delete config.ArgsEscaped;
      // A new ENTRYPOINT drops the inherited CMD unless this build set one.
      if (!state.cmdSet) config.Cmd = null;
      return;
    case 'ONBUILD':
      config.OnBuild = [...(config.OnBuild ?? []), instruction.expression];
      return;
    case 'HEALTHCHECK':
      config.Healthcheck = { ...instruction.health };
      return;
    case 'SHELL':
      config.Shell = [...instruction.shell];
      return;
  }
}
