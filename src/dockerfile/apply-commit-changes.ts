/**
 * `docker commit --change` and `docker import --change` (moby's BuildFromConfig): the changes
 * are read as the lines of a Dockerfile, only config instructions are allowed, and they are
 * applied in order to a copy of the config. Pure: no I/O, the input is not modified.
 */
import type { ContainerConfig } from '../oci/index.js';
import { InvalidArgumentError } from '../errors/index.js';
import { dispatchConfigInstruction, isConfigInstruction, type ConfigInstruction } from './config-dispatch.js';
import { parseInstruction } from './parse-instruction.js';
import { parseSyntax } from './parse-syntax.js';

/** What `--change` accepts (moby's validCommitCommands; HEALTHCHECK included). */
export const COMMIT_CHANGE_KEYWORDS: readonly string[] = [
  'cmd',
  'entrypoint',
  'env',
  'expose',
  'healthcheck',
  'label',
  'onbuild',
  'stopsignal',
  'user',
  'volume',
  'workdir',
];

export function applyCommitChanges(
  config: ContainerConfig | undefined,
  changes: readonly string[],
): ContainerConfig {
  const copy: ContainerConfig = structuredClone(config ?? {});
  if (changes.length === 0) return copy;

  const tree = parseSyntax(changes.join('\n'));
  // Every change is checked and parsed before any is applied, as moby does.
  const instructions: ConfigInstruction[] = tree.nodes.map((node) => {
    if (!COMMIT_CHANGE_KEYWORDS.includes(node.keyword.toLowerCase())) {
      throw new InvalidArgumentError(`${node.keyword} is not a valid change command`);
    }
    const instruction = parseInstruction(node);
    if (!isConfigInstruction(instruction)) {
      throw new InvalidArgumentError(`${node.keyword} is not a valid change command`);
    }
    return instruction;
  });

  const state = { config: copy, cmdSet: false, escapeToken: tree.escapeToken };
  for (const instruction of instructions) dispatchConfigInstruction(state, instruction);
  return copy;
}
