import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INFO_FIXTURE } from '../testing/fixtures.js';
import { decodeSecurityOptions, renderClientInfo, renderServerInfo, type ClientInfo } from './info.js';

describe('info rendering', () => {
  it('prints the client section', () => {
    const c = { Version: '0.1.0', Debug: true } as ClientInfo;
    assert.equal(renderClientInfo(c), 'Client:\n Version:    0.1.0\n Debug Mode: true\n');
  });

  it("prints the server section in docker's order and wording", () => {
    assert.equal(
      renderServerInfo(INFO_FIXTURE),
      ` Containers: 3
  Running: 1
  Paused: 0
  Stopped: 2
 Images: 5
 Server Version: 0.1.0
 Storage Driver: overlay2
  Backing Filesystem: extfs
  Supports d_type: true
 Logging Driver: json-file
 Cgroup Driver: systemd
 Cgroup Version: 2
 Plugins:
  Volume: local
  Network: bridge host null
  Log: json-file local
 Swarm: inactive
 Runtimes: io.containerd.runc.v2 runc
 Default Runtime: runc
 Init Binary: docker-init
 containerd version: deadbeef
 runc version: v1.1.5
 init version: 
 Security Options:
  seccomp
   Profile: builtin
  cgroupns
 Kernel Version: 6.1.0-28-amd64
 Operating System: Debian GNU/Linux 12 (bookworm)
 OSType: linux
 Architecture: x86_64
 CPUs: 8
 Total Memory: 23.43GiB
 Name: host1
 ID: b1c2d3e4-0000-4000-8000-000000000000
 Docker Root Dir: /var/lib/lading
 Debug Mode: false
 Experimental: false
 Insecure Registries:
  localhost:5000
  127.0.0.0/8
 Registry Mirrors:
  http://127.0.0.1:5000/
 Live Restore Enabled: false

`,
    );
  });

  it('adds daemon internals in debug mode', () => {
    const out = renderServerInfo(INFO_FIXTURE, true);
    assert.match(
      out,
      /\n Debug Mode: false\n {2}File Descriptors: 24\n {2}Goroutines: 40\n {2}System Time: 2026-11-29T12:00:00\.000000000Z\n {2}EventsListeners: 0\n/,
    );
  });

  it('decodes security options', () => {
    assert.deepEqual(decodeSecurityOptions(['name=seccomp,profile=default', 'apparmor']), [
      { name: 'seccomp', options: [['profile', 'default']] },
      { name: 'apparmor', options: [] },
    ]);
  });
});
