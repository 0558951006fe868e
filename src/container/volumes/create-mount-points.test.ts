/**
 * The create-time setup of a container's volumes against a small in-test ContainerVolumes
 * over a temp dir (the real store is volume/'s; containers only see this interface): named
 * and anonymous volumes made and referenced, image VOLUMEs covered by a mount skipped, the
 * image content copied in, and everything undone when a step fails.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { testBase } from '../../../test/support/test-base.js';
import { ConflictError, NotFoundError, SystemError } from '../../errors/index.js';
import { silentLogger } from '../../log/index.js';
import type { ContainerVolume, ContainerVolumes } from '../manager-context.js';
import { ANONYMOUS_LABEL, createMountPoints } from './create-mount-points.js';
import { planMountPoints } from './plan-mount-points.js';

const BASE = mkdtempSync(join(testBase(), 'volume-create-'));
after(() => rmSync(BASE, { recursive: true, force: true }));
let counter = 0;

class FakeVolumes implements ContainerVolumes {
  readonly volumes = new Map<string, ContainerVolume & { labels: Record<string, string> }>();
  readonly refs = new Map<string, Set<string>>();
  readonly root = join(BASE, `volumes-${++counter}`);

  create(request: { name?: string; labels?: Record<string, string> }): Promise<ContainerVolume> {
    const name = request.name ?? `anon${this.volumes.size}${'0'.repeat(58)}`;
    const existing = this.volumes.get(name);
    if (existing) return Promise.resolve(existing);
    const mountpoint = join(this.root, name, '_data');
    mkdirSync(mountpoint, { recursive: true });
    const volume = { name, driver: 'local', mountpoint, labels: request.labels ?? {} };
    this.volumes.set(name, volume);
    return Promise.resolve(volume);
  }
  get(name: string): ContainerVolume {
    const v = this.volumes.get(name);
    if (!v) throw new NotFoundError(`get ${name}: no such volume`);
    return v;
  }
  reference(name: string, id: string): void {
    this.get(name);
    this.refs.set(name, new Set([...(this.refs.get(name) ?? []), id]));
  }
  release(name: string, id: string): void {
    this.refs.get(name)?.delete(id);
  }
  mount(name: string): Promise<string> {
    return Promise.resolve(this.get(name).mountpoint);
  }
  unmount(): Promise<void> {
    return Promise.resolve();
  }
  restoreMount(): void {}
  remove(name: string): Promise<void> {
    if ((this.refs.get(name)?.size ?? 0) > 0) throw new ConflictError(`remove ${name}: volume is in use`);
    this.volumes.delete(name);
    return Promise.resolve();
  }
}

function rootfs(): string {
  const root = join(BASE, `rootfs-${++counter}`);
  mkdirSync(join(root, 'image-vol'), { recursive: true });
  writeFileSync(join(root, 'image-vol/seed'), 'from the image');
  mkdirSync(join(root, 'data'));
  writeFileSync(join(root, 'data/db'), 'image db');
  writeFileSync(join(root, 'a-file'), 'x');
  return root;
}

const logger = silentLogger();

describe('createMountPoints', () => {
  it('makes and references volumes, skips covered image VOLUMEs, copies the image content', async () => {
    const volumes = new FakeVolumes();
    const hostDir = join(BASE, `host-${++counter}`);
    const root = rootfs();
    const plan = planMountPoints({ Binds: ['named:/data', `${hostDir}:/h`] }, () => ({}));
    let mounted = 0;
    const points = await createMountPoints({
      volumes,
      containerId: 'c1',
      plan,
      configVolumes: ['/data', '/image-vol/', '/h', '/run'],
      tmpfsDestinations: ['/run'],
      volumeDriver: '',
      withRootfs: async (fn) => {
        mounted++;
        return fn(root);
      },
      logger,
    });
    assert.equal(mounted, 1);
    assert.deepEqual(Object.keys(points), ['/data', '/h', '/image-vol']);
    const named = points['/data']!;
    assert.deepEqual(
      [named.Type, named.Name, named.Driver, named.Relabel, named.Source],
      ['volume', 'named', 'local', 'z', volumes.get('named').mountpoint],
    );
    assert.equal(readFileSync(join(named.Source, 'db'), 'utf8'), 'image db');
    const anon = points['/image-vol']!;
    assert.equal(anon.Relabel, undefined);
    assert.deepEqual(anon.Spec, {});
    assert.equal(volumes.volumes.get(anon.Name)?.labels[ANONYMOUS_LABEL], '');
    assert.equal(readFileSync(join(anon.Source, 'seed'), 'utf8'), 'from the image');
    assert.equal(points['/h']!.Type, 'bind');
    assert.deepEqual([...(volumes.refs.get('named') ?? [])], ['c1']);
    assert.deepEqual([...(volumes.refs.get(anon.Name) ?? [])], ['c1']);
  });

  it('nocopy leaves the volume empty', async () => {
    const volumes = new FakeVolumes();
    const root = rootfs();
    const points = await createMountPoints({
      volumes,
      containerId: 'c2',
      plan: planMountPoints({ Binds: ['quiet:/data:nocopy'] }, () => ({})),
      configVolumes: [],
      tmpfsDestinations: [],
      volumeDriver: '',
      withRootfs: (fn) => fn(root),
      logger,
    });
    assert.deepEqual(readdirSync(points['/data']!.Source), []);
  });

  it('an image VOLUME over a file fails the create and undoes the volumes made', async () => {
    const volumes = new FakeVolumes();
    const root = rootfs();
    await assert.rejects(
      createMountPoints({
        volumes,
        containerId: 'c3',
        plan: planMountPoints({ Binds: ['kept:/data'] }, () => ({})),
        configVolumes: ['/image-vol', '/a-file'],
        tmpfsDestinations: [],
        volumeDriver: '',
        withRootfs: (fn) => fn(root),
        logger,
      }),
      (err: unknown) =>
        err instanceof SystemError &&
        err.message === `cannot mount volume over existing file, file exists ${join(root, 'a-file')}`,
    );
    assert.deepEqual(
      [...volumes.volumes.keys()],
      ['kept'],
      'the anonymous volume is removed, the named kept',
    );
    assert.equal(volumes.refs.get('kept')?.size, 0);
  });
});
