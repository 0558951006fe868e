/**
 * Volumes in containers with the real docker CLI against ladingd (issue 6 item 1): -v binds
 * both ways, named volumes that persist, read-only mounts, the image-VOLUME copy-in with an
 * image that declares a VOLUME with content, --volumes-from, rm -v, a volume in use refused
 * by `docker volume rm`, --mount errors and tmpfs, and inspect's Mounts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BlobDir, buildImage, busyboxRootfs } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { docker } from '../support/cli.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { makeTestDirs } from '../support/test-base.js';

interface InspectMount {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

describe('volumes in containers with the docker CLI', { timeout: 180_000 }, () => {
  const cleanup = useCleanup();
  let daemon: TestDaemon;
  let work: string;
  let dirs: ReturnType<typeof makeTestDirs>;
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
  const mountsOf = async (container: string): Promise<InspectMount[]> =>
    JSON.parse(await ok('inspect', '--format', '{{json .Mounts}}', container)) as InspectMount[];
  const volumeNames = async (): Promise<string[]> =>
    (await ok('volume', 'ls', '-q')).split('\n').filter((line) => line !== '');

  before(async () => {
    dirs = makeTestDirs('volumes-containers');
    cleanup.directory(dirs.root);
    work = join(dirs.root, 'work');
    mkdirSync(work);
    const blobs = await BlobDir.create(work);
    cleanup.defer('fixture blobs', () => blobs.dispose());
    const image = await buildImage(
      {
        layers: [
          [
            ...busyboxRootfs(),
            { type: 'dir', name: 'data', mode: 0o750, uid: 1000, gid: 1000 },
            { type: 'file', name: 'data/seed.txt', content: 'seeded by the image\n', mode: 0o640 },
            { type: 'dir', name: 'data/sub' },
            { type: 'symlink', name: 'data/sub/link', target: '../seed.txt' },
          ],
        ],
        config: { Cmd: ['sh'], Volumes: { '/data': {} } },
      },
      blobs,
    );
    await image.writeDockerArchive(join(work, 'voltest.tar'), { repoTags: ['voltest:latest'] });
    daemon = await startDaemon({ cleanup, label: 'volumes-containers', dirs });
    await ok('load', '-q', '-i', join(work, 'voltest.tar'));
  });

  it('-v hostdir:/data shows the host files and writes back; a missing host dir is created', async () => {
    const host = join(work, 'host-data');
    mkdirSync(host);
    writeFileSync(join(host, 'host.txt'), 'from the host\n');
    const missing = join(work, 'made-by-run');
    const out = await ok(
      'run', '--name', 'binder', '-v', `${host}:/data`, '-v', `${missing}:/made`, 'voltest',
      'sh', '-c', 'cat /data/host.txt; echo back > /data/from-ctr.txt; ls /data',
    ); // prettier-ignore
    assert.equal(out, 'from the host\nfrom-ctr.txt\nhost.txt\n', 'the bind hides the image VOLUME');
    assert.equal(readFileSync(join(host, 'from-ctr.txt'), 'utf8'), 'back\n');
    assert.ok(existsSync(missing), 'docker creates a missing -v source directory');
    const mounts = await mountsOf('binder');
    assert.deepEqual(mounts, [
      { Type: 'bind', Source: host, Destination: '/data', Mode: '', RW: true, Propagation: 'rprivate' },
      { Type: 'bind', Source: missing, Destination: '/made', Mode: '', RW: true, Propagation: 'rprivate' },
    ]);
    const id = (await ok('inspect', '--format', '{{.Id}}', 'binder')).trim();
    const stored = JSON.parse(
      readFileSync(join(daemon.dataRoot, 'containers', id, 'config.v2.json'), 'utf8'),
    ) as {
      MountPoints: Record<string, Record<string, unknown>>;
    };
    assert.deepEqual(stored.MountPoints['/data'], {
      Source: host,
      Destination: '/data',
      RW: true,
      Name: '',
      Driver: '',
      Type: 'bind',
      Propagation: 'rprivate',
      Spec: { Type: 'bind', Source: host, Target: '/data' },
      SkipMountpointCreation: false,
    });
    await ok('rm', '-v', 'binder');
    assert.deepEqual(await volumeNames(), [], 'no anonymous volume was made for the covered VOLUME');
  });

  it('a named volume gets the image content, persists across containers, and ro is read-only', async () => {
    const first = await ok(
      'run',
      '--rm',
      '-v',
      'named:/data',
      'voltest',
      'sh',
      '-c',
      'cat /data/sub/link; echo kept > /data/p',
    );
    assert.equal(first, 'seeded by the image\n');
    assert.equal(await ok('run', '--rm', '-v', 'named:/other', 'voltest', 'cat', '/other/p'), 'kept\n');
    const ro = await docker(
      daemon.host,
      'run',
      '--rm',
      '-v',
      'named:/data:ro',
      'voltest',
      'sh',
      '-c',
      'echo x > /data/y',
    );
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);
    assert.ok((await volumeNames()).includes('named'), 'rm of an --rm container keeps named volumes');
  });

  it('an image VOLUME becomes an anonymous volume with the image content; rm -v removes it', async () => {
    const out = await ok(
      'run',
      '--name',
      'imgvol',
      'voltest',
      'sh',
      '-c',
      'cat /data/seed.txt; stat -c "%u:%g %a" /data /data/seed.txt',
    );
    assert.equal(out, 'seeded by the image\n1000:1000 750\n0:0 640\n');
    const [mount, ...rest] = await mountsOf('imgvol');
    assert.deepEqual(rest, []);
    assert.match(mount?.Name ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(mount, {
      Type: 'volume',
      Name: mount?.Name,
      Source: join(daemon.dataRoot, 'volumes', mount?.Name ?? '', '_data'),
      Destination: '/data',
      Driver: 'local',
      Mode: '',
      RW: true,
      Propagation: '',
    });
    const labels = await ok('volume', 'inspect', '--format', '{{json .Labels}}', mount!.Name!);
    assert.equal(labels.trim(), '{"com.docker.volume.anonymous":""}');
    assert.equal(
      (await ok('ps', '-a', '--filter', `volume=${mount!.Name!}`, '--format', '{{.Names}}')).trim(),
      'imgvol',
    );
    await ok('rm', '-v', 'imgvol');
    assert.ok(!(await volumeNames()).includes(mount!.Name!), 'rm -v removed the anonymous volume');
    assert.ok((await volumeNames()).includes('named'));
    const before = await volumeNames();
    assert.equal(await ok('run', '--rm', 'voltest', 'cat', '/data/seed.txt'), 'seeded by the image\n');
    assert.deepEqual(await volumeNames(), before, '--rm removed its anonymous volume');
  });

  it('--volumes-from shares the volumes (ro when asked); a volume in use cannot be removed', async () => {
    const id = (await ok('create', '--name', 'source', '-v', 'shared:/shared', 'voltest')).trim();
    await ok('run', '--rm', '--volumes-from', 'source', 'voltest', 'sh', '-c', 'echo hi > /shared/f');
    const ro = await docker(
      daemon.host,
      'run',
      '--rm',
      '--volumes-from',
      'source:ro',
      'voltest',
      'sh',
      '-c',
      'echo x > /shared/g',
    );
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);
    assert.equal(await ok('run', '--rm', '-v', 'shared:/s', 'voltest', 'cat', '/s/f'), 'hi\n');
    const inUse = await fails('volume', 'rm', 'shared');
    assert.match(inUse, new RegExp(`remove shared: volume is in use - \\[${id}\\]`));
    await ok('rm', 'source');
    await ok('volume', 'rm', 'shared');
  });

  it('docker cp into and out of a path inside a volume uses the volume', async () => {
    await ok('create', '--name', 'cpv', '-v', 'cpvol:/data', '-v', `${work}:/hostro:ro`, 'voltest');
    const file = join(work, 'to-volume.txt');
    writeFileSync(file, 'copied in\n');
    await ok('cp', file, 'cpv:/data/');
    assert.equal(
      await ok('run', '--rm', '-v', 'cpvol:/d', 'voltest', 'cat', '/d/to-volume.txt'),
      'copied in\n',
    );
    const out = join(work, 'cp-out');
    mkdirSync(out);
    await ok('cp', 'cpv:/data/seed.txt', out);
    assert.equal(readFileSync(join(out, 'seed.txt'), 'utf8'), 'seeded by the image\n');
    await ok('cp', 'cpv:/data', out);
    assert.equal(
      readFileSync(join(out, 'data', 'to-volume.txt'), 'utf8'),
      'copied in\n',
      'the volume, not the layer',
    );
    const contents = join(work, 'cp-contents');
    mkdirSync(contents);
    await ok('cp', 'cpv:/data/.', contents);
    assert.ok(existsSync(join(contents, 'to-volume.txt')) && existsSync(join(contents, 'seed.txt')));
    assert.match(await fails('cp', file, 'cpv:/hostro/'), /mounted volume is marked read-only/);
    await ok('rm', 'cpv');
  });

  it('refuses bad mounts with dockerd’s wording; --mount tmpfs and bind work', async () => {
    assert.match(
      await fails(
        'run',
        '--rm',
        '--mount',
        'type=bind,source=/nonexistent-lading,target=/x',
        'voltest',
        'true',
      ),
      /invalid mount config for type "bind": bind source path does not exist: \/nonexistent-lading/,
    );
    assert.match(
      await fails('run', '--rm', '-v', '/tmp:/x', '-v', '/var:/x', 'voltest', 'true'),
      /Duplicate mount point: \/x/,
    );
    assert.match(await fails('run', '--rm', '-v', '/tmp:/x:bogus', 'voltest', 'true'), /invalid mode: bogus/);
    const tmpfs = await ok(
      'run', '--rm', '--mount', 'type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=1770', 'voltest',
      'sh', '-c', 'grep " /t " /proc/mounts; stat -c %a /t',
    ); // prettier-ignore
    assert.match(tmpfs, /^tmpfs \/t tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k,mode=1770/);
    assert.match(tmpfs, /\n1770\n$/);
    const dir = join(work, 'mount-bind');
    mkdirSync(dir);
    writeFileSync(join(dir, 'm.txt'), 'mounted\n');
    assert.equal(
      await ok(
        'run',
        '--rm',
        '--mount',
        `type=bind,source=${dir},target=/m,readonly`,
        'voltest',
        'cat',
        '/m/m.txt',
      ),
      'mounted\n',
    );
  });

  it('after a daemon restart, a container still holds its volumes', async () => {
    const id = (await ok('create', '--name', 'keeper', '-v', 'keepvol:/k', 'voltest')).trim();
    assert.equal(await daemon.stop('SIGTERM'), 0);
    daemon = await startDaemon({ cleanup, label: 'volumes-containers', dirs });
    assert.match(await fails('volume', 'rm', 'keepvol'), new RegExp(`volume is in use - \\[${id}\\]`));
    await ok('start', 'keeper');
    await ok('rm', '-f', 'keeper');
    await ok('volume', 'rm', 'keepvol');
  });
});
