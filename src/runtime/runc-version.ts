/** The version of the runc binary containerd's shim will run, from `runc --version`. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface RuncVersion {
  version: string;
  commit: string;
}

/** Parses the lines "runc version 1.1.5+ds1" and "commit: …". */
export function parseRuncVersion(output: string): RuncVersion {
  const version = /^runc version (\S+)/m.exec(output)?.[1] ?? 'unknown';
  const commit = /^commit: (\S+)/m.exec(output)?.[1] ?? 'unknown';
  return { version, commit };
}

export async function runcVersion(binary = 'runc'): Promise<RuncVersion | undefined> {
  try {
    const { stdout } = await promisify(execFile)(binary, ['--version'], { timeout: 5000 });
    return parseRuncVersion(stdout);
  } catch {
    return undefined;
  }
}
