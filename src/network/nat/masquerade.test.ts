import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UnavailableError } from '../../errors/index.js';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs, TEST_NAME_PREFIX } from '../../../test/support/test-base.js';
import { freeTestSubnet, testName } from '../testing/test-network.js';
import { enableIpForward } from './ip-forward.js';
import { iptables } from './iptables.js';
import { ensureMasquerade, removeNat, type NatOptions } from './masquerade.js';

const cleanup = useCleanup();

function save(): string[] {
  const result = spawnSync('iptables-save', [], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  // Counters and comments change under us; rules and chain names are what matter.
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('-A ') || (line.startsWith(':') && !line.startsWith('#')));
}

function ours(lines: string[], prefix: string, bridges: string[]): string[] {
  return lines.filter((line) => line.includes(prefix) || bridges.some((b) => line.includes(b)));
}

describe('ensureMasquerade / removeNat', () => {
  it('adds exactly the rules of each network, idempotently, and removes exactly them', async () => {
    const dirs = makeTestDirs('nat');
    cleanup.directory(dirs.root);
    const ipForwardPath = join(dirs.root, 'ip_forward');
    await writeFile(ipForwardPath, '0\n');
    const prefix = testName(10);
    const a: NatOptions = {
      chainPrefix: prefix,
      subnet: freeTestSubnet().subnet,
      bridge: testName(12),
      ipForwardPath,
    };
    const b: NatOptions = { ...a, subnet: freeTestSubnet().subnet, bridge: testName(12) };
    cleanup.defer('nat rules', async () => {
      await removeNat(a);
      await removeNat(b);
    });
    // Other tests (ours or a parallel run's) may add and remove their own `ltst` rules meanwhile.
    const before = save().filter((line) => !line.includes(TEST_NAME_PREFIX));

    assert.deepEqual(await ensureMasquerade(a), { ipForwardChanged: true });
    assert.equal(await readFile(ipForwardPath, 'utf8'), '1\n');
    const afterA = save();
    assert.deepEqual(
      ours(afterA, prefix, [a.bridge]).sort(),
      [
        `-A ${prefix}-FORWARD -i ${a.bridge} ! -o ${a.bridge} -j ACCEPT`,
        `-A ${prefix}-FORWARD -i ${a.bridge} -o ${a.bridge} -j ACCEPT`,
        `-A ${prefix}-FORWARD -o ${a.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
        `-A ${prefix}-POSTROUTING -s ${a.subnet} ! -o ${a.bridge} -j MASQUERADE`,
        `-A FORWARD -j ${prefix}-FORWARD`,
        `-A POSTROUTING -j ${prefix}-POSTROUTING`,
        `:${prefix}-FORWARD - [0:0]`,
        `:${prefix}-POSTROUTING - [0:0]`,
      ].sort(),
    );
    for (const line of before) assert.ok(afterA.includes(line), `host rule kept: ${line}`);

    assert.deepEqual(await ensureMasquerade(a), { ipForwardChanged: false });
    assert.deepEqual(
      ours(save(), prefix, [a.bridge]),
      ours(afterA, prefix, [a.bridge]),
      'a second call adds nothing',
    );

    await ensureMasquerade(b);
    const both = ours(save(), prefix, [a.bridge, b.bridge]);
    assert.equal(
      both.filter((line) => line === `-A POSTROUTING -j ${prefix}-POSTROUTING`).length,
      1,
      'one hook',
    );
    assert.ok(both.includes(`-A ${prefix}-POSTROUTING -s ${b.subnet} ! -o ${b.bridge} -j MASQUERADE`));

    await removeNat(a);
    const onlyB = ours(save(), prefix, [a.bridge, b.bridge]);
    assert.deepEqual(ours(onlyB, a.bridge, []), [], "a's rules are gone");
    assert.ok(onlyB.includes(`-A POSTROUTING -j ${prefix}-POSTROUTING`), "b's hook stays");
    assert.equal(onlyB.length, both.length - 4);

    await removeNat(b);
    await removeNat(b);
    const after = save();
    assert.deepEqual(ours(after, prefix, [a.bridge, b.bridge]), [], 'hooks and chains are gone');
    for (const line of before) assert.ok(after.includes(line), `host rule kept: ${line}`);
  });

  it('says clearly when iptables cannot be used', async () => {
    await assert.rejects(iptables('ltst-no-iptables'), (err) => {
      assert.ok(err instanceof UnavailableError);
      assert.match(err.message, /^iptables is not usable: cannot run ltst-no-iptables .*not installed/);
      return true;
    });
    const real = await iptables();
    assert.match(real.variant, /^(legacy|nf_tables)$/);
  });

  it('switches ip_forward on only when it is off', async () => {
    const dirs = makeTestDirs('ipfwd');
    cleanup.directory(dirs.root);
    const path = join(dirs.root, 'ip_forward');
    await writeFile(path, '1\n');
    const { mtimeMs } = await import('node:fs').then((fs) => fs.statSync(path));
    assert.equal(await enableIpForward(path), false);
    assert.equal((await import('node:fs')).statSync(path).mtimeMs, mtimeMs);
    await writeFile(path, '0\n');
    assert.equal(await enableIpForward(path), true);
    assert.equal(await readFile(path, 'utf8'), '1\n');
  });
});
