/**
 * Errors that point into a Dockerfile. The message is buildkit's wording; the lines are
 * 1-based and kept separately so a caller can print a snippet (buildkit's LocationError).
 */
import { InvalidArgumentError } from '../errors/index.js';

export class DockerfileError extends InvalidArgumentError {
  constructor(
    message: string,
    readonly startLine: number,
    readonly endLine: number = startLine,
  ) {
    super(message);
  }
}

/** Gives an error raised while handling lines start..end those lines, unless it has some. */
export function atLines(err: unknown, startLine: number, endLine: number): unknown {
  if (err instanceof DockerfileError) return err;
  if (err instanceof InvalidArgumentError) return new DockerfileError(err.message, startLine, endLine);
  return err;
}
