/**
 * Typed Dockerfile instructions (buildkit's instructions package), one variant per keyword,
 * discriminated by `kind` (the keyword in upper case). Words are not expanded yet: expansion
 * needs the environment of the moment, which only the dispatcher knows.
 */
import type { HealthConfig } from '../oci/index.js';
import type { Heredoc } from './syntax-node.js';

interface Common {
  /** The keyword exactly as written. */
  keyword: string;
  /** The logical source line. */
  original: string;
  startLine: number;
  endLine: number;
}

export interface KeyValuePair {
  key: string;
  value: string;
  /** Written in the legacy `ENV key value` form. */
  noDelimiter: boolean;
}

/**
 * A command line for CMD, ENTRYPOINT, RUN: exec form (JSON, used as is) or shell form (one
 * string, run through the shell). `null` only for an ENTRYPOINT with no arguments.
 */
export interface CommandLine {
  commandLine: string[] | null;
  prependShell: boolean;
}

export interface CmdInstruction extends Common, CommandLine {
  kind: 'CMD';
  commandLine: string[];
}

export interface EntrypointInstruction extends Common, CommandLine {
  kind: 'ENTRYPOINT';
}

export interface RunInstruction extends Common, CommandLine {
  kind: 'RUN';
  commandLine: string[];
  /** `--mount` values, unparsed. */
  mounts: string[];
  network?: string;
  security?: string;
  heredocs: Heredoc[];
}

export interface ShellInstruction extends Common {
  kind: 'SHELL';
  shell: string[];
}

export interface EnvInstruction extends Common {
  kind: 'ENV';
  pairs: KeyValuePair[];
}

export interface LabelInstruction extends Common {
  kind: 'LABEL';
  pairs: KeyValuePair[];
}

export interface ExposeInstruction extends Common {
  kind: 'EXPOSE';
  /** Port specs as written, sorted as strings (buildkit sorts before expanding). */
  ports: string[];
}

export interface VolumeInstruction extends Common {
  kind: 'VOLUME';
  volumes: string[];
}

export interface UserInstruction extends Common {
  kind: 'USER';
  user: string;
}

export interface WorkdirInstruction extends Common {
  kind: 'WORKDIR';
  path: string;
}

export interface StopSignalInstruction extends Common {
  kind: 'STOPSIGNAL';
  signal: string;
}

export interface OnbuildInstruction extends Common {
  kind: 'ONBUILD';
  /** The trigger as stored in the image's OnBuild list: the line after `ONBUILD `. */
  expression: string;
}

export interface HealthcheckInstruction extends Common {
  kind: 'HEALTHCHECK';
  /** Durations in nanoseconds; zero values left out, as Docker's JSON omits them. */
  health: HealthConfig;
}

export interface MaintainerInstruction extends Common {
  kind: 'MAINTAINER';
  maintainer: string;
}

export interface FromInstruction extends Common {
  kind: 'FROM';
  baseName: string;
  /** `AS name`, lower-cased; "" when unnamed. */
  stageName: string;
  platform: string;
}

export interface ArgInstruction extends Common {
  kind: 'ARG';
  args: { key: string; value?: string }[];
}

export interface SourcesAndDest {
  sources: string[];
  /** Heredoc sources (`COPY <<EOF /dest`). */
  sourceContents: { path: string; data: string; expand: boolean }[];
  dest: string;
}

export interface CopyInstruction extends Common, SourcesAndDest {
  kind: 'COPY';
  from: string;
  chown: string;
  chmod: string;
  link: boolean;
  parents: boolean;
  excludes: string[];
}

export interface AddInstruction extends Common, SourcesAndDest {
  kind: 'ADD';
  chown: string;
  chmod: string;
  link: boolean;
  keepGitDir?: boolean;
  checksum: string;
  unpack?: boolean;
  excludes: string[];
}

export type Instruction =
  | AddInstruction
  | ArgInstruction
  | CmdInstruction
  | CopyInstruction
  | EntrypointInstruction
  | EnvInstruction
  | ExposeInstruction
  | FromInstruction
  | HealthcheckInstruction
  | LabelInstruction
  | MaintainerInstruction
  | OnbuildInstruction
  | RunInstruction
  | ShellInstruction
  | StopSignalInstruction
  | UserInstruction
  | VolumeInstruction
  | WorkdirInstruction;

export type InstructionKind = Instruction['kind'];

export const INSTRUCTION_KINDS: readonly InstructionKind[] = [
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
];
