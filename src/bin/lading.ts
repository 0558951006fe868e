/**
 * Entry point of the `lading` CLI (bin/lading runs the compiled file). Wires process streams
 * and signals into runCli and exits with the status it returns.
 */

import { runCli } from '../cli/program.js';

const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => controller.abort(sig));
}

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
process.exitCode = code;
// Streams flush before exit; a lingering keep-alive socket must not hold the process.
process.stdout.write('', () => process.exit(code));
