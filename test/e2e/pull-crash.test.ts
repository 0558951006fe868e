/**
 * hostile-input row 21: ladingd killed with SIGKILL in the middle of a pull. The next ladingd
 * on the same data root leaves nothing of the interrupted download behind (no detached or
 * temporary directories, no layer records), and pulling again gives the right image.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BlobDir, buildImage, busyboxRootfs, patternContent, type BuiltImage } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { lading } from '../support/cli.js';
import { startDaemon } from '../support/daemon.js';
import { engineRequest } from '../support/engine-request.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { makeTestDirs, type TestDirs } from '../support/test-base.js';
import { waitFor } from '../support/wait.js';

describe('a pull interrupted by SIGKILL (hostile-input row 21)', { timeout: 240_000 }, () => {
  const cleanup = useCleanup();
  let registry: TestRegistry;
  let mirror: FaultProxy;
  let image: BuiltImage;
  let dirs: TestDirs;

  before(async () => {
    dirs = makeTestDirs('pull-crash');
    cleanup.directory(dirs.root);
    const blobs = await BlobDir.create(dirs.root);
    image = await buildImage(
      {
        layers: [
          busyboxRootfs(),
          // Incompressible, so the blob is still streaming into extraction when the kill lands.
          [{ type: 'file', name: 'data/big.bin', content: patternContent(40 * 1024 * 1024, 'crash') }],
        ],
      },
      blobs,
    );
    registry = await startRegistry();
    cleanup.defer('registry', () => registry.stop());
    await image.pushToRegistry(registry.url, 'library/app', 'v1');
    mirror = await startFaultProxy(registry.url);
    cleanup.defer('mirror', () => mirror.stop());
  });

  it('leaves no half-made layer, and the next pull succeeds', async () => {
    const big = image.layers[1]!.descriptor.digest;
    // The big layer's blob stops after 256 KiB and hangs there, so the kill lands mid-extraction.
    mirror.setFaults([
      { method: 'GET', path: new RegExp(`/blobs/${big}$`), fault: { kind: 'stall', afterBytes: 256 * 1024 } },
    ]);
    const config = { 'registry-mirrors': [mirror.url] };
    const first = await startDaemon({ cleanup, label: 'pull-crash-1', dirs, config });
    const pulling = engineRequest(first.socketPath, 'POST', '/images/create?fromImage=app&tag=v1').catch(
      () => undefined, // the daemon dies under it
    );
    const driverDir = join(first.dataRoot, 'overlay2');
    await waitFor('the stalled blob request', () =>
      mirror.requests.some((r) => r.path.endsWith(`/blobs/${big}`)),
    );
    await waitFor('a detached extraction in progress', () =>
      readdirSync(driverDir).some((name) => name.startsWith('.tmp-detached-')),
    );
    await first.stop('SIGKILL');
    await pulling;

    mirror.setFaults([]);
    const second = await startDaemon({ cleanup, label: 'pull-crash-2', dirs, config });
    assert.deepEqual(
      readdirSync(driverDir).filter((name) => name.startsWith('.tmp-')),
      [],
      'temporary and detached directories are gone after the restart',
    );
    const check = await lading(['-H', second.host, 'system', 'check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);

    const pulled = await lading(['-H', second.host, 'pull', 'app:v1']);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.match(pulled.stdout, new RegExp(`^Digest: ${image.digest}$`, 'm'));
    const inspect = await lading(['-H', second.host, 'image', 'inspect', '--format', '{{.Id}}', 'app:v1']);
    assert.equal(inspect.stdout.trim(), image.id);
    const after = await lading(['-H', second.host, 'system', 'check']);
    assert.equal(after.code, 0, after.stdout + after.stderr);
    assert.equal(await second.stop('SIGTERM'), 0, second.logs());
  });
});
