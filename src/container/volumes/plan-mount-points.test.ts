import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '../../errors/index.js';
import type { MountPointRecord } from './mount-point.js';
import { planMountPoints } from './plan-mount-points.js';
import { parseVolumesFrom } from './volumes-from.js';

const DATA: MountPointRecord = {
  Source: '/var/lib/lading/volumes/dbdata/_data',
  Destination: '/data',
  RW: true,
  Name: 'dbdata',
  Driver: 'local',
  Type: 'volume',
  Relabel: 'z',
  Spec: { Type: 'volume', Source: 'dbdata', Target: '/data' },
  SkipMountpointCreation: false,
};
const LOGS: MountPointRecord = { ...DATA, Destination: '/logs', Name: 'logs', Spec: {} };

function others(name: string): Record<string, MountPointRecord> {
  if (name === 'db') return { '/data': DATA, '/logs': LOGS };
  throw new NotFoundError(`No such container: ${name}`);
}

describe('planMountPoints', () => {
  it('refuses two mounts at one destination, or a bind over a --tmpfs', () => {
    const dup = (hostConfig: Parameters<typeof planMountPoints>[0], message: string) =>
      assert.throws(
        () => planMountPoints(hostConfig, others),
        (err: unknown) => err instanceof InvalidArgumentError && err.message === message,
      );
    dup({ Binds: ['/a:/x', 'v:/x/'] }, 'Duplicate mount point: /x');
    dup({ Binds: ['/a:/run'], Tmpfs: { '/run': '' } }, 'Duplicate mount point: /run');
    dup(
      { Binds: ['/a:/x'], Mounts: [{ Type: 'volume', Source: 'v', Target: '/x/' }] },
      'Duplicate mount point: /x/',
    );
  });

  it('takes --volumes-from first, ro making them read-only; own mounts replace them', () => {
    const plan = planMountPoints({ VolumesFrom: ['db:ro'], Binds: ['/srv:/logs'] }, others);
    assert.deepEqual([...plan.keys()], ['/data', '/logs']);
    const data = plan.get('/data')!;
    assert.equal(data.record.RW, false);
    assert.equal(data.record.Name, 'dbdata');
    assert.equal(data.copyData, false);
    assert.equal(data.fromContainer, true);
    assert.equal(plan.get('/logs')!.record.Type, 'bind');
  });

  it('an unknown --volumes-from container is a 400 with Docker’s wording', () => {
    assert.throws(
      () => planMountPoints({ VolumesFrom: ['nope'] }, others),
      (err: unknown) => err instanceof InvalidArgumentError && err.message === 'No such container: nope',
    );
  });

  it('parses --volumes-from modes as moby does', () => {
    assert.deepEqual(parseVolumesFrom('db'), { container: 'db', mode: 'rw' });
    assert.deepEqual(parseVolumesFrom('db:ro'), { container: 'db', mode: 'ro' });
    for (const bad of ['db:rshared', 'db:nocopy', 'db:bogus']) {
      assert.throws(() => parseVolumesFrom(bad), { message: `invalid mode: ${bad.slice(3)}` });
    }
    assert.throws(() => parseVolumesFrom(''), {
      message: 'volumes-from specification cannot be an empty string',
    });
  });
});
