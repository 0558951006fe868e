/**
 * ladingd end to end: the real bin/ladingd (built code) as root, with its own data root,
 * exec root and socket under a temp dir, driven by the real docker CLI.
 *
 * Cleanup never goes by process name: every pid killed here is one this file spawned, or a
 * containerd found as a child of a ladingd this file spawned (and checked to be using our
 * temp dir). The temp dir is removed only if nothing is mounted under it.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const LADINGD = join(repoRoot, 'bin', 'ladingd');
const DOCKER = '/usr/local/bin/docker';

interface Spawned {
  child: ChildProcess;
  pid: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const spawnedDaemons: Spawned[] = [];
/** containerd pids seen as children of our daemons, for cleanup. */
const seenContainerdPids = new Set<number>();
let tmp = '';

function startLadingd(args: string[]): Spawned {
  // detached: ladingd leads its own process group, so cleanup can signal the group by its pid.
  const child = spawn(LADINGD, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  assert.ok(child.pid, 'ladingd did not spawn');
  const spawned = { child, pid: child.pid, output: () => output, exited };
  spawnedDaemons.push(spawned);
  return spawned;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: { PATH: process.env['PATH'], ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

async function cmdline(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
}

async function childPids(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const out = new Set<number>();
  for (const tid of tasks) {
    const text = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '');
    for (const word of text.split(/\s+/)) if (word) out.add(Number(word));
  }
  return [...out];
}

/** The containerd child of ladingd `pid` that uses config under `execRoot`. */
async function containerdChild(pid: number, execRoot: string): Promise<number | undefined> {
  for (const child of await childPids(pid)) {
    const cmd = await cmdline(child);
    if (cmd.includes('containerd') && cmd.includes(execRoot) && (await isAlive(child))) {
      seenContainerdPids.add(child);
      return child;
    }
  }
  return undefined;
}

function httpGet(socketPath: string, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
  });
}

async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`));
}

describe('ladingd', { timeout: 180_000 }, () => {
  let dataRoot = '';
  let execRoot = '';
  let socket = '';
  let configFile = '';
  let daemon: Spawned;
  let dockerEnv: NodeJS.ProcessEnv = {};
  const docker = (...args: string[]) => run(DOCKER, ['-H', `unix://${socket}`, ...args], dockerEnv);

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'the daemon e2e tests run as root');
    tmp = await mkdtemp('/tmp/lading-e2e-');
    dataRoot = join(tmp, 'data');
    execRoot = join(tmp, 'exec');
    socket = join(tmp, 'lading.sock');
    configFile = join(tmp, 'daemon.json');
    await mkdir(join(tmp, 'docker-config'));
    dockerEnv = { DOCKER_CONFIG: join(tmp, 'docker-config') };
    await writeFile(
      configFile,
      JSON.stringify({ 'log-level': 'info', 'registry-mirrors': ['http://127.0.0.1:5999'] }),
    );
    daemon = startLadingd([
      '--config-file',
      configFile,
      '--data-root',
      dataRoot,
      '--exec-root',
      execRoot,
      '-H',
      `unix://${socket}`,
    ]);
    await waitFor('ladingd to complete initialization', async () => {
      if (daemon.child.exitCode !== null) throw new Error(`ladingd exited early:\n${daemon.output()}`);
      return daemon.output().includes('Daemon has completed initialization') && (await exists(socket));
    });
  });

  after(async () => {
    for (const { child, pid } of spawnedDaemons) {
      if (child.exitCode === null && child.signalCode === null) {
        for (const c of await childPids(pid)) seenContainerdPids.add(c);
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    for (const pid of seenContainerdPids) {
      // Only a process that is still ours: same pid may have been reused by then.
      if ((await isAlive(pid)) && (await cmdline(pid)).includes(tmp)) process.kill(pid, 'SIGKILL');
    }
    if (tmp === '') return;
    const mounts = await mountsUnder(tmp);
    if (mounts.length > 0) throw new Error(`not removing ${tmp}: still mounted: ${mounts.join(', ')}`);
    await rm(tmp, { recursive: true, force: true });
  });

  it('serves `docker version` with lading data', async () => {
    const result = await docker('version');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Server: lading/);
    assert.match(result.stdout, /Engine:\s+Version:\s+0\.1\.0/);
    assert.match(result.stdout, /containerd:\s+Version:\s+1\.6/);
    assert.match(result.stdout, /runc:\s+Version:/);
  });

  it('serves `docker info` with lading data', async () => {
    const result = await docker('info');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Server Version: 0\.1\.0/);
    assert.ok(result.stdout.includes(`Docker Root Dir: ${dataRoot}`), result.stdout);
    assert.match(result.stdout, /Storage Driver: overlay2/);
    assert.match(result.stdout, /Registry Mirrors:\s+http:\/\/127\.0\.0\.1:5999/);
    const id = await docker('info', '--format', '{{.ID}}');
    assert.equal(id.stdout.trim(), (await readFile(join(dataRoot, 'engine-id'), 'utf8')).trim());
  });

  it('makes the socket 0660', async () => {
    assert.equal((await stat(socket)).mode & 0o777, 0o660);
  });

  it('answers an unknown API path with 404 JSON', async () => {
    const res = await httpGet(socket, '/v1.47/no/such/thing');
    assert.equal(res.status, 404);
    assert.match(res.type, /^application\/json/);
    assert.equal(typeof (JSON.parse(res.body) as { message: unknown }).message, 'string');
  });

  it('refuses a second daemon on the same data root', async () => {
    const second = startLadingd([
      '--config-file',
      '/dev/null',
      '--data-root',
      dataRoot,
      '--exec-root',
      join(tmp, 'exec2'),
      '-H',
      `unix://${join(tmp, 'second.sock')}`,
    ]);
    const { code } = await second.exited;
    assert.equal(code, 1);
    assert.ok(
      second.output().includes(`another ladingd (pid ${daemon.pid}) is using data root ${dataRoot}`),
      second.output(),
    );
    // Sharing only the exec root would share containerd's socket and state: refused too.
    const third = startLadingd([
      '--config-file',
      '/dev/null',
      '--data-root',
      join(tmp, 'data3'),
      '--exec-root',
      execRoot,
      '-H',
      `unix://${join(tmp, 'third.sock')}`,
    ]);
    assert.equal((await third.exited).code, 1);
    assert.ok(
      third.output().includes(`another ladingd (pid ${daemon.pid}) is using exec root ${execRoot}`),
      third.output(),
    );
  });

  it('refuses a bad daemon.json, naming the key', async () => {
    const bad = join(tmp, 'bad.json');
    await writeFile(bad, JSON.stringify({ 'registry-mirror': ['http://x'] }));
    const result = await run(LADINGD, ['--config-file', bad, '--data-root', join(tmp, 'data-bad')]);
    assert.equal(result.code, 1);
    assert.ok(
      result.stderr.includes(`invalid daemon.json ${bad}: unknown key "registry-mirror"`),
      result.stderr,
    );
    assert.equal(await exists(join(tmp, 'data-bad')), false, 'a bad config must not create the data root');
  });

  it('refuses TCP without TLS', async () => {
    const result = await run(LADINGD, [
      '--config-file',
      '/dev/null',
      '--data-root',
      join(tmp, 'data-tcp'),
      '--exec-root',
      join(tmp, 'exec-tcp'),
      '-H',
      'tcp://127.0.0.1:2375',
    ]);
    assert.equal(result.code, 1);
    assert.ok(
      result.stderr.includes('refusing to listen on tcp://127.0.0.1:2375 without TLS'),
      result.stderr,
    );
  });

  it('restarts its containerd when it is killed', async () => {
    const first = await waitFor('containerd child', () => containerdChild(daemon.pid, execRoot));
    process.kill(first, 'SIGKILL');
    const second = await waitFor('a new containerd', async () => {
      const pid = await containerdChild(daemon.pid, execRoot);
      return pid !== undefined && pid !== first ? pid : undefined;
    });
    assert.notEqual(second, first);
    await waitFor('the restarted containerd to answer', () =>
      daemon.output().includes(`containerd restarted" pid=${second}`) ? true : undefined,
    );
    const result = await docker('version', '--format', '{{range .Server.Components}}{{.Name}} {{end}}');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /containerd/);
  });

  it('reloads daemon.json on SIGHUP and emits a daemon reload event', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await writeFile(configFile, JSON.stringify({ 'log-level': 'debug', labels: ['tier=test'] }));
    process.kill(daemon.pid, 'SIGHUP');
    await waitFor('the reload', () =>
      daemon.output().includes('reloaded the configuration') ? true : undefined,
    );
    const info = await docker('info', '--format', '{{json .Labels}} {{.Debug}}');
    assert.equal(info.stdout.trim(), '["tier=test"] true');
    const until = Math.floor(Date.now() / 1000) + 1;
    const events = await docker(
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
    await writeFile(configFile, '{"log-level": "loud"}');
    process.kill(daemon.pid, 'SIGHUP');
    await waitFor('the failed reload', () =>
      daemon.output().includes('reloading the configuration failed') ? true : undefined,
    );
    const after = await docker('info', '--format', '{{json .Labels}}');
    assert.equal(after.stdout.trim(), '["tier=test"]');
  });

  it('stops on SIGTERM, leaving no process, socket or lock', async () => {
    const containerd = await waitFor('containerd child', () => containerdChild(daemon.pid, execRoot));
    process.kill(daemon.pid, 'SIGTERM');
    const { code } = await daemon.exited;
    assert.equal(code, 0, daemon.output());
    assert.equal(await isAlive(daemon.pid), false);
    for (const pid of seenContainerdPids) {
      if (pid === containerd || (await cmdline(pid)).includes(execRoot)) {
        assert.equal(await isAlive(pid), false, `containerd ${pid} still running`);
      }
    }
    assert.equal(await exists(socket), false, 'API socket left behind');
    assert.equal(await exists(join(execRoot, 'containerd', 'containerd.sock')), false);
    assert.equal(await exists(join(dataRoot, 'lading.pid')), false);
    assert.deepEqual(await mountsUnder(tmp), []);
  });
});

describe('ladingd recovery and an existing containerd', { timeout: 120_000 }, () => {
  let dir = '';
  let externalContainerd: ChildProcess | undefined;

  before(async () => {
    dir = await mkdtemp('/tmp/lading-e2e2-');
  });

  after(async () => {
    const pid = externalContainerd?.pid;
    if (pid !== undefined && (await isAlive(pid)) && (await cmdline(pid)).includes(dir))
      process.kill(pid, 'SIGKILL');
    for (const { child, pid: p } of spawnedDaemons) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    for (const p of seenContainerdPids) {
      if ((await isAlive(p)) && (await cmdline(p)).includes(dir)) process.kill(p, 'SIGKILL');
    }
    if (dir === '') return;
    const mounts = await mountsUnder(dir);
    if (mounts.length > 0) throw new Error(`not removing ${dir}: still mounted: ${mounts.join(', ')}`);
    await rm(dir, { recursive: true, force: true });
  });

  async function startAndWait(args: string[]): Promise<Spawned> {
    const d = startLadingd(['--config-file', '/dev/null', ...args]);
    await waitFor('ladingd to complete initialization', () => {
      if (d.child.exitCode !== null) throw new Error(`ladingd exited early:\n${d.output()}`);
      return d.output().includes('Daemon has completed initialization') ? true : undefined;
    });
    return d;
  }

  it('after a SIGKILLed ladingd, the next one stops the orphaned containerd and takes over', async () => {
    const dataRoot = join(dir, 'data');
    const execRoot = join(dir, 'exec');
    const args = ['--data-root', dataRoot, '--exec-root', execRoot, '-H', `unix://${join(dir, 'a.sock')}`];
    const crashed = await startAndWait(args);
    const orphan = await waitFor('containerd child', () => containerdChild(crashed.pid, execRoot));
    process.kill(-crashed.pid, 'SIGKILL');
    await crashed.exited;
    assert.equal(await isAlive(orphan), true, 'containerd runs in its own session and outlives a SIGKILL');

    const next = await startAndWait(args);
    assert.match(next.output(), /stopping a containerd left running by a previous ladingd/);
    assert.equal(await isAlive(orphan), false);
    const fresh = await waitFor('containerd child', () => containerdChild(next.pid, execRoot));
    assert.notEqual(fresh, orphan);
    process.kill(next.pid, 'SIGTERM');
    assert.equal((await next.exited).code, 0);
    assert.equal(await isAlive(fresh), false);
  });

  it('uses an existing containerd given with --containerd and leaves it running', async () => {
    const ctrDir = join(dir, 'ctr');
    await mkdir(ctrDir);
    const sock = join(ctrDir, 'c.sock');
    const config = join(ctrDir, 'config.toml');
    await writeFile(
      config,
      [
        'version = 2',
        `root = "${join(ctrDir, 'root')}"`,
        `state = "${join(ctrDir, 'state')}"`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        '[grpc]',
        `  address = "${sock}"`,
        '[ttrpc]',
        `  address = "${sock}.ttrpc"`,
        '',
      ].join('\n'),
    );
    externalContainerd = spawn('containerd', ['--config', config], { detached: true, stdio: 'ignore' });
    await waitFor('the external containerd socket', () => exists(sock).then((e) => e || undefined));

    const socket = join(dir, 'b.sock');
    const execRoot = join(dir, 'exec-b');
    const d = await startAndWait([
      '--data-root',
      join(dir, 'data-b'),
      '--exec-root',
      execRoot,
      '-H',
      `unix://${socket}`,
      '--containerd',
      sock,
    ]);
    assert.match(d.output(), /using existing containerd/);
    assert.equal(
      await containerdChild(d.pid, execRoot),
      undefined,
      'ladingd must not start its own containerd',
    );
    const version = await run(
      DOCKER,
      ['-H', `unix://${socket}`, 'version', '--format', '{{json .Server.Components}}'],
      {
        DOCKER_CONFIG: join(dir, 'docker-config'),
      },
    );
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /"Name":"containerd"/);
    process.kill(d.pid, 'SIGTERM');
    assert.equal((await d.exited).code, 0);
    assert.equal(await isAlive(externalContainerd.pid!), true, 'an existing containerd is not ours to stop');
  });
});
