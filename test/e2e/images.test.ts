/**
 * Images end to end: a real ladingd (its own data root) driven by the real docker CLI —
 * load (current, legacy, OCI layout, gzip), images, inspect, history, tag, rmi, save | load
 * round trip, import, system df, events — and the hostile case of a layer that does not
 * match its diffID (hostile-input row 17), which must leave no layer behind.
 *
 * The main fixture's layers are in Go's canonical tar form (sorted, ustar, whiteouts as
 * Docker writes them); a second image in the fixture builder's default PAX form checks that
 * save reproduces layers whatever form they arrived in (the layer store keeps tar-split).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import {
  BlobDir,
  buildImage,
  busyboxRootfs,
  opaque,
  tar,
  whiteout,
  type BuiltImage,
  type TarEntry,
} from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { docker } from '../support/cli.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { engineRequest } from '../support/engine-request.js';
import { makeTestDirs } from '../support/test-base.js';

/** The busybox base in canonical form; a second image on the same base shares its layer. */
const BASE_LAYER = () => ({
  entries: sorted(busyboxRootfs()),
  format: 'ustar' as const,
  createdBy: 'ADD rootfs',
});

function sorted(entries: TarEntry[]): TarEntry[] {
  const name = (e: TarEntry): string => String((e as { name: string }).name);
  return [...entries].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}

/** Whiteouts as the layer store writes them back: mode 0600 and mtime 0; opaque: the dir's mode. */
const canonicalWhiteout = (path: string): TarEntry => ({ ...whiteout(path), mode: 0o600, mtime: 0 });
const canonicalOpaque = (dir: string): TarEntry => ({ ...opaque(dir), mode: 0o755, mtime: 0 });

async function ok(host: string, ...args: string[]): Promise<string> {
  const result = await docker(host, ...args);
  assert.equal(result.code, 0, `docker ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

describe('images with the docker CLI', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  let daemon: TestDaemon;
  let work: string;
  let blobs: BlobDir;
  let canon: BuiltImage;
  let driver: string;

  const layerRecords = (): string[] => {
    const dir = join(daemon.dataRoot, 'image', driver, 'layerdb', 'sha256');
    return existsSync(dir) ? readdirSync(dir).sort() : [];
  };
  const driverDirs = (): string[] => {
    const dir = join(daemon.dataRoot, driver);
    return existsSync(dir) ? readdirSync(dir).sort() : [];
  };

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'the e2e tests run as root');
    const dirs = makeTestDirs('images');
    cleanup.directory(dirs.root);
    work = join(dirs.root, 'work');
    await mkdir(work);
    blobs = await BlobDir.create(work);
    cleanup.defer('fixture blobs', () => blobs.dispose());
    canon = await buildImage(
      {
        layers: [
          BASE_LAYER(),
          {
            entries: sorted([
              { type: 'dir', name: 'etc' },
              { type: 'file', name: 'etc/motd', content: 'hello\n' },
              { type: 'dir', name: 'opt' },
              { type: 'dir', name: 'opt/app' },
              { type: 'file', name: 'opt/app/a', content: 'a' },
              { type: 'file', name: 'opt/app/b', content: 'b' },
            ]),
            format: 'ustar',
            createdBy: 'COPY app /opt/app',
          },
          {
            entries: [
              { type: 'dir', name: 'etc' },
              canonicalWhiteout('etc/motd'),
              { type: 'dir', name: 'opt' },
              { type: 'dir', name: 'opt/app' },
              canonicalOpaque('opt/app'),
              { type: 'file', name: 'opt/app/c', content: 'c' },
            ],
            format: 'ustar',
            createdBy: 'RUN rm /etc/motd && replace /opt/app',
          },
        ],
        config: { Cmd: ['/bin/sh'], Env: ['PATH=/bin'], Labels: { 'org.example.kind': 'fixture' } },
        emptyLayerHistory: ['ENV PATH=/bin', 'CMD ["/bin/sh"]'],
        compression: 'gzip',
      },
      blobs,
    );
    await canon.writeDockerArchive(join(work, 'canon.tar'), { repoTags: ['canon:latest'] });
    await canon.writeDockerArchive(join(work, 'legacy.tar'), { repoTags: ['legacy:1'], form: 'legacy' });
    writeFileSync(join(work, 'canon.tar.gz'), gzipSync(readFileSync(join(work, 'canon.tar'))));

    daemon = await startDaemon({ cleanup, label: 'images-daemon', config: { 'log-level': 'debug' } });
    driver = (await ok(daemon.host, 'info', '--format', '{{.Driver}}')).trim();
    assert.ok(driver === 'overlay2' || driver === 'vfs', driver);
  });

  it('loads a docker save archive and lists it', async () => {
    const out = await ok(daemon.host, 'load', '-i', join(work, 'canon.tar'));
    assert.match(out, /Loaded image: canon:latest/);
    const rows = await ok(daemon.host, 'images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}');
    assert.match(rows, new RegExp(`^canon:latest ${canon.id.slice(7, 19)} `, 'm'));
    const ids = await ok(daemon.host, 'images', '-q', '--no-trunc');
    assert.equal(ids.trim(), canon.id);
    const info = await ok(daemon.host, 'info', '--format', '{{.Images}} {{.Driver}}');
    assert.equal(info.trim(), `1 ${driver}`);
  });

  it('inspects it as Docker does', async () => {
    const [image] = JSON.parse(await ok(daemon.host, 'image', 'inspect', 'canon')) as Record<
      string,
      unknown
    >[];
    assert.ok(image);
    assert.equal(image.Id, canon.id);
    assert.deepEqual(image.RepoTags, ['canon:latest']);
    assert.deepEqual((image.RootFS as { Layers: string[] }).Layers, canon.config.rootfs.diff_ids);
    assert.deepEqual((image.Config as { Cmd: string[] }).Cmd, ['/bin/sh']);
    assert.equal(image.Created, '2024-01-01T00:00:00Z');
    assert.equal(image.Os, 'linux');
    assert.equal((image.GraphDriver as { Name: string }).Name, driver);
    assert.ok((image.Size as number) > 1000);
    const fmt = await ok(daemon.host, 'image', 'inspect', '--format', '{{.Id}}', canon.id.slice(7, 19));
    assert.equal(fmt.trim(), canon.id);
    const missing = await docker(daemon.host, 'image', 'inspect', 'nope');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /No such image: nope:latest/);
  });

  it('shows history newest first with <missing> below the top', async () => {
    const out = await ok(daemon.host, 'history', '--no-trunc', '--format', '{{.ID}}|{{.CreatedBy}}', 'canon');
    const rows = out.trim().split('\n');
    assert.deepEqual(rows, [
      `${canon.id}|CMD ["/bin/sh"]`,
      '<missing>|ENV PATH=/bin',
      '<missing>|RUN rm /etc/motd && replace /opt/app',
      '<missing>|COPY app /opt/app',
      '<missing>|ADD rootfs',
    ]);
  });

  it('tags and untags; rmi of one tag among several only untags', async () => {
    await ok(daemon.host, 'tag', 'canon', 'user/app:v1');
    await ok(daemon.host, 'tag', canon.id, 'localhost:5000/a/b:t');
    const filtered = await ok(
      daemon.host,
      'images',
      '--filter',
      'reference=user/*',
      '--format',
      '{{.Repository}}:{{.Tag}}',
    );
    assert.equal(filtered.trim(), 'user/app:v1');
    const labelled = await ok(daemon.host, 'images', '-q', '--filter', 'label=org.example.kind=fixture');
    assert.equal(labelled.trim().split('\n').length, 3);
    const out = await ok(daemon.host, 'rmi', 'user/app:v1');
    assert.equal(out.trim(), 'Untagged: user/app:v1');
    const byId = await docker(daemon.host, 'rmi', canon.id.slice(7, 19));
    assert.notEqual(byId.code, 0);
    assert.match(
      byId.stderr,
      /conflict: unable to delete [0-9a-f]{12} \(must be forced\) - image is referenced in multiple repositories/,
    );
    const bad = await docker(daemon.host, 'tag', 'canon', 'Bad');
    assert.notEqual(bad.code, 0);
    const missing = await docker(daemon.host, 'rmi', 'nope');
    assert.match(missing.stderr, /No such image: nope:latest/);
  });

  it('save | load round-trips byte-identical config and diffIDs', async () => {
    const saved = join(work, 'saved.tar');
    await ok(daemon.host, 'save', '-o', saved, 'canon');
    const names = spawnSync('tar', ['-tf', saved], { encoding: 'utf8' }).stdout.split('\n');
    for (const expected of [
      'oci-layout',
      'index.json',
      'manifest.json',
      'repositories',
      `blobs/sha256/${canon.id.slice(7)}`,
    ]) {
      assert.ok(names.includes(expected), `${expected} in ${names.join(',')}`);
    }
    const config = spawnSync('tar', ['-xOf', saved, `blobs/sha256/${canon.id.slice(7)}`]);
    assert.deepEqual(config.stdout, await blobs.read(canon.id));
    const manifest = JSON.parse(
      spawnSync('tar', ['-xOf', saved, 'manifest.json'], { encoding: 'utf8' }).stdout,
    );
    assert.deepEqual(manifest[0].RepoTags, ['canon:latest']);

    const removed = await ok(daemon.host, 'rmi', '-f', canon.id);
    assert.match(removed, /Untagged: canon:latest/);
    assert.match(removed, new RegExp(`Deleted: ${canon.id}`));
    assert.deepEqual(layerRecords(), [], 'every layer record is gone with the last image');
    assert.ok(
      driverDirs().every((d) => d === 'l'),
      `driver dirs left: ${driverDirs().join(',')}`,
    );

    assert.match(await ok(daemon.host, 'load', '-i', saved), /Loaded image: canon:latest/);
    const [image] = JSON.parse(await ok(daemon.host, 'image', 'inspect', 'canon')) as Record<
      string,
      unknown
    >[];
    assert.equal(image?.Id, canon.id);
    assert.deepEqual((image?.RootFS as { Layers: string[] }).Layers, canon.config.rootfs.diff_ids);
  });

  it('saves layers whatever tar form they were loaded in', async () => {
    const pax = await buildImage(
      { layers: [busyboxRootfs(), [{ type: 'file', name: 'pax', content: 'p', mtime: new Date(1.5e12) }]] },
      blobs,
    );
    await pax.writeDockerArchive(join(work, 'pax.tar'), { repoTags: ['pax:1'] });
    await ok(daemon.host, 'load', '-i', join(work, 'pax.tar'));
    await ok(daemon.host, 'save', '-o', join(work, 'pax-saved.tar'), 'pax:1');
    await ok(daemon.host, 'rmi', 'pax:1');
    assert.match(await ok(daemon.host, 'load', '-i', join(work, 'pax-saved.tar')), /Loaded image: pax:1/);
    const id = await ok(daemon.host, 'image', 'inspect', '--format', '{{.Id}}', 'pax:1');
    assert.equal(id.trim(), pax.id);
    await ok(daemon.host, 'rmi', 'pax:1');
  });

  it('loads the legacy form, gzip archives and plain OCI layouts', async () => {
    assert.match(await ok(daemon.host, 'load', '-i', join(work, 'legacy.tar')), /Loaded image: legacy:1/);
    assert.match(
      await ok(daemon.host, 'load', '-i', join(work, 'canon.tar.gz')),
      /Loaded image: canon:latest/,
    );

    const other = await buildImage(
      { layers: [busyboxRootfs(), [{ type: 'file', name: 'oci', content: 'layout' }]], compression: 'gzip' },
      blobs,
    );
    const layoutDir = join(work, 'layout');
    await other.writeOciLayout(layoutDir, { tag: 'v1' });
    assert.equal(spawnSync('tar', ['-C', layoutDir, '-cf', join(work, 'layout.tar'), '.']).status, 0);
    const out = await ok(daemon.host, 'load', '-i', join(work, 'layout.tar'));
    assert.match(out, new RegExp(`Loaded image ID: ${other.id}`));
    const dangling = await ok(daemon.host, 'images', '-q', '--no-trunc', '--filter', 'dangling=true');
    assert.equal(dangling.trim(), other.id);
    const pruned = await ok(daemon.host, 'image', 'prune', '-f');
    assert.match(pruned, new RegExp(`deleted: ${other.id}`));
  });

  it('rejects a layer that does not match its diffID and keeps nothing (hostile row 17)', async () => {
    const good = await buildImage(
      { layers: [[{ type: 'file', name: 'f', content: 'good' }]], compression: 'none' },
      blobs,
    );
    const evil = await buildImage(
      { layers: [[{ type: 'file', name: 'f', content: 'evil' }]], compression: 'none' },
      blobs,
    );
    const diffId = good.layers[0]!.diffId;
    const archive = tar([
      {
        type: 'file',
        name: `blobs/sha256/${diffId.slice(7)}`,
        content: await blobs.read(evil.layers[0]!.descriptor.digest),
      },
      { type: 'file', name: `blobs/sha256/${good.id.slice(7)}`, content: await blobs.read(good.id) },
      {
        type: 'file',
        name: 'manifest.json',
        content: JSON.stringify([
          {
            Config: `blobs/sha256/${good.id.slice(7)}`,
            RepoTags: ['evil:latest'],
            Layers: [`blobs/sha256/${diffId.slice(7)}`],
          },
        ]),
      },
    ]);
    writeFileSync(join(work, 'evil.tar'), archive);
    const records = layerRecords();
    const dirs = driverDirs();
    const images = await ok(daemon.host, 'images', '-q', '-a', '--no-trunc');
    const result = await docker(daemon.host, 'load', '-i', join(work, 'evil.tar'));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr + result.stdout, /diffID/i);
    assert.deepEqual(layerRecords(), records, 'no new layerdb record');
    assert.deepEqual(driverDirs(), dirs, 'no new driver directory');
    assert.equal(await ok(daemon.host, 'images', '-q', '-a', '--no-trunc'), images);
    assert.deepEqual(readdirSync(join(daemon.dataRoot, 'image', driver, 'tmp')), [], 'spool removed');
  });

  it('streams any member order: manifest first, a blob twice, a blob used twice, unused blobs', async () => {
    const a = [{ type: 'file' as const, name: 'a', content: 'a'.repeat(3000) }];
    const image = await buildImage(
      { layers: [a, [{ type: 'file', name: 'b', content: 'b' }], a], compression: 'none' },
      blobs,
    );
    const [la, lb] = image.layers as [(typeof image.layers)[0], (typeof image.layers)[0]];
    assert.equal(image.layers[2]!.diffId, la.diffId, 'the same layer twice in one chain');
    const blob = async (digest: string): Promise<TarEntry> => ({
      type: 'file',
      name: `blobs/sha256/${digest.slice(7)}`,
      content: await blobs.read(digest as typeof image.id),
    });
    const unused = tar([{ type: 'file', name: 'unused', content: 'x'.repeat(5000) }], { format: 'ustar' });
    const archive = tar([
      {
        type: 'file',
        name: 'manifest.json',
        content: JSON.stringify([
          {
            Config: `blobs/sha256/${image.id.slice(7)}`,
            RepoTags: ['streamed:1'],
            Layers: [la, lb, la].map((l) => `blobs/sha256/${l.descriptor.digest.slice(7)}`),
          },
        ]),
      },
      { type: 'file', name: 'VERSION', content: '1.0' },
      { type: 'file', name: 'blobs/sha256/0000unused', content: unused },
      { type: 'file', name: 'blobs/sha256/garbage', content: Buffer.alloc(4096, 7) },
      await blob(la.descriptor.digest),
      await blob(lb.descriptor.digest),
      await blob(la.descriptor.digest), // the same member again: the later one counts
      await blob(image.id),
    ]);
    writeFileSync(join(work, 'streamed.tar'), archive);
    const records = layerRecords().length;
    assert.match(await ok(daemon.host, 'load', '-i', join(work, 'streamed.tar')), /Loaded image: streamed:1/);
    assert.equal(layerRecords().length, records + 3, 'three chains: a, a/b, a/b/a');
    assert.deepEqual(
      driverDirs().filter((n) => n.startsWith('.tmp-')),
      [],
      'no detached layer is left',
    );
    assert.deepEqual(readdirSync(join(daemon.dataRoot, 'image', driver, 'tmp')), []);
    const saved = join(work, 'streamed-saved.tar');
    await ok(daemon.host, 'save', '-o', saved, 'streamed:1');
    const out = spawnSync('tar', ['-xOf', saved, `blobs/sha256/${la.diffId.slice(7)}`]);
    assert.equal(out.status, 0);
    assert.deepEqual(out.stdout, await blobs.read(la.descriptor.digest), 'layer bytes preserved');
    await ok(daemon.host, 'rmi', 'streamed:1');
    assert.equal(layerRecords().length, records);
  });

  it('imports a rootfs tar with changes and a message', async () => {
    const rootfs = join(work, 'rootfs.tar');
    writeFileSync(rootfs, tar(busyboxRootfs()));
    const out = await ok(
      daemon.host,
      'import',
      '-c',
      'CMD ["/bin/sh", "-c", "echo hi"]',
      '-c',
      'ENV A=1',
      '-c',
      'WORKDIR /srv',
      '-c',
      'EXPOSE 8080',
      '-m',
      'from a test',
      rootfs,
      'imported:1',
    );
    assert.match(out.trim(), /^sha256:[0-9a-f]{64}$/);
    const [image] = JSON.parse(await ok(daemon.host, 'image', 'inspect', 'imported:1')) as Record<
      string,
      unknown
    >[];
    const config = image?.Config as {
      Cmd: string[];
      Env: string[];
      WorkingDir: string;
      ExposedPorts: object;
    };
    assert.deepEqual(config.Cmd, ['/bin/sh', '-c', 'echo hi']);
    assert.deepEqual(config.Env, ['A=1']);
    assert.equal(config.WorkingDir, '/srv');
    assert.deepEqual(config.ExposedPorts, { '8080/tcp': {} });
    assert.equal(image?.Comment, 'from a test');
    const history = await ok(daemon.host, 'history', '--format', '{{.Comment}}', 'imported:1');
    assert.equal(history.trim(), 'from a test');
  });

  it('reports disk usage, with layers shared between images', async () => {
    const sibling = await buildImage(
      {
        layers: [
          BASE_LAYER(),
          { entries: [{ type: 'file', name: 'sibling', content: 's' }], format: 'ustar' },
        ],
      },
      blobs,
    );
    await sibling.writeDockerArchive(join(work, 'sibling.tar'), { repoTags: ['sibling:1'] });
    await ok(daemon.host, 'load', '-i', join(work, 'sibling.tar'));
    const out = await ok(daemon.host, 'system', 'df');
    assert.match(out, /^Images\s+\d+\s+\d+\s+/m);
    const verbose = await ok(daemon.host, 'system', 'df', '-v');
    assert.match(verbose, /canon\s+latest/);
    const raw = await engineRequest(daemon.socketPath, 'GET', '/v1.47/system/df');
    const body = JSON.parse(raw.body);
    assert.ok(body.LayersSize > 0);
    assert.ok(
      Array.isArray(body.Containers) && Array.isArray(body.Volumes) && Array.isArray(body.BuildCache),
    );
    const row = (tag: string) => body.Images.find((i: { RepoTags: string[] }) => i.RepoTags.includes(tag));
    assert.ok(row('sibling:1').SharedSize > 0, 'sibling shares the busybox layer with canon');
    assert.equal(row('sibling:1').SharedSize, row('canon:latest').SharedSize);
    assert.equal(row('canon:latest').Containers, 0);
  });

  it('publishes image events', async () => {
    const out = await ok(
      daemon.host,
      'events',
      '--since',
      '0',
      '--until',
      String(Math.ceil(Date.now() / 1000) + 1),
      '--filter',
      'type=image',
      '--format',
      '{{.Action}}',
    );
    const actions = new Set(out.trim().split('\n'));
    for (const action of ['load', 'tag', 'untag', 'delete', 'save', 'import', 'prune']) {
      assert.ok(actions.has(action), `${action} in ${[...actions].join(',')}`);
    }
  });

  it('keeps images across a restart and answers the system check', async () => {
    const before = await ok(
      daemon.host,
      'images',
      '--no-trunc',
      '--format',
      '{{.Repository}}:{{.Tag}} {{.ID}}',
    );
    await daemon.stop();
    daemon = await startDaemon({ cleanup, label: 'images-daemon', dirs: daemon });
    const afterRestart = await ok(
      daemon.host,
      'images',
      '--no-trunc',
      '--format',
      '{{.Repository}}:{{.Tag}} {{.ID}}',
    );
    // The CLI orders rows of equal age as Go's unstable sort leaves them: compare as sets.
    const lines = (text: string): string[] => text.trim().split('\n').sort();
    assert.deepEqual(lines(afterRestart), lines(before));
    const check = await engineRequest(daemon.socketPath, 'POST', '/lading/system/check');
    assert.equal(check.status, 200);
    assert.deepEqual(JSON.parse(check.body).Problems, []);

    // A crash after a load registered its layers but before it recorded the image: the
    // image's record is missing at the next start, and its own layer is collected then.
    const siblingId = (await ok(daemon.host, 'image', 'inspect', '--format', '{{.Id}}', 'sibling:1')).trim();
    const siblingTop = (
      await ok(daemon.host, 'image', 'inspect', '--format', '{{json .RootFS.Layers}}', 'sibling:1')
    ).trim();
    const recordsBefore = layerRecords();
    await daemon.stop();
    const imageRoot = join(daemon.dataRoot, 'image', driver);
    rmSync(join(imageRoot, 'imagedb', 'content', 'sha256', siblingId.slice(7)));
    const repos = JSON.parse(readFileSync(join(imageRoot, 'repositories.json'), 'utf8'));
    delete repos.Repositories.sibling;
    writeFileSync(join(imageRoot, 'repositories.json'), JSON.stringify(repos));
    daemon = await startDaemon({ cleanup, label: 'images-daemon', dirs: daemon });
    const recordsAfter = layerRecords();
    assert.equal(recordsAfter.length, recordsBefore.length - 1, `${siblingTop}: its own layer is collected`);
    assert.match(await ok(daemon.host, 'images'), /canon/);

    // prune -a takes every unused image, tagged or not: the layer store is empty again.
    const pruned = await ok(daemon.host, 'image', 'prune', '-a', '-f');
    assert.match(pruned, /untagged: canon:latest/);
    assert.match(pruned, /Total reclaimed space: [1-9]/);
    assert.equal((await ok(daemon.host, 'images', '-q', '-a')).trim(), '');
    assert.deepEqual(layerRecords(), []);
  });
});
