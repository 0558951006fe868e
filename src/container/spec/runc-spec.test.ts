/**
 * The spec proven on the real runtime: a container record goes through containerSpecInput()
 * and buildSpec(), the result is written as config.json into a bundle whose rootfs is Debian's
 * static busybox, and /usr/bin/runc runs it (own --root, cgroup /ltst-…). What the container
 * reports about itself is compared with what Docker gives a container.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs } from '../../../test/support/test-base.js';
import { busyboxPath } from '../../../test/fixtures/busybox-rootfs.js';
import { buildSpec, runtimeSpecJson, type BindMountInput } from '../../runtime/spec/index.js';
import type { ContainerRecord } from '../model/container-record.js';
import { containerSpecInput } from './index.js';

const RUNC = '/usr/bin/runc';
const APPLETS = [
  'sh',
  'cat',
  'grep',
  'id',
  'touch',
  'unshare',
  'echo',
  'pwd',
  'env',
  'wc',
  'hostname',
  'true',
  'ls',
];

const cleanup = useCleanup();
const dirs = makeTestDirs('runc-spec');
cleanup.directory(dirs.root);
const runcRoot = join(dirs.execRoot, 'runc');
mkdirSync(runcRoot);
const files = {
  hostsPath: join(dirs.root, 'hosts'),
  hostnamePath: join(dirs.root, 'hostname'),
  resolvConfPath: join(dirs.root, 'resolv.conf'),
};
writeFileSync(files.hostsPath, '127.0.0.1\tlocalhost\n');
writeFileSync(files.hostnamePath, 'spectest\n');
writeFileSync(files.resolvConfPath, 'nameserver 127.0.0.1\n');

let counter = 0;

function makeRootfs(bundle: string): string {
  const rootfs = join(bundle, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync(busyboxPath(), join(rootfs, 'bin/busybox'));
  for (const applet of APPLETS) symlinkSync('busybox', join(rootfs, 'bin', applet));
  mkdirSync(join(rootfs, 'etc'));
  writeFileSync(
    join(rootfs, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n',
  );
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\napp:x:1000:\nextra:x:3000:app\nstaff:x:50:\n');
  mkdirSync(join(rootfs, 'tmp'), { mode: 0o1777 });
  return rootfs;
}

function record(
  script: string,
  config: Partial<ContainerRecord['Config']>,
  hostConfig: ContainerRecord['HostConfig'],
) {
  return {
    ID: 'x'.repeat(64),
    Path: 'sh',
    Args: ['-c', script],
    Config: {
      Hostname: 'spectest',
      User: '',
      Env: ['PATH=/bin', 'GREETING=hello'],
      Tty: false,
      WorkingDir: '',
      ...config,
    },
    HostConfig: hostConfig,
    NoNewPrivileges: false,
  } as unknown as ContainerRecord;
}

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sh -c script` in a fresh runc container; the container is deleted by id afterwards. */
function runInContainer(
  script: string,
  config: Partial<ContainerRecord['Config']> = {},
  hostConfig: ContainerRecord['HostConfig'] = {},
  extra: { binds?: BindMountInput[]; prepare?: (rootfs: string) => void } = {},
): RunResult {
  const id = `ltst-spec-${process.pid}-${counter++}`;
  const bundle = join(dirs.root, id);
  mkdirSync(bundle);
  const rootfs = makeRootfs(bundle);
  extra.prepare?.(rootfs);
  const input = containerSpecInput(record(script, config, hostConfig), {
    rootfs,
    ...files,
    cgroupsPath: `/${id}`,
    ...(extra.binds ? { binds: extra.binds } : {}),
  });
  writeFileSync(join(bundle, 'config.json'), runtimeSpecJson(buildSpec(input)));
  cleanup.defer(`runc container ${id}`, () => void spawnSync(RUNC, ['--root', runcRoot, 'delete', '-f', id]));
  const result = spawnSync(RUNC, ['--root', runcRoot, 'run', '--bundle', bundle, id], {
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawnSync(RUNC, ['--root', runcRoot, 'delete', '-f', id]);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(r: RunResult): string {
  assert.equal(r.status, 0, `container failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe('runc runs the spec with Docker’s defaults', () => {
  it('default capabilities: CapEff is Docker’s 00000000a80425fb', () => {
    const out = ok(runInContainer('grep -E "^Cap(Eff|Bnd)" /proc/self/status'));
    assert.match(out, /^CapEff:\s+00000000a80425fb$/m);
    assert.match(out, /^CapBnd:\s+00000000a80425fb$/m);
  });

  it('masked and read-only paths: /proc/kcore reads empty, /proc/sys is read-only', () => {
    const out = ok(
      runInContainer(
        'cat /proc/kcore | wc -c; echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo writable || echo ro',
      ),
    );
    assert.deepEqual(out.trim().split('\n'), ['0', 'ro']);
  });

  it('the rootfs is writable by default and read-only with --read-only', () => {
    assert.equal(ok(runInContainer('touch /made && echo done')).trim(), 'done');
    const ro = runInContainer('touch /made', {}, { ReadonlyRootfs: true });
    assert.notEqual(ro.status, 0);
    assert.match(ro.stderr + ro.stdout, /Read-only file system/);
  });

  it('-u app resolves through the image’s passwd and group, with --group-add', () => {
    const out = ok(runInContainer('id -u; id -g; id -G', { User: 'app' }, { GroupAdd: ['staff'] }));
    assert.deepEqual(out.trim().split('\n'), ['1000', '1000', '1000 50 3000']);
    const numeric = ok(runInContainer('id -u; id -g', { User: '4242:4343' }));
    assert.deepEqual(numeric.trim().split('\n'), ['4242', '4343']);
  });

  it('default seccomp blocks unshare(CLONE_NEWUSER); seccomp=unconfined allows it', () => {
    const blocked = runInContainer('unshare -U true');
    assert.notEqual(blocked.status, 0);
    assert.match(blocked.stderr, /Operation not permitted/);
    ok(runInContainer('unshare -U true', {}, { SecurityOpt: ['seccomp=unconfined'] }));
  });

  it('--init runs tini as pid 1 with the command as its child', () => {
    const out = ok(runInContainer('cat /proc/1/cmdline | tr "\\0" " "; echo; echo $$', {}, { Init: true }));
    const [pid1, shellPid] = out.trim().split('\n');
    assert.match(pid1 ?? '', /^\/sbin\/docker-init -- sh -c /);
    assert.notEqual(shellPid, '1');
    const without = ok(runInContainer('echo $$'));
    assert.equal(without.trim(), '1');
  });

  it('working dir created, env with HOSTNAME, hostname, network files, no-new-privileges, ulimit, tmpfs', () => {
    const out = ok(
      runInContainer(
        'pwd; echo "$HOSTNAME $GREETING"; hostname; cat /etc/hostname; grep NoNewPrivs /proc/self/status; ' +
          'ulimit -n; grep " /run " /proc/mounts',
        { WorkingDir: '/work/dir' },
        {
          SecurityOpt: ['no-new-privileges'],
          Ulimits: [{ Name: 'nofile', Soft: 1000, Hard: 2000 }],
          Tmpfs: { '/run': 'size=1m' },
        },
      ),
    );
    const lines = out.trim().split('\n');
    assert.equal(lines[0], '/work/dir');
    assert.equal(lines[1], 'spectest hello');
    assert.equal(lines[2], 'spectest');
    assert.equal(lines[3], 'spectest');
    assert.match(lines[4] ?? '', /^NoNewPrivs:\s+1$/);
    assert.equal(lines[5], '1000');
    assert.match(lines[6] ?? '', /^tmpfs \/run tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k/);
  });

  it('hostile-input row 27: WORKDIR /proc/self/fd/7 never reaches runc', () => {
    const bundle = join(dirs.root, 'row27');
    mkdirSync(bundle);
    const rootfs = makeRootfs(bundle);
    assert.throws(
      () => containerSpecInput(record('pwd', { WorkingDir: '/proc/self/fd/7' }, {}), { rootfs, ...files }),
      /CVE-2024-21626/,
    );
  });

  it('privileged: every capability the daemon holds, and a writable /sys', () => {
    const ours = /^CapEff:\s*(\w+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    const out = ok(
      runInContainer('grep CapEff /proc/self/status; grep " /sys " /proc/mounts', {}, { Privileged: true }),
    );
    assert.match(out, new RegExp(`^CapEff:\\s+${ours}$`, 'm'));
    assert.match(out, /^sysfs \/sys sysfs rw,/m);
  });

  it('a volume whose destination is a symlink to /etc lands on the container’s /etc; ro is read-only', () => {
    const source = join(dirs.root, `vol-${counter}`);
    mkdirSync(source);
    writeFileSync(join(source, 'from-volume'), 'in the volume\n');
    const hosts = join(dirs.root, `user-hosts-${counter}`);
    writeFileSync(hosts, '10.9.8.7\tuserhosts\n');
    const out = ok(
      runInContainer(
        'cat /etc/from-volume; cat /etc/hosts; touch /ro/x 2>&1 || echo refused; ls /trap/',
        {},
        {},
        {
          prepare: (rootfs) => symlinkSync('/etc', join(rootfs, 'trap')),
          binds: [
            { destination: '/trap', source, readonly: false },
            { destination: '/ro', source, readonly: true },
            { destination: '/etc/hosts', source: hosts, readonly: false, propagation: 'rprivate' },
          ],
        },
      ),
    );
    assert.match(out, /^in the volume\n10\.9\.8\.7\tuserhosts\n/);
    assert.match(out, /Read-only file system\nrefused\n/);
    assert.match(out, /from-volume/);
    assert.ok(!existsSync('/etc/from-volume'), 'nothing was mounted over the host /etc');
  });
});
