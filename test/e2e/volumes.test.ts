/**
 * `docker volume create|ls|inspect|rm|prune`, `system df -v` and volume events with the real
 * docker CLI against ladingd, and the same commands from lading's own CLI (issue 6 items 1
 * and 7). Containers using volumes are tested in volumes-containers.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BlobDir, buildImage, busyboxRootfs } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { mountsUnder } from '../support/mounts.js';
import { DOCKER_BIN, docker, lading, runCommand } from '../support/cli.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { testBase } from '../support/test-base.js';

const INVALID_NAME = (name: string): string =>
  `Error response from daemon: create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path\n`;

describe('volumes with the docker CLI', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let daemon: TestDaemon;
  const ok = async (...args: string[]): Promise<string> => {
    const result = await docker(daemon.host, ...args);
    assert.equal(result.code, 0, `docker ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  };
  const fails = async (...args: string[]): Promise<string> => {
    const result = await docker(daemon.host, ...args);
    assert.notEqual(result.code, 0, `docker ${args.join(' ')} should fail:\n${result.stdout}`);
    return result.stderr;
  };
  /** The docker CLI with `answer` on its stdin (for prune's question). */
  const withAnswer = (answer: string, ...args: string[]) =>
    runCommand(
      'sh',
      ['-c', `host=$1; shift; printf '${answer}' | "$0" -H "$host" "$@"`, DOCKER_BIN, daemon.host, ...args],
      {
        DOCKER_CONFIG: join(testBase(), 'docker-config'),
      },
    );

  before(async () => {
    daemon = await startDaemon({ cleanup, label: 'volumes' });
    const work = join(daemon.root, 'work');
    mkdirSync(work);
    const blobs = await BlobDir.create(work);
    cleanup.defer('fixture blobs', () => blobs.dispose());
    const image = await buildImage({ layers: [busyboxRootfs()], config: { Cmd: ['sh'] } }, blobs);
    await image.writeDockerArchive(join(work, 'busybox.tar'), { repoTags: ['busybox:latest'] });
    await ok('load', '-q', '-i', join(work, 'busybox.tar'));
  });

  it('creates named volumes in Docker layout and lists them in docker order', async () => {
    assert.equal(await ok('volume', 'create', 'data'), 'data\n');
    assert.equal(await ok('volume', 'create', 'data'), 'data\n', 'an existing name is returned as is');
    assert.equal(
      await ok(
        'volume',
        'create',
        '--label',
        'tier=db',
        '-o',
        'type=tmpfs',
        '-o',
        'device=tmpfs',
        '-o',
        'o=size=1m',
        'v10',
      ),
      'v10\n',
    );
    await ok('volume', 'create', 'v2');
    const mountpoint = join(daemon.dataRoot, 'volumes', 'data', '_data');
    assert.ok(statSync(mountpoint).isDirectory());
    assert.equal(statSync(join(daemon.dataRoot, 'volumes', 'data')).mode & 0o777, 0o701);

    assert.equal(
      await ok('volume', 'ls'),
      'DRIVER    VOLUME NAME\nlocal     data\nlocal     v2\nlocal     v10\n',
    );
    assert.equal(await ok('volume', 'ls', '-q', '--filter', 'label=tier=db'), 'v10\n');
    assert.equal(await ok('volume', 'ls', '-q', '-f', 'name=^v', '-f', 'dangling=true'), 'v2\nv10\n');
    assert.equal(
      await ok('volume', 'ls', '--format', '{{.Name}} {{.Scope}} {{.Labels}}', '-f', 'name=v10'),
      'v10 local tier=db\n',
    );
    assert.match(await fails('volume', 'ls', '-f', 'bogus=1'), /invalid filter 'bogus'/);
  });

  it('inspects as dockerd does, and reports missing volumes', async () => {
    const [data] = JSON.parse(await ok('volume', 'inspect', 'data')) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(data ?? {}), [
      'CreatedAt',
      'Driver',
      'Labels',
      'Mountpoint',
      'Name',
      'Options',
      'Scope',
    ]);
    assert.equal(data?.Driver, 'local');
    assert.equal(data?.Labels, null);
    assert.equal(data?.Options, null);
    assert.equal(data?.Mountpoint, join(daemon.dataRoot, 'volumes', 'data', '_data'));
    assert.match(String(data?.CreatedAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    assert.equal(
      await ok('volume', 'inspect', '-f', '{{.Name}} {{.Options.type}} {{index .Labels "tier"}}', 'v10'),
      'v10 tmpfs db\n',
    );
    const missing = await docker(daemon.host, 'volume', 'inspect', 'data', 'nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /get nope: no such volume/);
    // Plain `docker inspect` finds volumes too.
    assert.equal(await ok('inspect', '-f', '{{.Name}}', 'v2'), 'v2\n');
  });

  it('refuses bad names, drivers and options with dockerd messages', async () => {
    assert.equal(await fails('volume', 'create', '../x'), INVALID_NAME('../x'));
    assert.equal(await fails('volume', 'create', '.hidden'), INVALID_NAME('.hidden'));
    assert.equal(
      await fails('volume', 'create', 'a'),
      'Error response from daemon: create a: volume name is too short, names should be at least two alphanumeric characters\n',
    );
    assert.equal(
      await fails('volume', 'create', '-d', 'flocker', 'x1'),
      'Error response from daemon: create x1: error looking up volume plugin flocker: plugin "flocker" not found\n',
    );
    assert.equal(
      await fails('volume', 'create', '-o', 'foo=bar', 'x1'),
      'Error response from daemon: create x1: invalid option: "foo"\n',
    );
    assert.equal(
      await fails('volume', 'create', '-o', 'size=10m', 'x1'),
      'Error response from daemon: create x1: quota size requested but no quota support\n',
    );
    assert.ok(!existsSync(join(daemon.dataRoot, 'x')) && !existsSync(join(daemon.dataRoot, 'volumes', 'x1')));
  });

  it('prunes only anonymous volumes unless --all, after asking', async () => {
    const anonymous = (await ok('volume', 'create')).trim();
    assert.match(anonymous, /^[0-9a-f]{64}$/);
    assert.equal(
      await ok('volume', 'inspect', '-f', '{{json .Labels}}', anonymous),
      '{"com.docker.volume.anonymous":""}\n',
    );

    const declined = await withAnswer('n\\n', 'volume', 'prune');
    assert.equal(
      declined.stdout,
      'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ',
    );
    assert.ok((await ok('volume', 'ls', '-q')).includes(anonymous), 'a declined prune removes nothing');

    const accepted = await withAnswer('y\\n', 'volume', 'prune');
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal(
      accepted.stdout,
      'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ' +
        `Deleted Volumes:\n${anonymous}\n\nTotal reclaimed space: 0B\n`,
    );
    assert.equal(await ok('volume', 'prune', '-f'), 'Total reclaimed space: 0B\n');
    assert.equal(await ok('volume', 'ls', '-q'), 'data\nv2\nv10\n');

    // --all takes named ones too, but never one with mount options (its data is elsewhere).
    assert.equal(
      await ok('volume', 'prune', '-a', '-f', '--filter', 'label!=keep'),
      'Deleted Volumes:\ndata\nv2\n\nTotal reclaimed space: 0B\n',
    );
    assert.equal(await ok('volume', 'ls', '-q'), 'v10\n');
  });

  it('removes volumes, reporting each name, and shows them in system df', async () => {
    await ok('volume', 'create', 'big');
    writeFileSync(join(daemon.dataRoot, 'volumes', 'big', '_data', 'f'), Buffer.alloc(2048));
    const df = await ok(
      'system',
      'df',
      '-v',
      '--format',
      '{{range .Volumes}}{{.Name}} {{.Links}} {{.Size}}\n{{end}}',
    );
    assert.equal(df, 'big 0 2.048kB\n');
    assert.equal(await ok('volume', 'rm', 'big', 'v10'), 'big\nv10\n');
    const missing = await docker(daemon.host, 'volume', 'rm', 'nope');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error response from daemon: get nope: no such volume\n');
    assert.equal(await ok('volume', 'rm', '-f', 'nope'), 'nope\n');
    assert.equal(await ok('volume', 'ls', '-q'), '');
  });

  it('refuses to remove or prune a volume a container uses', async () => {
    await ok('volume', 'create', 'inuse');
    const id = (await ok('create', '-v', 'inuse:/data', 'busybox', 'true')).trim();
    assert.equal(
      await fails('volume', 'rm', 'inuse'),
      `Error response from daemon: remove inuse: volume is in use - [${id}]\n`,
    );
    assert.equal(await ok('volume', 'ls', '-q', '-f', 'dangling=false'), 'inuse\n');
    assert.equal(await ok('volume', 'prune', '-a', '-f'), 'Total reclaimed space: 0B\n');
    const df = await ok('system', 'df', '-v', '--format', '{{range .Volumes}}{{.Name}} {{.Links}}\n{{end}}');
    assert.equal(df, 'inuse 1\n');
    await ok('rm', id);
    assert.equal(await ok('volume', 'rm', 'inuse'), 'inuse\n');
  });

  it('mounts a tmpfs volume while a container runs, with mount and unmount events', async () => {
    await ok('volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', 'scratch');
    const data = join(daemon.dataRoot, 'volumes', 'scratch', '_data');
    const id = (await ok('create', '-v', 'scratch:/x', 'busybox', 'sleep', '100')).trim();
    // Events from the start on (fractional seconds, so create's own are left out).
    const since = (Date.now() / 1000).toFixed(3);
    await ok('start', id);
    assert.ok(mountsUnder(data).includes(data), 'mounted for the running container');
    assert.match(await ok('exec', id, 'grep', ' /x ', '/proc/mounts'), /^tmpfs \/x tmpfs /);
    await ok('exec', id, 'sh', '-c', 'echo shared > /x/f');
    assert.equal(readFileSync(join(data, 'f'), 'utf8'), 'shared\n');
    await ok('rm', '-f', id);
    assert.deepEqual(mountsUnder(data), [], 'unmounted after the last container');
    const until = Math.floor(Date.now() / 1000) + 1;
    const events = await ok(
      'events',
      '--since',
      since,
      '--until',
      String(until),
      '--filter',
      'type=volume',
      '--filter',
      'volume=scratch',
      '--format',
      '{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.container}} {{.Actor.Attributes.destination}}',
    );
    assert.equal(events, `mount scratch ${id} /x\nunmount scratch ${id} <no value>\n`);
    await ok('volume', 'rm', 'scratch');
  });

  it('publishes create and destroy events', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await ok('volume', 'create', 'evt');
    await ok('volume', 'rm', 'evt');
    const until = Math.floor(Date.now() / 1000) + 1;
    const out = await ok(
      'events',
      '--since',
      String(since),
      '--until',
      String(until),
      '--filter',
      'type=volume',
      '--filter',
      'volume=evt',
      '--format',
      '{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.driver}}',
    );
    assert.equal(out, 'volume create evt local\nvolume destroy evt local\n');
  });

  it('serves the lading CLI the same way', async () => {
    const env = { DOCKER_HOST: daemon.host };
    const run = async (...args: string[]): Promise<string> => {
      const result = await lading(args, env);
      assert.equal(result.code, 0, `lading ${args.join(' ')} failed:\n${result.stderr}`);
      return result.stdout;
    };
    assert.equal(await run('volume', 'create', '--label', 'x=1', 'lv'), 'lv\n');
    assert.equal(await run('volume', 'ls'), 'DRIVER    VOLUME NAME\nlocal     lv\n');
    assert.equal(await run('volume', 'ls', '--format', '{{.Name}}:{{.Labels}}'), 'lv:x=1\n');
    const [inspected] = JSON.parse(await run('volume', 'inspect', 'lv')) as {
      Name: string;
      Labels: unknown;
    }[];
    assert.deepEqual([inspected?.Name, inspected?.Labels], ['lv', { x: '1' }]);
    const anonymous = (await run('volume', 'create')).trim();
    assert.equal(
      await run('volume', 'prune', '-f'),
      `Deleted Volumes:\n${anonymous}\n\nTotal reclaimed space: 0B\n`,
    );
    const bad = await lading(['volume', 'rm', 'lv', 'nope'], env);
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, 'lv\n');
    assert.equal(bad.stderr, 'Error response from daemon: get nope: no such volume\n');
    assert.equal(readFileSync(daemon.logFile, 'utf8').includes('level=error'), false);
  });
});
