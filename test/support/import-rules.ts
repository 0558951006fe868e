/**
 * The module layout of docs/architecture.md as data, and a checker that finds imports which
 * cross it. `errors`, `log` and `durable` are leaves every module may use; `daemon` (the composition root)
 * and `bin` (entry points) may import anything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const IMPORT_RULES: Record<string, readonly string[] | 'anything'> = {
  oci: [],
  errors: [],
  log: [],
  durable: [],
  reference: ['oci', 'errors'],
  archive: ['oci', 'errors', 'sys'],
  sys: ['errors'],
  content: ['oci', 'errors'],
  layer: ['archive', 'sys', 'oci'],
  // image reads and writes image archives (docker save/load) with archive's tar reader and
  // header writer rather than keeping a second tar implementation of its own.
  image: ['oci', 'content', 'layer', 'archive', 'dockerfile'],
  'registry/client': ['oci', 'reference', 'content'],
  'registry/server': ['oci', 'content', 'registry/client'],
  distribution: ['oci', 'registry/client', 'image', 'layer'],
  runtime: ['oci', 'errors', 'sys'],
  network: ['errors', 'sys'],
  // Volumes: the local driver's directories and mounts; containers reach them through the
  // narrow ContainerVolumes interface the daemon hands them, never by importing this module.
  volume: ['sys', 'api/types'],
  container: ['runtime', 'layer', 'image', 'network', 'archive', 'oci', 'api/types', 'dockerfile'],
  // Dockerfile parsing and the config instructions: pure functions over image config types, used
  // by commit --change (container, image import) and by the builder.
  dockerfile: ['oci'],
  builder: ['image', 'container', 'layer', 'dockerfile'],
  'api/types': [],
  'api/server': ['api/types', 'errors'],
  cli: ['api/types', 'reference'],
  daemon: 'anything',
  bin: 'anything',
};

/** Leaves that any module except the import-nothing ones (oci, api/types) may use. */
const SHARED_LEAVES = ['errors', 'log', 'durable'];
const IMPORT_NOTHING = ['oci', 'errors', 'log', 'durable', 'api/types'];

/** The module a path under src/ belongs to: the longest rule key that prefixes it. */
export function moduleOf(srcRelativePath: string): string | undefined {
  const posix = srcRelativePath.split(sep).join('/');
  return Object.keys(IMPORT_RULES)
    .filter((key) => posix === key || posix.startsWith(key + '/'))
    .sort((a, b) => b.length - a.length)[0];
}

export function isAllowed(from: string, to: string): boolean {
  if (from === to) return true;
  const rule = IMPORT_RULES[from];
  if (rule === undefined) return false;
  if (rule === 'anything') return true;
  if (rule.includes(to)) return true;
  return SHARED_LEAVES.includes(to) && !IMPORT_NOTHING.includes(from);
}

const IMPORT_PATTERN =
  /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importSpecifiers(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(IMPORT_PATTERN)) {
    const specifier = match[1] ?? match[2];
    if (specifier) specifiers.push(specifier);
  }
  return specifiers;
}

export interface ImportViolation {
  file: string;
  specifier: string;
  from: string;
  to: string;
}

/** Every relative import in `srcDir` that leaves its module for one it may not use. */
export function findViolations(srcDir: string): ImportViolation[] {
  const violations: ImportViolation[] = [];
  for (const file of listTypeScript(srcDir)) {
    const from = moduleOf(relative(srcDir, file));
    if (!from) {
      violations.push({ file, specifier: '', from: '(none)', to: '(file outside every module)' });
      continue;
    }
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue; // node builtins and npm packages
      const target = relative(srcDir, resolve(dirname(file), specifier));
      if (target.startsWith('..')) {
        // Tests beside the code may use the shared fixtures and support of test/; code may not.
        const intoTestTree = target.startsWith(`..${sep}test${sep}`);
        if (!(isTestFile(file) && intoTestTree))
          violations.push({ file, specifier, from, to: '(outside src)' });
        continue;
      }
      const to = moduleOf(target);
      if (!to || !isAllowed(from, to)) violations.push({ file, specifier, from, to: to ?? '(unknown)' });
    }
  }
  return violations;
}

/** Test files and test-only helpers kept beside the code. */
export function isTestFile(file: string): boolean {
  return /\.test[\w-]*\.ts$/.test(file) || file.split(sep).includes('testing');
}

function listTypeScript(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}
