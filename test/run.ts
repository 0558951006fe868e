/**
 * The test command: runs every compiled *.test.js under node's test runner with a fresh
 * LADING_TEST_BASE, then fails the run if anything was left behind (see leak-check.ts).
 * Usage: node dist/test/run.js [substring…]  — only files whose path contains a substring.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLeaks } from './support/leak-check.js';

const DIST = fileURLToPath(new URL('..', import.meta.url));

function testFiles(filters: string[]): string[] {
  return ['src', 'test']
    .flatMap((top) =>
      readdirSync(join(DIST, top), { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith('.test.js'))
        .map((entry) => join(entry.parentPath, entry.name)),
    )
    .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
    .sort();
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    console.error('lading tests run as root (they mount, make namespaces and run containers).');
    return 1;
  }
  const files = testFiles(process.argv.slice(2));
  if (files.length === 0) {
    console.error('no test files matched');
    return 1;
  }
  const base = mkdtempSync(join(tmpdir(), 'lading-test-'));
  const tap = join(base, 'results.tap');
  console.log(`running ${files.length} test files; test base ${base}`);
  const result = spawnSync(
    process.execPath,
    [
      '--enable-source-maps',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files.map((file) => relative(process.cwd(), file)),
    ],
    { stdio: 'inherit', env: { ...process.env, LADING_TEST_BASE: base } },
  );

  const leaks = findLeaks(base);
  for (const leak of leaks) {
    console.error(`LEAK ${leak.kind}: ${leak.id}`);
    await leak.remove();
  }
  const summary = readFileSync(tap, 'utf8');
  const count = (label: string) => Number(summary.match(new RegExp(`^# ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
  const passed = count('pass');
  const failed = count('fail') + (leaks.length > 0 ? 1 : 0);
  if (leaks.length === 0) rmSync(base, { recursive: true, force: true });
  else console.error(`${leaks.length} leftovers found and removed; the run fails`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || result.status !== 0 ? 1 : 0;
}

process.exitCode = await main();
