import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs } from '../../../test/support/test-base.js';
import { openIpamPool } from './ipam-pool.js';

const cleanup = useCleanup();
const modulePath = fileURLToPath(new URL('./ipam-pool.js', import.meta.url));

describe('IPAM after a crash', () => {
  it('still holds every address that was handed out before the process was killed', async () => {
    const dirs = makeTestDirs('ipam-crash');
    cleanup.directory(dirs.root);
    const options = {
      stateDir: join(dirs.dataRoot, 'ipam'),
      poolId: 'net',
      subnet: '10.9.0.0/22',
      gateway: '10.9.0.1',
    };
    // A separate process allocates as fast as it can and says each address it got; it is
    // killed (SIGKILL, no chance to flush anything) while it is still allocating.
    const script = join(dirs.root, 'allocate.mjs');
    await writeFile(
      script,
      `import { openIpamPool } from ${JSON.stringify(modulePath)};\n` +
        `const pool = await openIpamPool(${JSON.stringify(options)});\n` +
        'for (let i = 0; ; i++) process.stdout.write(`c${i} ${await pool.allocate(`c${i}`)}\\n`);\n',
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanup.process(child.pid!);
    const handedOut = new Map<string, string>();
    for await (const line of createInterface({ input: child.stdout })) {
      const [id, address] = line.split(' ') as [string, string];
      handedOut.set(id, address);
      if (handedOut.size === 40) child.kill('SIGKILL');
    }
    assert.ok(handedOut.size >= 40);

    const reopened = await openIpamPool(options);
    const leases = reopened.leases();
    for (const [id, address] of handedOut) assert.equal(leases[id], address, `${id} kept ${address}`);
    const taken = new Set(Object.values(leases));
    for (let i = 0; i < 20; i++) {
      const address = await reopened.allocate(`after${i}`);
      assert.ok(!taken.has(address), `${address} is not handed out twice`);
      taken.add(address);
    }
  });
});
