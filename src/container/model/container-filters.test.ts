import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '../../errors/index.js';
import { filterContainers, type ContainerFilterHelpers } from './container-filters.js';
import type { ContainerRecord } from './container-record.js';
import { setPaused, setRunning, setStopped } from './container-state.js';
import { testId, testRecord } from './record.testfixture.js';

const IMAGE_A = `sha256:${'aa'.repeat(32)}`;
const IMAGE_B = `sha256:${'bb'.repeat(32)}`;

/** web (running, oldest) → db (exited 0) → job (exited 2) → fresh (created) → paused (newest). */
function fixture(): ContainerRecord[] {
  const web = testRecord(testId('a1'), '/web', '2026-11-29T12:00:01Z', {
    Image: 'a',
    Cmd: ['sh'],
    Labels: { tier: 'front', env: 'prod' },
  });
  setRunning(web, 10, '2026-11-29T12:00:05Z');
  web.Image = IMAGE_A;
  web.NetworkSettings.Ports = { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] };
  web.NetworkSettings.Networks = { bridge: { NetworkID: 'net123' } as never };
  const db = testRecord(testId('a2'), '/db', '2026-11-29T12:00:02Z', {
    Image: 'b',
    Cmd: ['sh'],
    Labels: { tier: 'back' },
  });
  setRunning(db, 11, '2026-11-29T12:00:05Z');
  setStopped(db, { code: 0, finishedAt: '2026-11-29T12:00:06Z' });
  db.Image = IMAGE_B;
  db.MountPoints = { '/data': { Type: 'volume', Name: 'dbdata', Source: '/v/dbdata/_data', Destination: '/data', Driver: 'local', Relabel: 'z', RW: true, Spec: { Type: 'volume', Source: 'dbdata', Target: '/data' }, SkipMountpointCreation: false } }; // prettier-ignore
  const job = testRecord(testId('b3'), '/job', '2026-11-29T12:00:03.5Z');
  setRunning(job, 12, '2026-11-29T12:00:05Z');
  setStopped(job, { code: 2, finishedAt: '2026-11-29T12:00:06Z' });
  const fresh = testRecord(testId('c4'), '/fresh', '2026-11-29T12:00:03.25Z');
  const paused = testRecord(testId('d5'), '/paused', '2026-11-29T12:00:04Z');
  setRunning(paused, 13, '2026-11-29T12:00:05Z');
  setPaused(paused);
  return [web, db, job, fresh, paused];
}

const helpers: ContainerFilterHelpers = {
  imageAndDescendants: (ancestor) => {
    if (ancestor === 'a') return [IMAGE_A, IMAGE_B]; // b is built on a
    if (ancestor === 'b') return [IMAGE_B];
    throw new Error('No such image');
  },
};

async function ps(query: {
  all?: boolean;
  limit?: number;
  filters?: Record<string, string[]>;
}): Promise<string[]> {
  const filters = new Map(Object.entries(query.filters ?? {}));
  const list = await filterContainers(fixture(), { all: query.all, limit: query.limit, filters }, helpers);
  return list.map((r) => r.Name.slice(1));
}

describe('filterContainers', () => {
  const cases: [string, Parameters<typeof ps>[0], string[]][] = [
    ['running only by default, newest first', {}, ['paused', 'web']],
    ['all', { all: true }, ['paused', 'job', 'fresh', 'db', 'web']],
    ['limit implies all', { limit: 2 }, ['paused', 'job']],
    ['status implies all', { filters: { status: ['exited'] } }, ['job', 'db']],
    ['status alternatives', { filters: { status: ['created', 'paused'] } }, ['paused', 'fresh']],
    [
      'name is a regexp, with or without /',
      { all: true, filters: { name: ['^/?(web|db)$'] } },
      ['db', 'web'],
    ],
    ['name unanchored', { all: true, filters: { name: ['e'] } }, ['paused', 'fresh', 'web']],
    ['id prefix', { all: true, filters: { id: ['b3'] } }, ['job']],
    ['ambiguous id prefix matches nothing', { all: true, filters: { id: ['a'] } }, []],
    ['id and name must both hold', { all: true, filters: { id: ['a1'], name: ['db'] } }, []],
    ['label key', { all: true, filters: { label: ['tier'] } }, ['db', 'web']],
    ['label key=value, all must hold', { all: true, filters: { label: ['tier=front', 'env'] } }, ['web']],
    ['exited code', { all: true, filters: { exited: ['0'] } }, ['db']],
    ['exited alternatives skip never-started', { all: true, filters: { exited: ['0', '2'] } }, ['job', 'db']],
    ['before a name', { all: true, filters: { before: ['job'] } }, ['fresh', 'db', 'web']],
    ['since an id', { all: true, filters: { since: [testId('a2')] } }, ['paused', 'job', 'fresh']],
    [
      'before and since',
      { all: true, filters: { before: ['paused'], since: ['/web'] } },
      ['job', 'fresh', 'db'],
    ],
    ['ancestor and descendants', { all: true, filters: { ancestor: ['a'] } }, ['db', 'web']],
    ['ancestor exact', { all: true, filters: { ancestor: ['b'] } }, ['db']],
    ['unknown ancestor matches nothing', { all: true, filters: { ancestor: ['nope'] } }, []],
    ['volume by name or destination', { all: true, filters: { volume: ['dbdata', '/nothing'] } }, ['db']],
    ['network by name or id prefix', { all: true, filters: { network: ['net1'] } }, ['web']],
    ['publish', { all: true, filters: { publish: ['8080'] } }, ['web']],
    ['expose a range', { all: true, filters: { expose: ['79-81/tcp'] } }, ['web']],
    [
      'health none matches all',
      { all: true, filters: { health: ['none'] } },
      ['paused', 'job', 'fresh', 'db', 'web'],
    ],
    ['health healthy matches none', { all: true, filters: { health: ['healthy'] } }, []],
    [
      'is-task=false',
      { all: true, filters: { 'is-task': ['false'] } },
      ['paused', 'job', 'fresh', 'db', 'web'],
    ],
    ['is-task=true', { all: true, filters: { 'is-task': ['true'] } }, []],
    ['limit with a filter', { limit: 1, filters: { status: ['exited'] } }, ['job']],
  ];
  for (const [label, query, expected] of cases) {
    it(label, async () => assert.deepEqual(await ps(query), expected));
  }

  const errors: [Record<string, string[]>, string, new (...args: never[]) => Error][] = [
    [{ colour: ['red'] }, "invalid filter 'colour'", InvalidArgumentError],
    [
      { status: ['foo'] },
      "invalid filter 'status=foo': invalid value for state (foo): must be one of created, running, paused, restarting, removing, exited, dead",
      InvalidArgumentError,
    ],
    [
      { exited: ['x'] },
      `invalid filter 'exited=x': strconv.Atoi: parsing "x": invalid syntax`,
      InvalidArgumentError,
    ],
    [
      { health: ['sick'] },
      "invalid filter 'health=sick': invalid value for health (sick): must be one of none, starting, healthy, unhealthy",
      InvalidArgumentError,
    ],
    [{ 'is-task': ['maybe'] }, "invalid filter 'is-task=[maybe]'", InvalidArgumentError],
    [{ before: ['ghost'] }, 'No such container: ghost', NotFoundError],
    [
      { publish: ['127.0.0.1:80'] },
      "filter for 'publish' should not contain ':': 127.0.0.1:80",
      InvalidArgumentError,
    ],
  ];
  for (const [filters, message, kind] of errors) {
    it(`refuses with "${message}"`, async () => {
      await assert.rejects(
        ps({ filters }),
        (err) => err instanceof kind && (err as Error).message === message,
      );
    });
  }
});
