/**
 * ladingd end to end: the real bin/ladingd (built code) as root, each daemon on its own data
 * root, exec root and socket under the test base, driven by the real docker CLI.
 *
 * Everything started here is registered with the suite's Cleanup right away: daemons and the
 * external containerd by pid, their directories (and so any containerd naming them) by path.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { useCleanup } from '../support/cleanup.js';
import { docker } from '../support/cli.js';
import { startContainerd } from '../support/containerd.js';
import { containerdOf, runDaemonToExit, startDaemon, type TestDaemon } from '../support/daemon.js';
import { engineRequest } from '../support/engine-request.js';
import { mountsUnder } from '../support/mounts.js';
import { commandLineOf, isAlive, pidsMentioning } from '../support/processes.js';
import { makeTestDirs } from '../support/test-base.js';
import { waitFor } from '../support/wait.js';

const INITIALIZED = 'Daemon has completed initialization';

describe('ladingd', { timeout: 180_000 }, () => {
  const cleanup = useCleanup();
  let daemon: TestDaemon;
  /** Every containerd seen as a child of the daemon: none may outlive it. */
  const seenContainerd = new Set<number>();
  const containerd = (): number | undefined => {
    const pid = containerdOf(daemon);
    if (pid !== undefined) seenContainerd.add(pid);
    return pid;
  };

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'the daemon e2e tests run as root');
    daemon = await startDaemon({
      cleanup,
      label: 'ladingd',
      config: { 'log-level': 'info', 'registry-mirrors': ['http://127.0.0.1:5999'] },
    });
    await daemon.waitForLog(INITIALIZED);
  });

  it('serves `docker version` with lading data', async () => {
    const result = await docker(daemon.host, 'version');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Server: lading/);
    assert.match(result.stdout, /Engine:\s+Version:\s+0\.1\.0/);
    assert.match(result.stdout, /containerd:\s+Version:\s+1\.6/);
    assert.match(result.stdout, /runc:\s+Version:/);
  });

  it('serves `docker info` with lading data', async () => {
    const result = await docker(daemon.host, 'info');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Server Version: 0\.1\.0/);
    assert.ok(result.stdout.includes(`Docker Root Dir: ${daemon.dataRoot}`), result.stdout);
    assert.match(result.stdout, /Storage Driver: overlay2/);
    assert.match(result.stdout, /Registry Mirrors:\s+http:\/\/127\.0\.0\.1:5999/);
    const id = await docker(daemon.host, 'info', '--format', '{{.ID}}');
    assert.equal(id.stdout.trim(), readFileSync(join(daemon.dataRoot, 'engine-id'), 'utf8').trim());
  });

  it('makes the socket 0660', () => {
    assert.equal(statSync(daemon.socketPath).mode & 0o777, 0o660);
  });

  it('answers an unknown API path with 404 JSON', async () => {
    const res = await engineRequest(daemon.socketPath, 'GET', '/v1.47/no/such/thing');
    assert.equal(res.status, 404);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(typeof (JSON.parse(res.body) as { message: unknown }).message, 'string');
  });

  it('refuses a second daemon on the same data root', async () => {
    const other = makeTestDirs('second');
    cleanup.directory(other.root);
    const second = await runDaemonToExit({
      cleanup,
      dirs: { root: other.root, dataRoot: daemon.dataRoot, execRoot: other.execRoot },
    });
    assert.equal(second.code, 1);
    assert.ok(
      second.logs.includes(`another ladingd (pid ${daemon.pid}) is using data root ${daemon.dataRoot}`),
      second.logs,
    );
    // Sharing only the exec root would share containerd's socket and state: refused too.
    const third = await runDaemonToExit({
      cleanup,
      dirs: { root: other.root, dataRoot: other.dataRoot, execRoot: daemon.execRoot },
      socketPath: join(other.root, 'third.sock'),
    });
    assert.equal(third.code, 1);
    assert.ok(
      third.logs.includes(`another ladingd (pid ${daemon.pid}) is using exec root ${daemon.execRoot}`),
      third.logs,
    );
  });

  it('refuses a bad daemon.json, naming the key', async () => {
    const dirs = makeTestDirs('bad-config');
    cleanup.directory(dirs.root);
    const dataRoot = join(dirs.root, 'data-bad');
    const bad = await runDaemonToExit({
      cleanup,
      dirs: { ...dirs, dataRoot },
      config: { 'registry-mirror': ['http://x'] },
    });
    assert.equal(bad.code, 1);
    assert.ok(
      bad.stderr.includes(`invalid daemon.json ${bad.configFile}: unknown key "registry-mirror"`),
      bad.stderr,
    );
    assert.equal(existsSync(dataRoot), false, 'a bad config must not create the data root');
  });

  it('refuses TCP without TLS', async () => {
    const result = await runDaemonToExit({
      cleanup,
      label: 'tcp',
      extraArgs: ['-H', 'tcp://127.0.0.1:2375'],
    });
    assert.equal(result.code, 1);
    assert.ok(
      result.stderr.includes('refusing to listen on tcp://127.0.0.1:2375 without TLS'),
      result.stderr,
    );
  });

  it('restarts its containerd when it is killed', async () => {
    const first = await waitFor('containerd child', containerd);
    process.kill(first, 'SIGKILL');
    const second = await waitFor('a new containerd', () => {
      const pid = containerd();
      return pid !== undefined && pid !== first ? pid : undefined;
    });
    assert.notEqual(second, first);
    await daemon.waitForLog(`containerd restarted" pid=${second}`);
    const result = await docker(
      daemon.host,
      'version',
      '--format',
      '{{range .Server.Components}}{{.Name}} {{end}}',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /containerd/);
  });

  it('reloads daemon.json on SIGHUP and emits a daemon reload event', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    writeFileSync(daemon.configFile, JSON.stringify({ 'log-level': 'debug', labels: ['tier=test'] }));
    process.kill(daemon.pid, 'SIGHUP');
    await daemon.waitForLog('reloaded the configuration');
    const info = await docker(daemon.host, 'info', '--format', '{{json .Labels}} {{.Debug}}');
    assert.equal(info.stdout.trim(), '["tier=test"] true');
    const until = Math.floor(Date.now() / 1000) + 1;
    const events = await docker(
      daemon.host,
      'events',
      '--since',
      String(since),
      '--until',
      String(until),
      '--filter',
      'type=daemon',
      '--format',
      '{{.Type}} {{.Action}}',
    );
    assert.equal(events.code, 0, events.stderr);
    assert.match(events.stdout, /daemon reload/);

    // A broken file on reload is logged and the running config kept.
    writeFileSync(daemon.configFile, '{"log-level": "loud"}');
    process.kill(daemon.pid, 'SIGHUP');
    await daemon.waitForLog('reloading the configuration failed');
    const after = await docker(daemon.host, 'info', '--format', '{{json .Labels}}');
    assert.equal(after.stdout.trim(), '["tier=test"]');
  });

  it('stops on SIGTERM, leaving no process, socket, lock or mount', async () => {
    const running = await waitFor('containerd child', containerd);
    assert.equal(await daemon.stop('SIGTERM'), 0, daemon.logs());
    assert.equal(isAlive(daemon.pid), false);
    for (const pid of seenContainerd) {
      // A pid reused by then is someone else's: only one still naming our exec root counts.
      const ours = pid === running || (commandLineOf(pid) ?? '').includes(daemon.execRoot);
      if (ours) assert.equal(isAlive(pid), false, `containerd ${pid} still running`);
    }
    assert.deepEqual(pidsMentioning(daemon.root), [], 'processes still naming the daemon directory');
    assert.equal(existsSync(daemon.socketPath), false, 'API socket left behind');
    assert.equal(existsSync(join(daemon.execRoot, 'containerd', 'containerd.sock')), false);
    assert.equal(existsSync(join(daemon.dataRoot, 'lading.pid')), false);
    assert.deepEqual(mountsUnder(daemon.root), []);
  });
});

describe('ladingd recovery and an existing containerd', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();

  it('after a SIGKILLed ladingd, the next one stops the orphaned containerd and takes over', async () => {
    const crashed = await startDaemon({ cleanup, label: 'crashed' });
    await crashed.waitForLog(INITIALIZED);
    const orphan = await waitFor('containerd child', () => containerdOf(crashed));
    await crashed.stop('SIGKILL');
    assert.equal(isAlive(orphan), true, 'containerd runs in its own session and outlives a SIGKILL');

    const next = await startDaemon({
      cleanup,
      dirs: { root: crashed.root, dataRoot: crashed.dataRoot, execRoot: crashed.execRoot },
    });
    await next.waitForLog(INITIALIZED);
    assert.match(next.logs(), /stopping a containerd left running by a previous ladingd/);
    assert.equal(isAlive(orphan), false);
    const fresh = await waitFor('containerd child', () => containerdOf(next));
    assert.notEqual(fresh, orphan);
    assert.equal(await next.stop('SIGTERM'), 0, next.logs());
    assert.equal(isAlive(fresh), false);
  });

  it('uses an existing containerd given with --containerd and leaves it running', async () => {
    const external = await startContainerd({ cleanup, label: 'external-containerd' });
    const d = await startDaemon({
      cleanup,
      label: 'with-containerd',
      extraArgs: ['--containerd', external.address],
    });
    await d.waitForLog(INITIALIZED);
    assert.match(d.logs(), /using existing containerd/);
    assert.equal(containerdOf(d), undefined, 'ladingd must not start its own containerd');
    const version = await docker(d.host, 'version', '--format', '{{json .Server.Components}}');
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /"Name":"containerd"/);
    assert.equal(await d.stop('SIGTERM'), 0, d.logs());
    assert.equal(isAlive(external.pid), true, 'an existing containerd is not ours to stop');
  });
});
