/**
 * The one way src/network runs host tools (iproute2's `ip`, `iptables`, `nsenter`, `unshare`).
 *
 * Signatures (used by bridge/, sandbox/, nat/ and ports/):
 *
 *   runTool(file: string, args: readonly string[], options?: RunToolOptions): Promise<{ stdout: string; stderr: string }>
 *     Runs `file` with an argument array (never a shell). Resolves when it exits 0; otherwise
 *     rejects with a HostToolError whose message names the command and carries its stderr.
 *     `options.netns` is the path of a network namespace file (e.g. `<exec-root>/netns/<id>`);
 *     the tool then runs inside it through `nsenter --net=<path>`.
 *
 *   tryTool(file, args, options?): Promise<{ code: number; stdout: string; stderr: string }>
 *     Same, but a non-zero exit is a result, not an error (for probes such as `iptables -C`,
 *     whose exit status 1 means "no such rule"). A tool that cannot be started still rejects.
 *
 * Spawning a process per operation costs a few milliseconds; it is accepted for now. Callers
 * keep their operations behind small interfaces (LinkOps, …) so netlink can replace this later.
 */
import { spawn } from 'node:child_process';
import { SystemError } from '../errors/index.js';

export interface RunToolOptions {
  /** Path of a network namespace file to run the tool in (through `nsenter --net=`). */
  netns?: string;
  /** Written to the tool's stdin (e.g. `iptables-restore --noflush`), then stdin is closed. */
  input?: string;
  /** Kill the tool (SIGKILL) after this long; defaults to 30 s so a wedged tool cannot hang the daemon. */
  timeoutMs?: number;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A host tool exited non-zero, was killed, or could not be started. */
export class HostToolError extends SystemError {
  constructor(
    message: string,
    /** The full argument vector that was run, tool first. */
    readonly command: readonly string[],
    /** Exit status; null when the tool was killed or never started. */
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Tool output we keep; iptables-save of a busy host is well below this. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** The caller's PATH with the sbin directories added: `ip` and `iptables` live there. */
function toolPath(): string {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const dir of ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (!dirs.includes(dir)) dirs.push(dir);
  }
  return dirs.join(':');
}

function commandLine(file: string, args: readonly string[], netns: string | undefined): string[] {
  return netns === undefined ? [file, ...args] : ['nsenter', `--net=${netns}`, '--', file, ...args];
}

export function tryTool(
  file: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  const argv = commandLine(file, args, options.netns);
  const shown = argv.join(' ');
  return new Promise((resolve, reject) => {
    // A clean, fixed locale so tools' messages are stable and parsable.
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: toolPath(), LC_ALL: 'C' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT_BYTES) into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on('error', (cause: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = cause.code === 'ENOENT' ? `${argv[0]} is not installed (not found in PATH)` : cause.message;
      reject(new HostToolError(`cannot run ${shown}: ${why}`, argv, null, '', { cause }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code === null) {
        reject(new HostToolError(`${shown}: killed by ${signal ?? 'a signal'}`, argv, null, stderr));
        return;
      }
      resolve({ code, stdout, stderr });
    });
    // A tool that exits without reading stdin makes the write fail with EPIPE; that is not our error.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

export async function runTool(
  file: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  const result = await tryTool(file, args, options);
  if (result.code !== 0) {
    const argv = commandLine(file, args, options.netns);
    const detail = result.stderr || result.stdout.trim() || 'no output';
    throw new HostToolError(
      `${argv.join(' ')}: exit status ${result.code}: ${detail}`,
      argv,
      result.code,
      result.stderr,
    );
  }
  return { stdout: result.stdout, stderr: result.stderr };
}
