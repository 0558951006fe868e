/**
 * A containerd of the test's own, outside any ladingd: for `ladingd --containerd <address>`.
 * Its root, state and sockets live in a fresh directory under the test base; the process and
 * the directory are registered with the test's Cleanup.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cleanup } from './cleanup.js';
import { makeTestDirs } from './test-base.js';
import { waitFor } from './wait.js';

export interface TestContainerd {
  pid: number;
  /** The gRPC socket, as given to `ladingd --containerd`. */
  address: string;
  root: string;
}

/** Starts Debian's containerd (CRI plugin off) and resolves once its socket exists. */
export async function startContainerd(options: {
  cleanup: Cleanup;
  label?: string;
}): Promise<TestContainerd> {
  const { root } = makeTestDirs(options.label ?? 'containerd');
  options.cleanup.directory(root);
  const address = join(root, 'c.sock');
  const config = join(root, 'config.toml');
  writeFileSync(
    config,
    [
      'version = 2',
      `root = "${join(root, 'root')}"`,
      `state = "${join(root, 'state')}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = "${address}"`,
      '[ttrpc]',
      `  address = "${address}.ttrpc"`,
      '',
    ].join('\n'),
  );
  const child = spawn('containerd', ['--config', config], { detached: true, stdio: 'ignore' });
  const pid = child.pid;
  if (pid === undefined) throw new Error('containerd did not start');
  options.cleanup.process(pid, `containerd ${pid}`);
  let exitCode: number | null | undefined;
  child.once('exit', (code) => (exitCode = code));
  await waitFor('the containerd socket', () => {
    if (exitCode !== undefined) throw new Error(`containerd exited with ${exitCode} before it was ready`);
    return existsSync(address);
  });
  return { pid, address, root };
}
