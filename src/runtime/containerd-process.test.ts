/**
 * The supervisor against the real containerd (root only): start, answer Version, restart
 * after a kill, stop leaving no process or socket. Cleanup is by the pids seen here.
 */
import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../log/index.js';
import { ContainerdProcess } from './containerd-process.js';
import { GrpcContainerdClient } from './grpc-containerd-client.js';
import { processStartTime } from './process-identity.js';

const isRoot = process.getuid?.() === 0;
const hasContainerd = await access('/usr/bin/containerd').then(
  () => true,
  () => false,
);

describe('containerd process', { skip: !(isRoot && hasContainerd) && 'needs root and containerd' }, () => {
  const pids = new Set<number>();
  let dir = '';
  let supervisor: ContainerdProcess | undefined;
  let client: GrpcContainerdClient | undefined;

  after(async () => {
    await supervisor?.stop();
    client?.close();
    for (const pid of pids) {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (dir !== '' && cmd.includes(dir)) process.kill(pid, 'SIGKILL');
    }
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('starts, restarts after a kill, and stops cleanly', async () => {
    dir = await mkdtemp('/tmp/lading-ctrd-');
    const started: number[] = [];
    const sup = new ContainerdProcess({
      dataRoot: join(dir, 'data'),
      execRoot: join(dir, 'exec'),
      logger: silentLogger(),
      probe: () => client!.version({ timeoutMs: 1000 }),
      restartDelayMs: 50,
    });
    supervisor = sup;
    sup.onStarted((e) => started.push(e.pid));
    client = await GrpcContainerdClient.connect({ address: sup.address });
    await sup.start();
    const first = sup.pid!;
    pids.add(first);
    assert.match((await client.version()).version, /^1\./);

    process.kill(first, 'SIGKILL');
    const deadline = Date.now() + 20_000;
    while (started.length < 2 && Date.now() < deadline) await sleep(50);
    assert.equal(started.length, 2, 'containerd was not restarted');
    const second = sup.pid!;
    pids.add(second);
    assert.notEqual(second, first);
    assert.match((await client.version()).version, /^1\./);

    await sup.stop();
    assert.equal(await processStartTime(second), undefined, 'containerd still running');
    await assert.rejects(access(sup.address));
    await assert.rejects(access(sup.paths.pidFile));
  });
});
