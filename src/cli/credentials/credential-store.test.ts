import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testBase } from '../../../test/support/test-base.js';
import { helperPath, writeFakeHelper, type FakeHelper } from '../testing/fake-credential-helper.js';
import { memoryOutput } from '../testing/fake-engine.js';
import { CredentialStore } from './credential-store.js';
import { HUB_AUTH_KEY } from './server-address.js';

describe('credential store', () => {
  let root: string;
  let helper: FakeHelper;
  let n = 0;
  const configWith = (config: unknown): string => {
    const dir = join(root, `cfg${n++}`);
    mkdirSync(dir);
    if (config !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    return dir;
  };
  const readConfig = (dir: string): unknown => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));

  before(() => {
    root = mkdtempSync(join(testBase(), 'lading-cli-creds-'));
    helper = writeFakeHelper(join(root, 'bin'), 'fake');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('keeps credentials in the file, warning once that they are unencrypted', async () => {
    const dir = configWith(undefined);
    const stderr = memoryOutput();
    const store = await CredentialStore.open(dir, { env: {}, stderr });
    await store.store({ serveraddress: 'localhost:5000', username: 'bob', password: 'pw' });
    await store.store({ serveraddress: 'other:1', username: 'eve', password: 'x' });
    assert.equal(
      stderr.text(),
      `\nWARNING! Your credentials are stored unencrypted in '${join(dir, 'config.json')}'.\n` +
        'Configure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n',
    );
    const again = await CredentialStore.open(dir, { env: {}, stderr });
    assert.deepEqual(await again.get('localhost:5000'), {
      serveraddress: 'localhost:5000',
      username: 'bob',
      password: 'pw',
    });
    assert.deepEqual(await again.get('absent:1'), {});
    await again.erase('localhost:5000');
    assert.deepEqual(readConfig(dir), {
      auths: { 'other:1': { auth: Buffer.from('eve:x').toString('base64') } },
    });
  });

  it('stores an identity token instead of a password', async () => {
    const dir = configWith(undefined);
    const stderr = memoryOutput();
    const store = await CredentialStore.open(dir, { env: {}, stderr });
    await store.store({ serveraddress: HUB_AUTH_KEY, username: 'bob', password: '', identitytoken: 'TOK' });
    assert.equal(stderr.text(), ''); // no password stored, no warning
    assert.deepEqual(readConfig(dir), {
      auths: { [HUB_AUTH_KEY]: { auth: Buffer.from('bob:').toString('base64'), identitytoken: 'TOK' } },
    });
    assert.deepEqual(await store.get(HUB_AUTH_KEY), {
      serveraddress: HUB_AUTH_KEY,
      username: 'bob',
      password: '',
      identitytoken: 'TOK',
    });
  });

  it('uses credsStore through docker-credential-<name>, leaving an empty entry in the file', async () => {
    const dir = configWith({ credsStore: 'fake', psFormat: 'x' });
    const stderr = memoryOutput();
    const store = await CredentialStore.open(dir, { env: { PATH: helperPath(helper) }, stderr });
    await store.store({ serveraddress: 'h1.example', username: 'u1', password: 'p1' });
    await store.store({ serveraddress: 'h2.example', username: 'u2', password: '', identitytoken: 'T2' });
    assert.equal(stderr.text(), '');
    assert.deepEqual(readConfig(dir), {
      credsStore: 'fake',
      psFormat: 'x',
      auths: { 'h1.example': {}, 'h2.example': {} },
    });
    assert.deepEqual(helper.stored()['h1.example'], {
      ServerURL: 'h1.example',
      Username: 'u1',
      Secret: 'p1',
    });
    assert.deepEqual(helper.stored()['h2.example'], {
      ServerURL: 'h2.example',
      Username: '<token>',
      Secret: 'T2',
    });
    assert.deepEqual(await store.get('h1.example'), {
      serveraddress: 'h1.example',
      username: 'u1',
      password: 'p1',
    });
    assert.deepEqual(await store.get('h2.example'), { serveraddress: 'h2.example', identitytoken: 'T2' });
    assert.deepEqual(await store.get('nothing.example'), {}); // "not found" is no credentials
    await store.erase('h1.example');
    assert.equal(helper.stored()['h1.example'], undefined);
    assert.deepEqual(readConfig(dir), { credsStore: 'fake', psFormat: 'x', auths: { 'h2.example': {} } });
    assert.deepEqual(helper.calls().slice(-6), [
      'store h1.example',
      'store h2.example',
      'get h1.example',
      'get h2.example',
      'get nothing.example',
      'erase h1.example',
    ]);
  });

  it('prefers credHelpers[registry] to credsStore, and the file when neither applies', async () => {
    const other = writeFakeHelper(join(root, 'bin'), 'other');
    const dir = configWith({
      credsStore: 'other',
      credHelpers: { 'special.example': 'fake' },
      auths: {},
    });
    const store = await CredentialStore.open(dir, {
      env: { PATH: helperPath(helper) },
      stderr: memoryOutput(),
    });
    assert.equal(store.helper('special.example')?.program, 'docker-credential-fake');
    assert.equal(store.helper('plain.example')?.program, 'docker-credential-other');
    await store.store({ serveraddress: 'special.example', username: 's', password: 'p' });
    assert.equal(helper.stored()['special.example']?.Secret, 'p');
    assert.equal(other.stored()['special.example'], undefined);

    const fileOnly = await CredentialStore.open(configWith({}), { env: {}, stderr: memoryOutput() });
    assert.equal(fileOnly.helper('special.example'), undefined);
  });

  it("reports helper failures in docker's words", async () => {
    const missing = await CredentialStore.open(configWith({ credsStore: 'nosuch' }), {
      env: { PATH: helperPath(helper) },
      stderr: memoryOutput(),
    });
    await assert.rejects(missing.get('h.example'), {
      message:
        'error getting credentials - err: exec: "docker-credential-nosuch": executable file not found in $PATH, out: ``',
    });
    const stderr = memoryOutput();
    const failing = await CredentialStore.open(configWith({ credsStore: 'fake' }), {
      env: { PATH: helperPath(helper) },
      stderr,
    });
    await assert.rejects(failing.store({ serveraddress: 'fail.example', username: 'u', password: 'p' }), {
      message: 'error storing credentials - err: exit status 3, out: `keychain locked`',
    });
    assert.equal(stderr.text(), 'helper says no\n'); // the helper's stderr is passed through
  });

  it("picks the platform's default helper when the file configures none, as docker", async () => {
    const bin = join(root, 'detect-bin');
    const secretservice = writeFakeHelper(bin, 'secretservice');
    const env = { PATH: helperPath(secretservice) };
    const dir = configWith({ psFormat: 'x' });
    const store = await CredentialStore.open(dir, { env, stderr: memoryOutput() });
    await store.store({ serveraddress: 'h.example', username: 'u', password: 'p' });
    assert.equal(secretservice.stored()['h.example']?.Secret, 'p');
    assert.deepEqual(readConfig(dir), {
      psFormat: 'x',
      auths: { 'h.example': {} },
      credsStore: 'secretservice',
    });

    // With `pass` installed, docker prefers docker-credential-pass.
    writeFileSync(join(bin, 'pass'), '#!/bin/sh\n', { mode: 0o755 });
    const pass = writeFakeHelper(bin, 'pass');
    const other = await CredentialStore.open(configWith(undefined), { env, stderr: memoryOutput() });
    assert.equal(other.helper('h.example')?.program, 'docker-credential-pass');
    assert.deepEqual(pass.stored(), {});

    // A file that already holds credentials keeps them where they are.
    const plain = await CredentialStore.open(configWith({ auths: { 'a.example': {} } }), {
      env,
      stderr: memoryOutput(),
    });
    assert.equal(plain.helper('h.example'), undefined);
  });
});
