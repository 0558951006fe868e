import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuntimeMount, RuntimeSpec } from '../../oci/index.js';
import {
  ALL_CAPABILITIES,
  DEFAULT_CAPABILITIES,
  DOCKER_MASKED_PATHS,
  DOCKER_READONLY_PATHS,
  buildExecProcess,
  buildSpec,
  runtimeSpecJson,
  type SpecInput,
} from './index.js';

function input(over: Partial<SpecInput> = {}): SpecInput {
  return {
    rootfs: { path: '/var/lib/lading/overlay2/abc/merged' },
    process: {
      args: ['sh', '-c', 'echo hi'],
      env: ['PATH=/usr/bin:/bin', 'HOSTNAME=c1'],
      cwd: '/',
      user: { uid: 0, gid: 0, additionalGids: [0] },
    },
    hostname: 'c1',
    cgroupsPath: '/lading/c1',
    files: { hostsPath: '/c/hosts', hostnamePath: '/c/hostname', resolvConfPath: '/c/resolv.conf' },
    ...over,
  };
}

function mount(spec: RuntimeSpec, destination: string): RuntimeMount | undefined {
  return spec.mounts.find((m) => m.destination === destination);
}

describe('buildSpec: Docker defaults', () => {
  const spec = buildSpec(input());

  it('grants exactly Docker’s 14 default capabilities in every set', () => {
    assert.equal(DEFAULT_CAPABILITIES.length, 14);
    const caps = spec.process.capabilities;
    for (const set of [caps?.bounding, caps?.effective, caps?.permitted]) {
      assert.deepEqual(set, [...DEFAULT_CAPABILITIES]);
    }
    assert.equal(caps?.inheritable, undefined);
    assert.equal(caps?.ambient, undefined);
  });

  it('mounts /proc /dev /dev/pts /sys /sys/fs/cgroup /dev/mqueue /dev/shm, then the network files', () => {
    assert.deepEqual(
      spec.mounts.map((m) => m.destination),
      [
        '/proc',
        '/dev',
        '/dev/pts',
        '/sys',
        '/sys/fs/cgroup',
        '/dev/mqueue',
        '/dev/shm',
        '/etc/resolv.conf',
        '/etc/hostname',
        '/etc/hosts',
      ],
    );
    assert.deepEqual(mount(spec, '/sys')?.options, ['nosuid', 'noexec', 'nodev', 'ro']);
    assert.deepEqual(mount(spec, '/sys/fs/cgroup')?.options, ['ro', 'nosuid', 'noexec', 'nodev']);
    assert.deepEqual(mount(spec, '/dev/shm')?.options, [
      'nosuid',
      'noexec',
      'nodev',
      'mode=1777',
      'size=67108864',
    ]);
    assert.deepEqual(mount(spec, '/etc/hosts'), {
      destination: '/etc/hosts',
      type: 'bind',
      source: '/c/hosts',
      options: ['rbind', 'rprivate'],
    });
  });

  it('masks and write-protects Docker’s paths', () => {
    assert.deepEqual(spec.linux.maskedPaths, [...DOCKER_MASKED_PATHS]);
    assert.ok(spec.linux.maskedPaths?.includes('/proc/kcore'));
    assert.deepEqual(spec.linux.readonlyPaths, [...DOCKER_READONLY_PATHS]);
  });

  it('makes new mount, network, uts, pid and ipc namespaces', () => {
    assert.deepEqual(
      spec.linux.namespaces.map((n) => n.type),
      ['mount', 'network', 'uts', 'pid', 'ipc'],
    );
  });

  it('allows only Docker’s default devices and sets the cgroups path', () => {
    const devices = spec.linux.resources?.devices ?? [];
    assert.deepEqual(devices[0], { allow: false, access: 'rwm' });
    const allowed = devices.filter((d) => d.allow).map((d) => `${d.major}:${d.minor}`);
    assert.deepEqual(allowed, ['1:5', '1:3', '1:9', '1:8', '5:0', '5:1']);
    assert.equal(spec.linux.cgroupsPath, '/lading/c1');
  });

  it('has the default seccomp filter, no rlimits, no no-new-privileges, oomScoreAdj 0', () => {
    assert.equal(spec.linux.seccomp?.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(spec.linux.seccomp?.defaultErrnoRet, 1);
    assert.deepEqual(spec.linux.seccomp?.architectures, [
      'SCMP_ARCH_X86_64',
      'SCMP_ARCH_X86',
      'SCMP_ARCH_X32',
    ]);
    const allowed = spec.linux.seccomp?.syscalls
      ?.filter((s) => s.action === 'SCMP_ACT_ALLOW')
      .flatMap((s) => s.names);
    assert.ok(allowed?.includes('read'));
    assert.ok(!allowed?.includes('unshare'), 'unshare needs CAP_SYS_ADMIN');
    assert.ok(!allowed?.includes('mount'));
    assert.equal(spec.process.rlimits, undefined);
    assert.equal(spec.process.noNewPrivileges, undefined);
    assert.equal(spec.process.oomScoreAdj, 0);
    assert.equal(spec.process.terminal, false);
    assert.equal(spec.root.readonly, false);
    assert.equal(spec.hostname, 'c1');
    assert.equal(spec.ociVersion, '1.0.2-dev');
  });

  it('serialises without nulls or undefined keys', () => {
    const text = runtimeSpecJson(spec);
    assert.ok(!text.includes('null'));
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(spec)));
  });
});

describe('buildSpec: options', () => {
  it('privileged: all capabilities, no masks, /sys and cgroups writable, all devices, no seccomp', () => {
    const spec = buildSpec(input({ privileged: true }));
    assert.deepEqual(spec.process.capabilities?.bounding, [...ALL_CAPABILITIES]);
    assert.equal(spec.linux.maskedPaths, undefined);
    assert.equal(spec.linux.readonlyPaths, undefined);
    assert.deepEqual(mount(spec, '/sys')?.options, ['nosuid', 'noexec', 'nodev']);
    assert.deepEqual(mount(spec, '/sys/fs/cgroup')?.options, ['nosuid', 'noexec', 'nodev']);
    assert.deepEqual(spec.linux.resources?.devices, [{ allow: true, access: 'rwm' }]);
    assert.equal(spec.linux.seccomp, undefined);
  });

  it('privileged with an explicit profile keeps that profile', () => {
    const json = JSON.stringify({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['chmod'], action: 'SCMP_ACT_ERRNO' }],
    });
    const spec = buildSpec(input({ privileged: true, seccomp: { kind: 'profile', json } }));
    assert.deepEqual(spec.linux.seccomp, {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['chmod'], action: 'SCMP_ACT_ERRNO' }],
    });
  });

  it('cap-add and cap-drop change the set, and the seccomp filter follows the bounding set', () => {
    const spec = buildSpec(input({ capAdd: ['sys_admin'], capDrop: ['CAP_NET_RAW', 'chown'] }));
    const caps = spec.process.capabilities?.effective ?? [];
    assert.ok(caps.includes('CAP_SYS_ADMIN'));
    assert.ok(!caps.includes('CAP_NET_RAW'));
    assert.ok(!caps.includes('CAP_CHOWN'));
    assert.equal(caps.length, 13);
    const allowed = spec.linux.seccomp?.syscalls
      ?.filter((s) => s.action === 'SCMP_ACT_ALLOW')
      .flatMap((s) => s.names);
    assert.ok(allowed?.includes('unshare'));
    assert.ok(allowed?.includes('mount'));
  });

  it('cap-drop ALL keeps only the added ones; cap-add ALL keeps all but the dropped', () => {
    assert.deepEqual(
      buildSpec(input({ capDrop: ['all'], capAdd: ['kill'] })).process.capabilities?.bounding,
      ['CAP_KILL'],
    );
    const all =
      buildSpec(input({ capAdd: ['ALL'], capDrop: ['sys_time'] })).process.capabilities?.bounding ?? [];
    assert.equal(all.length, ALL_CAPABILITIES.length - 1);
    assert.ok(!all.includes('CAP_SYS_TIME'));
  });

  it('refuses an unknown capability with Docker’s wording', () => {
    assert.throws(() => buildSpec(input({ capAdd: ['foo'] })), {
      name: 'InvalidArgumentError',
      message: 'unknown capability: "CAP_FOO"',
    });
  });

  it('seccomp=unconfined leaves the filter out', () => {
    assert.equal(buildSpec(input({ seccomp: { kind: 'unconfined' } })).linux.seccomp, undefined);
  });

  it('a custom profile converts archMap and includes/excludes like dockerd', () => {
    const json = JSON.stringify({
      defaultAction: 'SCMP_ACT_ERRNO',
      archMap: [
        { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] },
        { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
      ],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
        { name: 'arch_prctl', action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
        { names: ['cacheflush'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm64'] } },
        { names: ['kill'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_KILL'] } },
      ],
    });
    const seccomp = buildSpec(input({ seccomp: { kind: 'profile', json } })).linux.seccomp;
    assert.deepEqual(seccomp?.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
    assert.deepEqual(
      seccomp?.syscalls?.map((s) => s.names),
      [['read', 'write'], ['arch_prctl']],
    );
  });

  it('a profile that is not JSON is refused with dockerd’s wording', () => {
    assert.throws(
      () => buildSpec(input({ seccomp: { kind: 'profile', json: '{nope' } })),
      /^InvalidArgumentError: Decoding seccomp profile failed: /,
    );
  });

  it('--read-only: root read-only, kernel mounts ro except Docker’s writable ones, network files ro', () => {
    const spec = buildSpec(input({ rootfs: { path: '/r', readonly: true }, tmpfs: { '/run': '' } }));
    assert.equal(spec.root.readonly, true);
    for (const d of ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue']) {
      assert.ok(!mount(spec, d)?.options?.includes('ro'), d);
    }
    assert.ok(mount(spec, '/sys')?.options?.includes('ro'));
    assert.deepEqual(mount(spec, '/etc/hosts')?.options, ['rbind', 'ro', 'rprivate']);
    assert.ok(!mount(spec, '/run')?.options?.includes('ro'), 'user tmpfs stays writable');
  });

  it('--tmpfs merges options Docker’s way and sorts mounts by depth', () => {
    const spec = buildSpec(
      input({ files: {}, tmpfs: { '/a/b': 'exec,size=1m,size=2m', '/run': 'mode=1777' } }),
    );
    assert.deepEqual(spec.mounts.slice(-2), [
      {
        destination: '/run',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['noexec', 'nosuid', 'nodev', 'rprivate', 'mode=1777'],
      },
      {
        destination: '/a/b',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'nodev', 'rprivate', 'exec', 'size=2m'],
      },
    ]);
    assert.throws(() => buildSpec(input({ tmpfs: { '/x': 'bogus=1' } })), {
      message: 'invalid tmpfs option "bogus"',
    });
  });

  it('volumes and binds: rbind, ro, propagation as dockerd; sorted by depth among the other mounts', () => {
    const spec = buildSpec(
      input({
        tmpfs: { '/a/b/c': '' },
        binds: [
          { destination: '/a/b', source: '/host/b', readonly: true, propagation: 'rprivate' },
          { destination: '/a', source: '/vol/a/_data', readonly: false },
          {
            destination: '/n',
            source: '/host/n',
            readonly: false,
            propagation: 'rslave',
            nonRecursive: true,
          },
        ],
      }),
    );
    assert.deepEqual(
      spec.mounts.slice(-7).map((m) => m.destination),
      ['/a', '/n', '/etc/resolv.conf', '/etc/hostname', '/etc/hosts', '/a/b', '/a/b/c'],
    );
    assert.equal(spec.mounts.at(-8)?.destination, '/dev/shm', 'after the default mounts');
    assert.deepEqual(mount(spec, '/a'), {
      destination: '/a',
      type: 'bind',
      source: '/vol/a/_data',
      options: ['rbind'],
    });
    assert.deepEqual(mount(spec, '/a/b')?.options, ['rbind', 'ro', 'rprivate']);
    assert.deepEqual(mount(spec, '/n')?.options, ['bind', 'rslave']);
    assert.equal(spec.linux.rootfsPropagation, 'rslave', 'a slave bind needs an rslave root');
    const shared = buildSpec(
      input({ binds: [{ destination: '/s', source: '/h', readonly: false, propagation: 'rshared' }] }),
    );
    assert.equal(shared.linux.rootfsPropagation, 'shared');
    assert.equal(buildSpec(input()).linux.rootfsPropagation, undefined);
  });

  it('a bind on /dev/shm replaces the default mount', () => {
    const spec = buildSpec(input({ binds: [{ destination: '/dev/shm', source: '/h', readonly: false }] }));
    assert.deepEqual(
      spec.mounts.filter((m) => m.destination === '/dev/shm').map((m) => m.type),
      ['bind'],
    );
  });

  it('a tmpfs on /dev/shm replaces the default one; --shm-size sets its size', () => {
    assert.deepEqual(
      mount(buildSpec(input({ shmSize: 1048576 })), '/dev/shm')?.options?.at(-1),
      'size=1048576',
    );
    const spec = buildSpec(input({ tmpfs: { '/dev/shm': 'size=3m' } }));
    assert.equal(spec.mounts.filter((m) => m.destination === '/dev/shm').length, 1);
    assert.equal(mount(spec, '/dev/shm')?.source, 'tmpfs');
  });

  it('--ulimit becomes rlimits; -1 is RLIM_INFINITY written exactly', () => {
    const spec = buildSpec(
      input({
        process: {
          ...input().process,
          ulimits: [
            { name: 'nofile', soft: 1024, hard: 2048 },
            { name: 'core', soft: -1, hard: -1 },
          ],
        },
      }),
    );
    assert.deepEqual(spec.process.rlimits?.[0], { type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 });
    assert.match(
      runtimeSpecJson(spec),
      /"type":"RLIMIT_CORE","soft":18446744073709551615,"hard":18446744073709551615/,
    );
    assert.throws(
      () =>
        buildSpec(input({ process: { ...input().process, ulimits: [{ name: 'bogus', soft: 1, hard: 1 }] } })),
      { message: 'invalid ulimit name bogus' },
    );
  });

  it('--init prefixes argv and bind-mounts tini read-only at /sbin/docker-init', () => {
    const spec = buildSpec(input({ init: { hostPath: '/usr/bin/tini-static' } }));
    assert.deepEqual(spec.process.args, ['/sbin/docker-init', '--', 'sh', '-c', 'echo hi']);
    assert.deepEqual(mount(spec, '/sbin/docker-init'), {
      destination: '/sbin/docker-init',
      type: 'bind',
      source: '/usr/bin/tini-static',
      options: ['bind', 'ro'],
    });
    assert.equal(spec.mounts.indexOf(mount(spec, '/sbin/docker-init') as RuntimeMount), 7);
  });

  it('terminal, console size, no-new-privileges, OOM score, user', () => {
    const spec = buildSpec(
      input({
        process: {
          ...input().process,
          terminal: true,
          consoleSize: [24, 80],
          noNewPrivileges: true,
          oomScoreAdj: 500,
          user: { uid: 1000, gid: 1000, additionalGids: [1000, 27] },
        },
      }),
    );
    assert.equal(spec.process.terminal, true);
    assert.deepEqual(spec.process.consoleSize, { height: 24, width: 80 });
    assert.equal(spec.process.noNewPrivileges, true);
    assert.equal(spec.process.oomScoreAdj, 500);
    assert.deepEqual(spec.process.user, { uid: 1000, gid: 1000, additionalGids: [1000, 27] });
  });

  it('network host shares the host namespace; a path joins one', () => {
    assert.ok(
      !buildSpec(input({ network: { mode: 'host' } })).linux.namespaces.some((n) => n.type === 'network'),
    );
    const joined = buildSpec(input({ network: { mode: 'path', path: '/run/netns/x' } })).linux.namespaces;
    assert.deepEqual(
      joined.find((n) => n.type === 'network'),
      { type: 'network', path: '/run/netns/x' },
    );
  });

  it('MaskedPaths/ReadonlyPaths from HostConfig replace Docker’s lists', () => {
    const spec = buildSpec(input({ maskedPaths: ['/proc/x'], readonlyPaths: [] }));
    assert.deepEqual(spec.linux.maskedPaths, ['/proc/x']);
    assert.deepEqual(spec.linux.readonlyPaths, []);
  });
});

describe('buildExecProcess', () => {
  const container = input({ capDrop: ['kill'], process: { ...input().process, noNewPrivileges: true } });

  it('keeps the container’s capabilities and settings with the exec’s own process fields', () => {
    const p = buildExecProcess(container, {
      args: ['ls'],
      env: ['A=1'],
      cwd: '/tmp',
      user: { uid: 5, gid: 6 },
      terminal: true,
      consoleSize: [10, 20],
    });
    assert.deepEqual(p.args, ['ls']);
    assert.deepEqual(p.env, ['A=1']);
    assert.equal(p.cwd, '/tmp');
    assert.deepEqual(p.user, { uid: 5, gid: 6 });
    assert.equal(p.terminal, true);
    assert.deepEqual(p.consoleSize, { height: 10, width: 20 });
    assert.equal(p.noNewPrivileges, true);
    assert.ok(!p.capabilities?.bounding?.includes('CAP_KILL'));
    assert.equal(p.capabilities?.bounding?.length, 13);
  });

  it('a privileged exec gets every capability', () => {
    const p = buildExecProcess(container, {
      args: ['ls'],
      env: [],
      cwd: '/',
      user: { uid: 0, gid: 0 },
      privileged: true,
    });
    assert.deepEqual(p.capabilities?.effective, [...ALL_CAPABILITIES]);
  });
});
