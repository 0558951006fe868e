/**
 * Entry point of the `lading` CLI (bin/lading runs the compiled file). Wires process streams
 * and signals into runCli and exits with the status it returns.
 */

import { runCli } from '../cli/program.js';

const controller = new AbortController();
// `lading images | head`: the reader went away. Nothing more can be shown, so stop quietly
// (as docker does) instead of dying on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    controller.abort('EPIPE');
    process.exit(process.exitCode ?? 0);
  });
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => controller.abort(sig));
}

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
  signal: controller.signal,
});
process.exitCode = code;
// Streams flush before exit; a lingering keep-alive socket must not hold the process.
process.stdout.write('', () => process.exit(code));
