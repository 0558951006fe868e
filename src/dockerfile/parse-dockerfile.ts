/**
 * A whole Dockerfile → typed instructions, as buildkit reads it: syntax errors carry their
 * own message; an instruction's error is prefixed `dockerfile parse error on line N:`.
 */
import { DockerfileError } from './errors.js';
import type { Instruction } from './instruction.js';
import { parseInstruction } from './parse-instruction.js';
import { parseSyntax } from './parse-syntax.js';
import type { ParserDirective } from './parser-directives.js';

export interface ParsedDockerfile {
  /** `\` or `` ` `` (from `# escape=`). */
  escapeToken: string;
  directives: ParserDirective[];
  instructions: Instruction[];
  warnings: string[];
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const tree = parseSyntax(text);
  const instructions = tree.nodes.map((node) => {
    try {
      return parseInstruction(node);
    } catch (err) {
      if (!(err instanceof DockerfileError)) throw err;
      throw new DockerfileError(
        `dockerfile parse error on line ${node.startLine}: ${err.message}`,
        node.startLine,
        node.endLine,
      );
    }
  });
  return {
    escapeToken: tree.escapeToken,
    directives: tree.directives,
    instructions,
    warnings: tree.warnings,
  };
}
