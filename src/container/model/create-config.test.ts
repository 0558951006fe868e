import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerCreateRequest } from '../../api/types/index.js';
import type { ContainerConfig as ImageRunConfig } from '../../oci/index.js';
import { mergeContainerConfig, validateContainerConfig } from './create-config.js';

const ID = 'c0ffee123456'.padEnd(64, '9');
const BUSYBOX: ImageRunConfig = {
  Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
  Cmd: ['sh'],
};
const NGINXISH: ImageRunConfig = {
  User: 'www',
  ExposedPorts: { '80/tcp': {} },
  Env: ['PATH=/usr/bin:/bin', 'NGINX_VERSION=1.27', 'LANG=C'],
  Entrypoint: ['/docker-entrypoint.sh'],
  Cmd: ['nginx', '-g', 'daemon off;'],
  Volumes: { '/var/cache': {} },
  WorkingDir: '/srv',
  Labels: { maintainer: 'img', shared: 'image' },
  StopSignal: 'SIGQUIT',
  Healthcheck: { Test: ['CMD', 'true'], Interval: 30_000_000_000, Retries: 3 },
};

/** What the docker CLI sends for `docker run busybox` (no flags). */
const CLI_RUN: ContainerCreateRequest = {
  Hostname: '',
  Domainname: '',
  User: '',
  AttachStdin: false,
  AttachStdout: true,
  AttachStderr: true,
  Tty: false,
  OpenStdin: false,
  StdinOnce: false,
  Env: [],
  Cmd: null,
  Image: 'busybox',
  Volumes: {},
  WorkingDir: '',
  Entrypoint: null,
  OnBuild: null,
  Labels: {},
};

describe('mergeContainerConfig', () => {
  it('gives what dockerd stores for a plain `docker run busybox`, keys in its order', () => {
    const merged = mergeContainerConfig(CLI_RUN, BUSYBOX, ID);
    assert.deepEqual(merged.config, {
      Hostname: 'c0ffee123456',
      Domainname: '',
      User: '',
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['sh'],
      Image: 'busybox',
      Volumes: null,
      WorkingDir: '',
      Entrypoint: null,
      OnBuild: null,
      Labels: {},
    });
    assert.equal(
      JSON.stringify(Object.keys(merged.config)),
      JSON.stringify(['Hostname', 'Domainname', 'User', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'Env', 'Cmd', 'Image', 'Volumes', 'WorkingDir', 'Entrypoint', 'OnBuild', 'Labels']), // prettier-ignore
    );
    assert.equal(merged.path, 'sh');
    assert.deepEqual(merged.args, []);
  });

  it('merges Env by key: request first, then the image’s missing keys', () => {
    const { config } = mergeContainerConfig({ ...CLI_RUN, Env: ['LANG=en', 'A=1'] }, NGINXISH, ID);
    assert.deepEqual(config.Env, ['LANG=en', 'A=1', 'PATH=/usr/bin:/bin', 'NGINX_VERSION=1.27']);
  });

  const argvCases: [string, Partial<ContainerCreateRequest>, ImageRunConfig, string, string[]][] = [
    ['image entrypoint + cmd', {}, NGINXISH, '/docker-entrypoint.sh', ['nginx', '-g', 'daemon off;']],
    [
      'request cmd replaces image cmd',
      { Cmd: ['echo', 'hi'] },
      NGINXISH,
      '/docker-entrypoint.sh',
      ['echo', 'hi'],
    ],
    ['request entrypoint drops image cmd', { Entrypoint: ['/bin/env'] }, NGINXISH, '/bin/env', []],
    [
      'request entrypoint + cmd',
      { Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo hi'] },
      NGINXISH,
      '/bin/sh',
      ['-c', 'echo hi'],
    ],
    ['[""] clears the entrypoint', { Entrypoint: [''], Cmd: ['ls'] }, NGINXISH, 'ls', []],
    ['[] keeps image cmd, drops entrypoint', { Entrypoint: [] }, NGINXISH, 'nginx', ['-g', 'daemon off;']],
    ['cmd only', { Cmd: ['top', '-b'] }, BUSYBOX, 'top', ['-b']],
  ];
  for (const [label, request, image, path, args] of argvCases) {
    it(`argv: ${label}`, () => {
      const merged = mergeContainerConfig({ ...CLI_RUN, ...request }, image, ID);
      assert.equal(merged.path, path);
      assert.deepEqual(merged.args, args);
    });
  }

  it('[""] entrypoint is stored as null; [] as []', () => {
    assert.equal(
      mergeContainerConfig({ ...CLI_RUN, Entrypoint: [''], Cmd: ['ls'] }, NGINXISH, ID).config.Entrypoint,
      null,
    );
    assert.deepEqual(
      mergeContainerConfig({ ...CLI_RUN, Entrypoint: [] }, NGINXISH, ID).config.Entrypoint,
      [],
    );
  });

  it('refuses a container with nothing to run', () => {
    for (const request of [{ ...CLI_RUN }, { ...CLI_RUN, Entrypoint: [''] }]) {
      assert.throws(() => mergeContainerConfig(request, { Env: [] }, ID), {
        name: 'InvalidArgumentError',
        message: 'no command specified',
      });
    }
    assert.throws(() => mergeContainerConfig({ ...CLI_RUN, Entrypoint: [''] }, NGINXISH, ID), {
      message: 'no command specified',
    });
    assert.throws(() => mergeContainerConfig(CLI_RUN, undefined, ID), { message: 'no command specified' });
  });

  it('merges the rest as Docker does', () => {
    const { config } = mergeContainerConfig(
      {
        ...CLI_RUN,
        Hostname: 'box',
        ExposedPorts: { '443/tcp': {} },
        Volumes: { '/data': {} },
        Labels: { shared: 'request', z: '1' },
        WorkingDir: '/app/../work/',
        StopTimeout: 0,
        Healthcheck: { Test: [], Timeout: 5_000_000_000 },
      },
      NGINXISH,
      ID,
    );
    assert.equal(config.Hostname, 'box');
    assert.equal(config.User, 'www');
    assert.deepEqual(config.ExposedPorts, { '443/tcp': {}, '80/tcp': {} });
    assert.deepEqual(config.Volumes, { '/data': {}, '/var/cache': {} });
    assert.deepEqual(config.Labels, { maintainer: 'img', shared: 'request', z: '1' });
    assert.deepEqual(Object.keys(config.Labels), ['maintainer', 'shared', 'z']);
    assert.equal(config.WorkingDir, '/work');
    assert.equal(config.StopSignal, 'SIGQUIT');
    assert.equal(config.StopTimeout, 0);
    assert.deepEqual(config.Healthcheck, {
      Test: ['CMD', 'true'],
      Timeout: 5_000_000_000,
      Interval: 30_000_000_000,
      Retries: 3,
    });
    assert.equal(config.Image, 'busybox', 'the image name as requested');
  });

  it('request User/WorkingDir/StopSignal win; image ones fill gaps', () => {
    const { config } = mergeContainerConfig(
      { ...CLI_RUN, User: '0:0', WorkingDir: '/', StopSignal: 'SIGUSR1' },
      NGINXISH,
      ID,
    );
    assert.deepEqual([config.User, config.WorkingDir, config.StopSignal], ['0:0', '/', 'SIGUSR1']);
  });

  it('uses the host name with --network host', () => {
    const { config } = mergeContainerConfig(CLI_RUN, BUSYBOX, {
      id: ID,
      networkMode: 'host',
      hostHostname: 'myhost',
    });
    assert.equal(config.Hostname, 'myhost');
  });
});

describe('validateContainerConfig', () => {
  const bad: [Partial<ContainerCreateRequest>, string][] = [
    [
      { WorkingDir: 'relative/dir' },
      "the working directory 'relative/dir' is invalid, it needs to be an absolute path",
    ],
    [{ StopSignal: 'SIGFOO' }, 'invalid signal: SIGFOO'],
    [{ StopSignal: '0' }, 'invalid signal: 0'],
    [{ Env: ['A=1', '=foo'] }, 'invalid environment variable: =foo'],
    [{ Env: [''] }, 'invalid environment variable: '],
    [{ Healthcheck: { Interval: 1000 } }, 'Interval in Healthcheck cannot be less than 1ms'],
    [{ Healthcheck: { Timeout: 999_999 } }, 'Timeout in Healthcheck cannot be less than 1ms'],
    [{ Healthcheck: { Retries: -1 } }, 'Retries in Healthcheck cannot be negative'],
    [{ Healthcheck: { StartPeriod: 5 } }, 'StartPeriod in Healthcheck cannot be less than 1ms'],
    [{ Healthcheck: { StartInterval: 5 } }, 'StartInterval in Healthcheck cannot be less than 1ms'],
  ];
  for (const [request, message] of bad) {
    it(`refuses: ${message}`, () => {
      assert.throws(() => validateContainerConfig(request), { name: 'InvalidArgumentError', message });
      assert.throws(() => mergeContainerConfig({ ...CLI_RUN, ...request }, BUSYBOX, ID), { message });
    });
  }

  it('accepts what Docker accepts', () => {
    assert.doesNotThrow(() =>
      validateContainerConfig({ Env: ['A', 'B='], StopSignal: 'sigterm', WorkingDir: '/x' }),
    );
    assert.doesNotThrow(() => validateContainerConfig({ StopSignal: '9', Healthcheck: { Interval: 0 } }));
  });
});
