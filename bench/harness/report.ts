/** Prints a case's result as a table with ratios, and saves it as JSON under bench/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult } from './bench-case.js';
import type { Summary } from './measure.js';

export function ratio(a: Summary | null, b: Summary | null): number | null {
  return a && b && b.medianMs > 0 ? a.medianMs / b.medianMs : null;
}

function cell(summary: Summary | null): string[] {
  if (!summary) return ['-', '-', '-'];
  return [
    summary.medianMs.toFixed(1),
    summary.medianCpuSeconds === undefined ? '-' : summary.medianCpuSeconds.toFixed(3),
    summary.maxPeakRssKiB === undefined ? '-' : (summary.maxPeakRssKiB / 1024).toFixed(1),
  ];
}

export function formatResult(name: string, result: CaseResult): string {
  const rows = [
    ['', 'median ms', 'cpu s', 'peak MiB'],
    ['lading', ...cell(result.lading)],
    ['dockerd', ...cell(result.docker)],
    ['floor', ...cell(result.floor)],
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const table = rows.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('   ')).join('\n');
  const missing = (summary: Summary | null, why: string) => (summary ? 'n/a' : `n/a (${why})`);
  const show = (value: number | null, otherwise: string) =>
    value === null ? otherwise : value.toFixed(2) + '×';
  const noLading = result.lading === null;
  return [
    `== ${name}: ${result.measures}`,
    table,
    `lading / dockerd: ${show(ratio(result.lading, result.docker), noLading ? 'n/a' : missing(result.docker, 'run with --with-docker'))}`,
    `lading / floor:   ${show(ratio(result.lading, result.floor), 'n/a')}`,
    `dockerd / floor:  ${show(ratio(result.docker, result.floor), 'n/a')}`,
    ...result.notes.map((note) => `note: ${note}`),
  ].join('\n');
}

export function saveResult(
  dir: string,
  name: string,
  result: CaseResult,
  meta: Record<string, unknown>,
): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}.json`);
  const body = {
    case: name,
    ...meta,
    ...result,
    ratios: {
      vsDocker: ratio(result.lading, result.docker),
      vsFloor: ratio(result.lading, result.floor),
      dockerVsFloor: ratio(result.docker, result.floor),
    },
  };
  writeFileSync(file, JSON.stringify(body, null, 2) + '\n');
  return file;
}
