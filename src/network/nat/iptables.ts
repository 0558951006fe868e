/**
 * The iptables front end, checked once per binary at first use. Debian ships two (legacy and
 * nf_tables) behind one `iptables` name; we use whichever the host selected, as dockerd does,
 * because rules in the other one would be invisible to the admin's tools. If that one cannot
 * list the nat table (no kernel support, no permission), the error says so up front instead
 * of failing halfway through programming a network.
 */
import { UnavailableError } from '../../errors/index.js';
import { HostToolError, runTool, tryTool } from '../host-tools.js';

export interface Iptables {
  binary: string;
  /** "legacy" or "nf_tables", from `iptables --version`. */
  variant: string;
  /** Runs one command (`-w` added: wait for the xtables lock rather than fail). */
  run(args: readonly string[]): Promise<string>;
  /** Exit status 0 of `iptables -w -C …`-style probes. */
  succeeds(args: readonly string[]): Promise<boolean>;
}

const detected = new Map<string, Promise<Iptables>>();

async function detect(binary: string, netns: string | undefined): Promise<Iptables> {
  const options = netns === undefined ? {} : { netns };
  let version: string;
  try {
    version = (await runTool(binary, ['--version'], options)).stdout.trim();
  } catch (err) {
    throw new UnavailableError(`iptables is not usable: ${(err as Error).message}`, { cause: err });
  }
  const variant = /\((legacy|nf_tables)\)/.exec(version)?.[1] ?? 'legacy';
  for (const table of ['nat', 'filter']) {
    const probe = await tryTool(binary, ['-w', '-t', table, '-S'], options);
    if (probe.code !== 0) {
      throw new UnavailableError(
        `iptables (${variant}) cannot use the ${table} table here: ${probe.stderr || `exit status ${probe.code}`}`,
      );
    }
  }
  return {
    binary,
    variant,
    run: async (args) => (await runTool(binary, ['-w', ...args], options)).stdout,
    succeeds: async (args) => {
      const result = await tryTool(binary, ['-w', ...args], options);
      // -C answers 1 for "no such rule" (and "no chain"); anything else is a real failure.
      if (result.code === 0) return true;
      if (result.code === 1) return false;
      throw new HostToolError(
        `${binary} ${args.join(' ')}: ${result.stderr}`,
        [binary, ...args],
        result.code,
        result.stderr,
      );
    },
  };
}

/** The checked front end for `binary` (default `iptables`), optionally inside a network namespace file. */
export function iptables(binary = 'iptables', netns?: string): Promise<Iptables> {
  const key = `${binary}\0${netns ?? ''}`;
  let found = detected.get(key);
  if (!found) {
    found = detect(binary, netns);
    // A failed check is not cached: the admin may fix the host and retry without a restart.
    found.catch(() => detected.delete(key));
    detected.set(key, found);
  }
  return found;
}
