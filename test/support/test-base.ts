/**
 * Where tests put what they create. The runner sets LADING_TEST_BASE to a fresh directory per
 * run; every data root, exec root, socket and registry of that run lives below it, so the
 * final leak check can find anything left behind by its path. Names of kernel objects a test
 * creates (network namespaces, links, iptables chains) start with RUN_NAME_PREFIX for the same
 * reason: TEST_NAME_PREFIX plus two characters of this run's base directory, so the leak check
 * of one run never takes what another run on the same machine is still using.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_NAME_PREFIX = 'ltst';

function runTag(): string {
  const tag = (process.env.LADING_TEST_BASE ?? '')
    .slice(-2)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0');
  return tag.length === 2 ? tag : '00';
}

export const RUN_NAME_PREFIX = TEST_NAME_PREFIX + runTag();

export function testBase(): string {
  const base = process.env.LADING_TEST_BASE ?? join(tmpdir(), 'lading-test');
  mkdirSync(base, { recursive: true, mode: 0o700 });
  return base;
}

export interface TestDirs {
  root: string;
  dataRoot: string;
  execRoot: string;
}

/** A fresh directory for one test (or one daemon), with data and exec roots inside. */
export function makeTestDirs(label: string): TestDirs {
  const root = mkdtempSync(join(testBase(), `${label.replace(/[^\w-]/g, '_')}-`));
  const dirs = { root, dataRoot: join(root, 'data'), execRoot: join(root, 'exec') };
  mkdirSync(dirs.dataRoot, { mode: 0o711 });
  mkdirSync(dirs.execRoot, { mode: 0o700 });
  return dirs;
}
