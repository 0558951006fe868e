import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConflictError, ForbiddenError, InvalidArgumentError, SystemError } from '../../errors/index.js';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs } from '../../../test/support/test-base.js';
import { macFromIpv4 } from './mac-address.js';
import { openIpamPool } from './ipam-pool.js';

const cleanup = useCleanup();
function stateDir(): string {
  const dirs = makeTestDirs('ipam');
  cleanup.directory(dirs.root);
  return join(dirs.dataRoot, 'network', 'ipam');
}

describe('macFromIpv4', () => {
  it("is 02:42 followed by the address's four bytes", () => {
    assert.equal(macFromIpv4('172.17.0.2'), '02:42:ac:11:00:02');
    assert.equal(macFromIpv4('10.213.255.254'), '02:42:0a:d5:ff:fe');
  });
});

describe('openIpamPool', () => {
  it('hands out the lowest free address, never the network, gateway or broadcast address', async () => {
    const pool = await openIpamPool({
      stateDir: stateDir(),
      poolId: 'net1',
      subnet: '10.9.0.0/29',
      gateway: '10.9.0.1',
    });
    const got = [];
    for (const id of ['a', 'b', 'c', 'd', 'e']) got.push(await pool.allocate(id));
    assert.deepEqual(got, ['10.9.0.2', '10.9.0.3', '10.9.0.4', '10.9.0.5', '10.9.0.6']);
    await assert.rejects(
      pool.allocate('f'),
      (err) =>
        err instanceof SystemError &&
        err.message ===
          "no available IPv4 addresses on this network's address pools: 10.9.0.0/29 (10.9.0.0/29)",
    );
    assert.equal(await pool.release('c'), '10.9.0.4');
    assert.equal(await pool.release('c'), undefined);
    assert.equal(await pool.allocate('f'), '10.9.0.4', 'a released address is reused first');
  });

  it("names the network in Docker's exhaustion message", async () => {
    const pool = await openIpamPool({
      stateDir: stateDir(),
      poolId: 'n',
      subnet: '10.9.0.0/30',
      gateway: '10.9.0.1',
      networkName: 'bridge',
      networkId: 'abc123',
    });
    assert.equal(await pool.allocate('a'), '10.9.0.2');
    await assert.rejects(pool.allocate('b'), {
      message: "no available IPv4 addresses on this network's address pools: bridge (abc123)",
    });
  });

  it('keeps an existing lease for the same container', async () => {
    const pool = await openIpamPool({
      stateDir: stateDir(),
      poolId: 'n',
      subnet: '10.9.0.0/24',
      gateway: '10.9.0.1',
    });
    assert.equal(await pool.allocate('a'), '10.9.0.2');
    assert.equal(await pool.allocate('a'), '10.9.0.2');
    assert.equal(
      await pool.allocate('a', '10.9.0.50'),
      '10.9.0.50',
      'a new preferred address replaces the old',
    );
    assert.deepEqual(pool.leases(), { a: '10.9.0.50' });
  });

  it("refuses preferred addresses with Docker's errors", async () => {
    const pool = await openIpamPool({
      stateDir: stateDir(),
      poolId: 'n',
      subnet: '10.9.0.0/24',
      gateway: '10.9.0.1',
    });
    assert.equal(await pool.allocate('a', '10.9.0.7'), '10.9.0.7');
    for (const taken of ['10.9.0.7', '10.9.0.1', '10.9.0.0', '10.9.0.255']) {
      await assert.rejects(
        pool.allocate('b', taken),
        (err) => err instanceof ForbiddenError && err.message === 'Address already in use',
      );
    }
    await assert.rejects(
      pool.allocate('b', '10.9.1.7'),
      (err) =>
        err instanceof InvalidArgumentError &&
        err.message === "invalid address 10.9.1.7: It does not belong to any of this network's subnets",
    );
    await assert.rejects(pool.allocate('b', '10.9.0.300'), InvalidArgumentError);
    assert.deepEqual(pool.leases(), { a: '10.9.0.7' }, 'failed requests leave no lease');
  });

  it('limits dynamic allocation to the ip-range but accepts a preferred address outside it', async () => {
    const pool = await openIpamPool({
      stateDir: stateDir(),
      poolId: 'n',
      subnet: '10.9.0.0/24',
      gateway: '10.9.0.1',
      ipRange: '10.9.0.128/30',
    });
    assert.deepEqual(
      [
        await pool.allocate('a'),
        await pool.allocate('b'),
        await pool.allocate('c'),
        await pool.allocate('d'),
      ],
      ['10.9.0.128', '10.9.0.129', '10.9.0.130', '10.9.0.131'],
    );
    await assert.rejects(pool.allocate('e'), /no available IPv4 addresses/);
    assert.equal(await pool.allocate('e', '10.9.0.20'), '10.9.0.20');
  });

  it('persists every lease before answering, and a reopened pool never repeats one', async () => {
    const dir = stateDir();
    const options = { stateDir: dir, poolId: 'net1', subnet: '10.9.0.0/24', gateway: '10.9.0.1' };
    const pool = await openIpamPool(options);
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const addresses = await Promise.all(ids.map((id) => pool.allocate(id)));
    assert.equal(new Set(addresses).size, 20, 'concurrent allocations are distinct');
    const onDisk = JSON.parse(await readFile(join(dir, 'net1.json'), 'utf8')) as {
      leases: Record<string, string>;
    };
    assert.deepEqual(onDisk.leases, pool.leases());
    await pool.release('c3');

    // A new process (after a crash) reads the same file.
    const reopened = await openIpamPool(options);
    assert.deepEqual(reopened.leases(), pool.leases());
    assert.equal(reopened.leaseOf('c0'), addresses[0]);
    assert.equal(reopened.leaseOf('c3'), undefined);
    const next = await reopened.allocate('new');
    assert.equal(next, addresses[3], 'only the released address is free again');
    const fresh = await reopened.allocate('new2');
    assert.ok(!addresses.includes(fresh));
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name !== 'net1.json'),
      [],
      'no temporary files are left behind',
    );

    await assert.rejects(
      openIpamPool({ ...options, subnet: '10.9.1.0/24', gateway: '10.9.1.1' }),
      ConflictError,
    );
    await reopened.destroy();
    assert.deepEqual(await readdir(dir), []);
    assert.deepEqual(
      (await openIpamPool({ ...options, subnet: '10.9.1.0/24', gateway: '10.9.1.1' })).leases(),
      {},
    );
  });

  it('refuses bad configuration and pool ids', async () => {
    const dir = stateDir();
    await assert.rejects(
      openIpamPool({ stateDir: dir, poolId: '../x', subnet: '10.9.0.0/24' }),
      InvalidArgumentError,
    );
    await assert.rejects(
      openIpamPool({ stateDir: dir, poolId: 'x', subnet: '10.9.0.1/24' }),
      InvalidArgumentError,
    );
    await assert.rejects(
      openIpamPool({ stateDir: dir, poolId: 'x', subnet: '10.9.0.0/24', gateway: '10.8.0.1' }),
      InvalidArgumentError,
    );
    await assert.rejects(
      openIpamPool({ stateDir: dir, poolId: 'x', subnet: '10.9.0.0/24', ipRange: '10.9.0.0/16' }),
      InvalidArgumentError,
    );
  });
});
