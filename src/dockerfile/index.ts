/** Dockerfile parsing, word expansion, and the config instructions (commit --change, builder). */
export { applyCommitChanges, COMMIT_CHANGE_KEYWORDS } from './apply-commit-changes.js';
export {
  DEFAULT_SHELL,
  dispatchConfigInstruction,
  isConfigInstruction,
  normalizeWorkdir,
  shellOf,
  type ConfigInstruction,
  type DispatchState,
} from './config-dispatch.js';
export { DockerfileError } from './errors.js';
export { chompHeredocContent } from './heredoc.js';
export {
  INSTRUCTION_KINDS,
  type AddInstruction,
  type ArgInstruction,
  type CmdInstruction,
  type CommandLine,
  type CopyInstruction,
  type EntrypointInstruction,
  type EnvInstruction,
  type ExposeInstruction,
  type FromInstruction,
  type HealthcheckInstruction,
  type Instruction,
  type InstructionKind,
  type KeyValuePair,
  type LabelInstruction,
  type MaintainerInstruction,
  type OnbuildInstruction,
  type RunInstruction,
  type ShellInstruction,
  type SourcesAndDest,
  type StopSignalInstruction,
  type UserInstruction,
  type VolumeInstruction,
  type WorkdirInstruction,
} from './instruction.js';
export { parseDockerfile, type ParsedDockerfile } from './parse-dockerfile.js';
export { parseInstruction, UnknownInstructionError } from './parse-instruction.js';
export { parseSyntax, type SyntaxTree } from './parse-syntax.js';
export { DEFAULT_ESCAPE_TOKEN, type DirectiveName, type ParserDirective } from './parser-directives.js';
export { parsePortSpec, parsePortSpecs } from './port-specs.js';
export { envFromList, expandWord, expandWords, type LexOptions, type ShellEnv } from './shell-lexer.js';
export { checkSignal } from './signals.js';
export type { Heredoc, SyntaxNode } from './syntax-node.js';
