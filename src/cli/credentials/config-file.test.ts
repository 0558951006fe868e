import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  lstatSync,
} from 'node:fs';
import { join } from 'node:path';
import { testBase } from '../../../test/support/test-base.js';
import { ConfigFile, ConfigFileError, configDir } from './config-file.js';

describe('config.json', () => {
  let root: string;
  let n = 0;
  const freshDir = (): string => {
    const d = join(root, `c${n++}`);
    mkdirSync(d);
    return d;
  };
  before(() => {
    root = mkdtempSync(join(testBase(), 'lading-cli-config-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('is found through --config, DOCKER_CONFIG, then HOME', () => {
    assert.equal(configDir('/flag', { DOCKER_CONFIG: '/env', HOME: '/home/u' }), '/flag');
    assert.equal(configDir(undefined, { DOCKER_CONFIG: '/env', HOME: '/home/u' }), '/env');
    assert.equal(configDir(undefined, { HOME: '/home/u' }), '/home/u/.docker');
  });

  it('a missing file is empty, and saving creates it 0600 in a 0700 directory', async () => {
    const dir = join(freshDir(), 'new');
    const file = await ConfigFile.load(dir);
    assert.equal(file.get('localhost:5000'), undefined);
    file.set('localhost:5000', { username: 'bob', password: 'pw' });
    await file.save();
    assert.equal(statSync(join(dir, 'config.json')).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(
      readFileSync(join(dir, 'config.json'), 'utf8'),
      '{\n\t"auths": {\n\t\t"localhost:5000": {\n\t\t\t"auth": "Ym9iOnB3"\n\t\t}\n\t}\n}',
    );
    assert.deepEqual(readdirSync(dir), ['config.json']); // no temp file left behind
  });

  it('keeps keys and entries it does not manage when rewriting', async () => {
    const dir = freshDir();
    const original = {
      psFormat: 'table {{.ID}}',
      proxies: { default: { httpProxy: 'http://p:3128' } },
      auths: {
        'ghcr.io': { auth: Buffer.from('octo:tok').toString('base64'), email: 'o@example.com' },
        'other.example': { auth: Buffer.from('a:b').toString('base64') },
      },
      credHelpers: {},
      futureSetting: [1, 2, 3],
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(original), { mode: 0o644 });
    const file = await ConfigFile.load(dir);
    assert.deepEqual(file.get('ghcr.io'), { serveraddress: 'ghcr.io', username: 'octo', password: 'tok' });
    file.set('ghcr.io', { username: 'octo', password: '', identitytoken: 'ID' });
    file.set('new.example:5000', { username: 'n', password: 'p' });
    await file.save();
    const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as typeof original;
    assert.deepEqual(saved, {
      ...original,
      auths: {
        'ghcr.io': {
          auth: Buffer.from('octo:').toString('base64'),
          identitytoken: 'ID',
          email: 'o@example.com',
        },
        'other.example': original.auths['other.example'],
        'new.example:5000': { auth: Buffer.from('n:p').toString('base64') },
      },
    });
    assert.equal(statSync(join(dir, 'config.json')).mode & 0o777, 0o600);
  });

  it('finds entries stored under a legacy URL key', async () => {
    const dir = freshDir();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ auths: { 'https://reg.example:5000/v1/': { auth: 'dTpw' } } }),
    );
    const file = await ConfigFile.load(dir);
    assert.equal(file.get('reg.example:5000')?.username, 'u');
    assert.equal(file.has('reg.example:5000'), false);
  });

  it('writes through a symlinked config.json, which stays a link', async () => {
    const dir = freshDir();
    const real = join(freshDir(), 'real.json');
    writeFileSync(real, '{"auths":{}}');
    symlinkSync(real, join(dir, 'config.json'));
    const file = await ConfigFile.load(dir);
    file.set('h:1', { username: 'x', password: 'y' });
    await file.save();
    assert.ok(lstatSync(join(dir, 'config.json')).isSymbolicLink());
    assert.match(readFileSync(real, 'utf8'), /"h:1"/);
  });

  it('refuses a file that does not parse, with docker-like wording', async () => {
    const dir = freshDir();
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"auths": {');
    await assert.rejects(
      ConfigFile.load(dir),
      (err: unknown) =>
        err instanceof ConfigFileError && err.message.startsWith(`parsing config file (${path}): `),
    );
    writeFileSync(
      path,
      JSON.stringify({ auths: { h: { auth: Buffer.from('nocolon').toString('base64') } } }),
    );
    await assert.rejects(ConfigFile.load(dir), {
      message: `parsing config file (${path}): invalid auth configuration file`,
    });
    writeFileSync(path, JSON.stringify({ auths: { h: { auth: 'not base64!' } } }));
    await assert.rejects(ConfigFile.load(dir), {
      message: `parsing config file (${path}): illegal base64 data at input byte 3`,
    });
    writeFileSync(path, '[]');
    await assert.rejects(ConfigFile.load(dir), {
      message: `parsing config file (${path}): json: cannot unmarshal array into Go value of type configfile.ConfigFile`,
    });
  });
});
