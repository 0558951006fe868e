import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testBase } from '../../test/support/test-base.js';
import {
  DOCKER_CREATE_FULL,
  DOCKER_CREATE_FULL_ARGS,
  DOCKER_CREATE_PLAIN,
} from './testing/docker-create-bodies.js';
import { queryOf, sendJson, startFakeEngine, type FakeEngine } from './testing/fake-engine.js';
import { runLading } from './testing/run-cli.js';
import { parsePortSpec } from './port-spec.js';
import { ramInBytes } from './flag-values.js';
import { buildCreateRequest, normalizeCaps } from './run-options.js';

describe('create request: what the docker CLI sends', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;
  let dir: string;

  before(async () => {
    engine = await startFakeEngine({
      'POST /containers/create': (_req, res) => sendJson(res, 201, { Id: 'c0ffee', Warnings: [] }),
    });
    env = { DOCKER_HOST: engine.host };
    dir = mkdtempSync(join(testBase(), 'lading-run-options-'));
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lastCreate = () => engine.requests.filter((r) => r.url.includes('/containers/create')).at(-1);

  it('`create busybox` sends the same body as docker 28, byte for byte', async () => {
    const r = await runLading(['create', 'busybox'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'c0ffee\n');
    assert.equal(lastCreate()?.body, DOCKER_CREATE_PLAIN);
  });

  it('every issue-5 flag maps as docker maps it, byte for byte', async () => {
    const r = await runLading(DOCKER_CREATE_FULL_ARGS, { env });
    assert.equal(r.code, 0, r.stderr);
    const req = lastCreate();
    assert.equal(req?.body, DOCKER_CREATE_FULL);
    assert.equal(queryOf(req).toString(), 'name=web&platform=linux%2Famd64');
  });

  it('env files come before -e; bare names are looked up, files skip unknown ones', () => {
    const file = join(dir, 'env');
    writeFileSync(file, '\uFEFF# comment\n\n  FROMFILE=1\nHOME\nNOPE\nX=a=b\r\n');
    const { request } = buildCreateRequest(
      { envFile: [file], env: ['HOME', 'UNSET', 'Y=2'] },
      'busybox',
      [],
      { env: { HOME: '/root' } },
    );
    assert.deepEqual(request.Env, ['FROMFILE=1', 'HOME=/root', 'X=a=b', 'HOME=/root', 'UNSET', 'Y=2']);
  });

  it('labels: files then flags, a bare key has an empty value, keys sorted', () => {
    const file = join(dir, 'labels');
    writeFileSync(file, 'z=1\nbare\n');
    const { request } = buildCreateRequest({ labelFile: [file], label: ['a=b', 'z=2'] }, 'x', [], {
      env: {},
    });
    assert.equal(JSON.stringify(request.Labels), '{"a":"b","bare":"","z":"2"}');
  });

  it('--security-opt seccomp=<file> sends the profile, compacted, as docker does', () => {
    const file = join(dir, 'seccomp.json');
    writeFileSync(file, '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": []\n}\n');
    const { request } = buildCreateRequest(
      { securityOpt: [`seccomp=${file}`, 'seccomp=unconfined', 'no-new-privileges'] },
      'x',
      [],
      { env: {} },
    );
    assert.deepEqual(request.HostConfig?.SecurityOpt, [
      'seccomp={"defaultAction":"SCMP_ACT_ALLOW","syscalls":[]}',
      'seccomp=unconfined',
      'no-new-privileges',
    ]);
  });

  it('a missing seccomp profile is a usage failure in docker words (exit 125)', async () => {
    const r = await runLading(['create', '--security-opt', 'seccomp=/nonexistent.json', 'busybox'], { env });
    assert.equal(r.code, 125);
    assert.equal(
      r.stderr,
      "lading: opening seccomp profile (/nonexistent.json) failed: open /nonexistent.json: no such file or directory\n\nRun 'lading create --help' for more information\n",
    );
  });

  it('-d clears the attach flags and StdinOnce; -a picks streams', () => {
    const d = buildCreateRequest({ detach: true, interactive: true }, 'x', [], { env: {} }).request;
    assert.deepEqual(
      [d.AttachStdin, d.AttachStdout, d.AttachStderr, d.OpenStdin, d.StdinOnce],
      [false, false, false, true, false],
    );
    const a = buildCreateRequest({ attach: ['stdin'], interactive: true }, 'x', [], { env: {} }).request;
    assert.deepEqual(
      [a.AttachStdin, a.AttachStdout, a.AttachStderr, a.StdinOnce],
      [true, false, false, true],
    );
  });

  it('ConsoleSize is the terminal size whenever stdout is a terminal, as docker sends it', async () => {
    const r = await runLading(['create', 'busybox'], { env, stdoutTTY: true, columns: 100, rows: 30 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(lastCreate()?.body ?? '', /"ConsoleSize":\[30,100\]/);
  });

  it('-v: a lone path is an anonymous volume, a "." host path is made absolute; --volumes-from', () => {
    const r = buildCreateRequest(
      { volume: ['/anon', 'named:/n:ro', './rel:/r', '/abs:/a'], volumesFrom: ['db:ro'] },
      'x',
      [],
      { env: {} },
    ).request;
    assert.deepEqual(r.Volumes, { '/anon': {} });
    assert.deepEqual(r.HostConfig?.Binds, ['named:/n:ro', `${process.cwd()}/rel:/r`, '/abs:/a']);
    assert.deepEqual(r.HostConfig?.VolumesFrom, ['db:ro']);
  });

  it('--entrypoint "" resets the image entrypoint with [""]', () => {
    assert.deepEqual(buildCreateRequest({ entrypoint: '' }, 'x', [], { env: {} }).request.Entrypoint, ['']);
  });

  it('capabilities, ports and sizes as docker normalises them', () => {
    assert.deepEqual(normalizeCaps(['all', 'net_admin', 'NET_ADMIN', 'CAP_CHOWN']), [
      'ALL',
      'CAP_CHOWN',
      'CAP_NET_ADMIN',
    ]);
    assert.equal(normalizeCaps([]), null);
    assert.deepEqual(parsePortSpec('8000-8001:90-91/udp'), [
      { port: '90/udp', binding: { HostIp: '', HostPort: '8000' } },
      { port: '91/udp', binding: { HostIp: '', HostPort: '8001' } },
    ]);
    assert.deepEqual(parsePortSpec('80'), [{ port: '80/tcp', binding: { HostIp: '', HostPort: '' } }]);
    assert.equal(ramInBytes('64m'), 64 * 1024 * 1024);
    assert.equal(ramInBytes('1.5g'), 1.5 * 2 ** 30);
    const { request } = buildCreateRequest(
      { publish: ['80', '8000-8001:90-91/udp'], expose: ['53'] },
      'x',
      [],
      {
        env: {},
      },
    );
    assert.equal(JSON.stringify(request.ExposedPorts), '{"53/tcp":{},"80/tcp":{},"90/udp":{},"91/udp":{}}');
  });

  it('bad flag values fail with pflag wording and exit 125', async () => {
    const u = await runLading(['create', '--ulimit', 'x', 'busybox'], { env });
    assert.equal(u.code, 125);
    assert.match(
      u.stderr,
      /^invalid argument "x" for "--ulimit" flag: invalid ulimit argument: x\n\nUsage: {2}lading create/,
    );
    const t = await runLading(['create', '--stop-timeout', 'x', 'busybox'], { env });
    assert.match(
      t.stderr,
      /^invalid argument "x" for "--stop-timeout" flag: strconv.ParseInt: parsing "x": invalid syntax/,
    );
    const s = await runLading(['create', '--shm-size', 'lots', 'busybox'], { env });
    assert.match(s.stderr, /^invalid argument "lots" for "--shm-size" flag: invalid size: 'lots'/);
    const a = await runLading(['run', '-a', 'bogus', 'busybox'], { env });
    assert.match(
      a.stderr,
      /^invalid argument "bogus" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR/,
    );
  });

  it('flags after the image belong to the command; -h is --hostname', async () => {
    const r = await runLading(['create', '-h', 'box', 'busybox', 'ls', '-l', '--all'], { env });
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(lastCreate()?.body ?? '{}') as { Hostname: string; Cmd: string[] };
    assert.equal(body.Hostname, 'box');
    assert.deepEqual(body.Cmd, ['ls', '-l', '--all']);
  });
});
