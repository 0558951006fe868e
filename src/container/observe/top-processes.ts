/**
 * `topProcesses`: what GET /containers/{id}/top answers, made as dockerd makes it. The host's
 * `ps` runs with the client's arguments (default `-ef`) plus `-q<pids>`; when ps refuses that
 * combination (some options, such as `f`, exclude `q`) it runs again without it. The rows whose
 * PID column is one of the container's processes are kept, with the thread rows (`-` in the PID
 * column, from `m`) that follow a kept row. The last column takes the rest of the line.
 *
 * ps is the host's own binary on a fixed name; the arguments come from the client but go to
 * execFile as an argument vector (no shell), and `--pid=`-style selection is refused first.
 */
import { execFile } from 'node:child_process';
import { InvalidArgumentError, SystemError } from '../../errors/index.js';

export interface TopResult {
  Titles: string[];
  /** null when no row matched, as Go's nil slice. */
  Processes: string[][] | null;
}

export const DEFAULT_PS_ARGS = '-ef';

/** Go's `\s` is ASCII-only; ps output is split the same way (moby's fieldsASCII). */
function fieldsAscii(line: string): string[] {
  return line.split(/[ \t\n\v\f\r]+/).filter((f) => f !== '');
}

/** dockerd refuses `o=PID`-style renames of the PID column other than `pid=`. */
export function validatePsArgs(psArgs: string): void {
  for (const match of psArgs.matchAll(
    /[ \t\n\v\f\r]+([^ \t\n\v\f\r]*)=[ \t\n\v\f\r]*(PID[^ \t\n\v\f\r]*)/g,
  )) {
    const [, key = '', value = ''] = match;
    if (key !== 'pid') throw new InvalidArgumentError(`specifying "${key}=${value}" is not allowed`);
  }
}

export function parsePsOutput(output: string, pids: readonly number[]): TopResult {
  const lines = output.split('\n');
  const titles = fieldsAscii(lines[0] ?? '');
  const pidIndex = titles.indexOf('PID');
  if (pidIndex === -1) throw new SystemError("Couldn't find PID field in ps output");
  const wanted = new Set(pids);
  const processes: string[][] = [];
  const append = (fields: string[]): void => {
    const head = fields.slice(0, titles.length - 1);
    processes.push([...head, fields.slice(titles.length - 1).join(' ')]);
  };
  let previousKept = false;
  for (const line of lines.slice(1)) {
    if (line.length === 0) continue;
    const fields = fieldsAscii(line);
    const pidField = fields[pidIndex];
    if (pidField === undefined) continue;
    if (pidField === '-') {
      if (previousKept) append(fields);
      continue;
    }
    if (!/^[+-]?\d+$/.test(pidField)) {
      throw new SystemError(
        `Unexpected pid '${pidField}': strconv.Atoi: parsing "${pidField}": invalid syntax`,
      );
    }
    previousKept = wanted.has(Number(pidField));
    if (previousKept) append(fields);
  }
  return { Titles: titles, Processes: processes.length > 0 ? processes : null };
}

interface PsRun {
  stdout: string;
  stderr: string;
  failed: boolean;
}

function runPs(args: string[], psPath: string): Promise<PsRun> {
  return new Promise((resolve) => {
    execFile(
      psPath,
      args,
      { maxBuffer: 64 * 1024 * 1024, env: { LC_ALL: 'C', PATH: process.env.PATH ?? '' } },
      (err, stdout, stderr) => resolve({ stdout, stderr, failed: err !== null }),
    );
  });
}

/**
 * `pids` are the container's processes (the runtime's task pids), `psArgs` the client's
 * `ps_args` split on single spaces as dockerd splits them.
 */
export async function topProcesses(
  pids: readonly number[],
  psArgs: string,
  psPath = 'ps',
): Promise<TopResult> {
  const argsText = psArgs === '' ? DEFAULT_PS_ARGS : psArgs;
  validatePsArgs(argsText);
  const args = argsText.split(' ');
  let run = await runPs([...args, `-q${pids.join(',')}`], psPath);
  if (run.failed) {
    run = await runPs(args, psPath);
    if (run.failed) {
      const firstLine = run.stderr.split('\n')[0] ?? '';
      throw new SystemError(`ps: ${firstLine !== '' ? firstLine : 'exit status 1'}`);
    }
  }
  return parsePsOutput(run.stdout, pids);
}
