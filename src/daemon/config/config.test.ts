import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyReload, ConfigError, loadConfig, resolveConfig } from './index.js';

describe('daemon.json', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lading-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, content: unknown): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  it('fills in the embedded defaults when the default file is absent', async () => {
    // The default path (/etc/lading/daemon.json) is not expected on a test machine; an explicit
    // missing file is a different case, tested below.
    const config = resolveConfig({});
    assert.equal(config.dataRoot, '/var/lib/lading');
    assert.equal(config.execRoot, '/run/lading');
    assert.deepEqual(config.hosts, ['unix:///run/lading/lading.sock']);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.containerdNamespace, 'lading');
  });

  it('reads a valid file', async () => {
    const path = await file('ok.json', {
      'data-root': '/tmp/x',
      'log-level': 'debug',
      'registry-mirrors': ['http://127.0.0.1:5000'],
      'default-ulimits': { nofile: { Name: 'nofile', Hard: 1024, Soft: 1024 } },
      bip: '172.30.0.1/16',
      labels: ['a=b'],
    });
    const config = await loadConfig({ configFile: path });
    assert.equal(config.dataRoot, '/tmp/x');
    assert.equal(config.logLevel, 'debug');
    assert.deepEqual(config.registryMirrors, ['http://127.0.0.1:5000']);
    assert.equal(config.configFile, path);
  });

  it('rejects an unknown key, naming it and the file', async () => {
    const path = await file('typo.json', { 'registry-mirror': ['http://x'] });
    await assert.rejects(loadConfig({ configFile: path }), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `invalid daemon.json ${path}: unknown key "registry-mirror"`);
      return true;
    });
  });

  it('rejects a bad value, naming the key and what it must be', async () => {
    const path = await file('level.json', { 'log-level': 'loud' });
    await assert.rejects(loadConfig({ configFile: path }), {
      message: `invalid daemon.json ${path}: "log-level": must be one of debug, info, warn, error, fatal`,
    });
    const path2 = await file('hosts.json', { hosts: ['unix:///a', 7] });
    await assert.rejects(loadConfig({ configFile: path2 }), { message: /"hosts\[1\]": must be a string/ });
    const path3 = await file('mirror.json', { 'registry-mirrors': ['ftp://x'] });
    await assert.rejects(loadConfig({ configFile: path3 }), {
      message: /"registry-mirrors\[0\]": must be an http/,
    });
    const path4 = await file('root.json', { 'data-root': 'relative/dir' });
    await assert.rejects(loadConfig({ configFile: path4 }), {
      message: /"data-root": must be an absolute path/,
    });
  });

  it('rejects a file that is not JSON or not an object', async () => {
    const path = await file('broken.json', '{"debug": tru');
    await assert.rejects(loadConfig({ configFile: path }), { message: /not valid JSON/ });
    const path2 = await file('array.json', '[]');
    await assert.rejects(loadConfig({ configFile: path2 }), { message: /must be a JSON object/ });
  });

  it('treats an explicitly given missing file as an error', async () => {
    await assert.rejects(loadConfig({ configFile: join(dir, 'absent.json') }), {
      message: /cannot read daemon.json .*absent.json/,
    });
  });

  it('lets flags fill in what the file does not set', async () => {
    const path = await file('mirrors.json', { 'registry-mirrors': ['http://m'] });
    const config = await loadConfig({ configFile: path, flags: { 'data-root': '/srv/lading', debug: true } });
    assert.equal(config.dataRoot, '/srv/lading');
    assert.deepEqual(config.registryMirrors, ['http://m']);
    assert.equal(config.debug, true);
  });

  it('rejects a setting given both as a flag and in the file', async () => {
    const path = await file('hosts-both.json', { hosts: ['tcp://0.0.0.0:2375'] });
    await assert.rejects(loadConfig({ configFile: path, flags: { hosts: ['unix:///tmp/a.sock'] } }), {
      message:
        'the following directives are specified both as a flag and in the configuration file: ' +
        'hosts: (from flag: [unix:///tmp/a.sock], from file: [tcp://0.0.0.0:2375])',
    });
  });

  it('validates flag values with the flag named', async () => {
    const path = await file('empty.json', '');
    await assert.rejects(loadConfig({ configFile: path, flags: { 'log-level': 'loud' as 'info' } }), {
      message: 'invalid flag --log-level: must be one of debug, info, warn, error, fatal',
    });
  });

  it('reloads only the reloadable keys and reports the rest', () => {
    const current = resolveConfig({ 'log-level': 'info', 'data-root': '/a' });
    const result = applyReload(current, { 'log-level': 'debug', 'data-root': '/b', labels: ['x=y'] });
    assert.deepEqual(result.applied.sort(), ['labels', 'log-level']);
    assert.deepEqual(result.needsRestart, ['data-root']);
    assert.equal(result.config.logLevel, 'debug');
    assert.equal(result.config.dataRoot, '/a');
    assert.deepEqual(result.config.labels, ['x=y']);
  });

  it('reads registry-mirrors as Docker’s list (docker.io) or as a map for any registry, with path prefixes', async () => {
    const list = await loadConfig({
      configFile: await file('mirror-list.json', { 'registry-mirrors': ['http://127.0.0.1:5001/cache'] }),
    });
    assert.deepEqual(list.registryMirrors, ['http://127.0.0.1:5001/cache']);
    assert.deepEqual(list.mirrorsByRegistry, { 'docker.io': ['http://127.0.0.1:5001/cache'] });
    const map = await loadConfig({
      configFile: await file('mirror-map.json', {
        'registry-mirrors': {
          'index.docker.io': ['https://m.example/dockerhub'],
          'ghcr.io': ['https://m.example/ghcr'],
          '127.0.0.1:5000': ['http://127.0.0.1:5001'],
        },
        'registry-mirror-only': ['ghcr.io'],
        'insecure-registries': ['10.0.0.0/8', 'myreg:5000'],
      }),
    });
    assert.deepEqual(map.registryMirrors, ['https://m.example/dockerhub']);
    assert.deepEqual(map.mirrorsByRegistry, {
      'docker.io': ['https://m.example/dockerhub'],
      'ghcr.io': ['https://m.example/ghcr'],
      '127.0.0.1:5000': ['http://127.0.0.1:5001'],
    });
    assert.deepEqual(map.registryMirrorOnly, ['ghcr.io']);
  });

  it('rejects bad registry settings, naming the key', async () => {
    const bad = async (name: string, content: unknown, message: RegExp) =>
      assert.rejects(loadConfig({ configFile: await file(name, content) }), { message });
    await bad(
      'm1.json',
      { 'registry-mirrors': { 'ghcr.io': ['ftp://x'] } },
      /"registry-mirrors\.ghcr\.io\[0\]": must be an http/,
    );
    await bad(
      'm2.json',
      { 'registry-mirrors': ['http://u:p@m.example'] },
      /"registry-mirrors\[0\]": must be an http/,
    );
    await bad('m3.json', { 'registry-mirrors': { 'not a host': ['http://m'] } }, /must be a registry host/);
    await bad(
      'm4.json',
      { 'registry-mirrors': 'http://m' },
      /"registry-mirrors": must be an array of URLs, or an object/,
    );
    await bad(
      'm5.json',
      { 'registry-mirror-only': ['docker.io'] },
      /"registry-mirror-only" names docker.io, which has no mirror in "registry-mirrors"/,
    );
    await bad(
      'i1.json',
      { 'insecure-registries': ['http://myreg:5000'] },
      /"insecure-registries\[0\]": must be host\[:port\] or a CIDR/,
    );
  });

  it('reloads mirrors and mirror-only', () => {
    const current = resolveConfig({ 'registry-mirrors': ['http://a'] });
    const result = applyReload(current, {
      'registry-mirrors': { 'docker.io': ['http://b'], 'ghcr.io': ['http://c'] },
      'registry-mirror-only': ['ghcr.io'],
    });
    assert.deepEqual(result.applied.sort(), ['registry-mirror-only', 'registry-mirrors']);
    assert.deepEqual(result.config.mirrorsByRegistry, { 'docker.io': ['http://b'], 'ghcr.io': ['http://c'] });
    assert.deepEqual(result.config.registryMirrorOnly, ['ghcr.io']);
  });
});
