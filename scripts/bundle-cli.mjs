// Bundles the compiled lading CLI (dist/src/bin/lading.js and the ~80 modules it imports)
// into one file, dist/lading.mjs, which bin/lading runs. Why: Node 20 spends most of the
// CLI's start-up resolving, reading and compiling ESM modules one by one (about 240 ms for
// `lading --help` against about 140 ms bundled), and every command pays it. The daemon is
// not bundled: it starts once, and loads a native addon and protobuf files by path.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  entryPoints: [`${root}/dist/src/bin/lading.js`],
  outfile: `${root}/dist/lading.mjs`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Node packages bundled into an ES module still call require(); give them one.
  banner: {
    js: "import { createRequire as __ladingRequire } from 'node:module'; const require = __ladingRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  logLevel: 'warning',
});
