import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnavailableError } from '../errors/index.js';
import type { ContainerdClient } from '../runtime/containerd-client.js';
import { resolveConfig } from './config/index.js';
import { goArch } from './host-facts.js';
import { registryConfig, SystemService } from './system-service.js';

function fakeContainerd(): Pick<ContainerdClient, 'version'> & { up: boolean } {
  return {
    up: true,
    version() {
      return this.up
        ? Promise.resolve({ version: '1.6.20~ds1', revision: 'rev1' })
        : Promise.reject(new UnavailableError('down'));
    },
  };
}

function service(containerd = fakeContainerd()): SystemService {
  const config = resolveConfig({
    'data-root': '/srv/lading',
    'registry-mirrors': ['http://127.0.0.1:5000'],
    'insecure-registries': ['myreg:5000', '10.0.0.0/8'],
    labels: ['a=b'],
  });
  return new SystemService({
    config: () => config,
    daemonId: 'the-id',
    containerd,
    build: { version: '0.1.0', gitCommit: 'abc1234', buildTime: '2026-01-01T00:00:00.000Z' },
    runc: { version: '1.1.5', commit: 'c1' },
    eventListeners: () => 2,
  });
}

describe('system service', () => {
  it('maps Node architectures to Go names', () => {
    assert.equal(goArch('x64'), 'amd64');
    assert.equal(goArch('arm64'), 'arm64');
    assert.equal(goArch('ia32'), '386');
  });

  it('reports the engine, containerd and runc in /version', async () => {
    const v = await service().version();
    assert.equal(v.Version, '0.1.0');
    assert.equal(v.Os, 'linux');
    assert.equal(v.Arch, goArch());
    assert.deepEqual(
      v.Components.map((c) => [c.Name, c.Version]),
      [
        ['Engine', '0.1.0'],
        ['containerd', '1.6.20~ds1'],
        ['runc', '1.1.5'],
      ],
    );
    assert.equal(v.Components[0]!.Details!['MinAPIVersion'], v.MinAPIVersion);
    assert.equal(v.Components[1]!.Details!['GitCommit'], 'rev1');
  });

  it('keeps the last containerd version while containerd is down', async () => {
    const containerd = fakeContainerd();
    const s = service(containerd);
    await s.version();
    containerd.up = false;
    const v = await s.version();
    assert.equal(v.Components.find((c) => c.Name === 'containerd')?.Version, '1.6.20~ds1');
  });

  it('reports config, identity and host facts in /info', async () => {
    const info = await service().info();
    assert.equal(info.ID, 'the-id');
    assert.equal(info.DockerRootDir, '/srv/lading');
    assert.equal(info.ServerVersion, '0.1.0');
    assert.equal(info.Driver, 'overlay2');
    assert.equal(info.DriverStatus[0]![0], 'Backing Filesystem');
    assert.deepEqual(info.RegistryConfig.Mirrors, ['http://127.0.0.1:5000/']);
    assert.deepEqual(info.RegistryConfig.RegistryMirrors, { 'docker.io': ['http://127.0.0.1:5000/'] });
    assert.equal(info.RegistryConfig.IndexConfigs['myreg:5000']?.Secure, false);
    assert.ok(info.RegistryConfig.InsecureRegistryCIDRs.includes('10.0.0.0/8'));
    assert.deepEqual(info.Labels, ['a=b']);
    assert.equal(info.Swarm.LocalNodeState, 'inactive');
    assert.equal(info.NEventsListener, 2);
    assert.equal(info.ContainerdCommit.ID, 'rev1');
    assert.ok(info.NCPU >= 1);
    assert.ok(info.MemTotal > 0);
    assert.match(info.CgroupVersion, /^[12]$/);
    assert.deepEqual(info.Warnings, []);
  });

  it('shows the map form of registry-mirrors per registry', () => {
    const config = resolveConfig({
      'registry-mirrors': {
        'docker.io': ['http://m1'],
        'ghcr.io': ['https://m2/ghcr/'],
        '127.0.0.1:5000': ['http://m3'],
      },
      'registry-mirror-only': ['ghcr.io'],
      'insecure-registries': ['10.1.0.0/16'],
    });
    const reg = registryConfig(config);
    assert.deepEqual(reg.Mirrors, ['http://m1/']);
    assert.deepEqual(reg.IndexConfigs['ghcr.io'], {
      Name: 'ghcr.io',
      Mirrors: ['https://m2/ghcr/'],
      Secure: true,
      Official: false,
    });
    assert.equal(reg.IndexConfigs['127.0.0.1:5000']?.Secure, false);
    assert.deepEqual(reg.RegistryMirrorOnly, ['ghcr.io']);
    assert.deepEqual(reg.InsecureRegistryCIDRs, ['127.0.0.0/8', '::1/128', '10.1.0.0/16']);
  });
});
