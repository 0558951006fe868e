/**
 * The containerd client and the stdio FIFOs against a real containerd, shim and runc (root
 * only): one containerd for the whole file, busybox containers, every container, task,
 * shim and cgroup removed by id afterwards (runtime-harness.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { before, describe, it } from 'node:test';
import { useCleanup } from '../../test/support/cleanup.js';
import { waitFor } from '../../test/support/wait.js';
import { ConflictError, NotFoundError, UnavailableError } from '../errors/index.js';
import type { RuntimeEvent } from './containerd-client.js';
import { GrpcContainerdClient } from './grpc-containerd-client.js';
import { ProcessFifos } from './process-fifos.js';
import { startRuntimeHarness, type RuntimeHarness } from './testing/runtime-harness.js';

/** Everything a stream delivered so far, whether or not anyone was waiting for it yet. */
class Output {
  text = '';
  readonly ended: Promise<string>;
  private waiters: { pattern: RegExp; resolve: (text: string) => void }[] = [];

  constructor(stream: Readable | undefined) {
    if (!stream) {
      this.ended = Promise.resolve('');
      return;
    }
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.text += chunk;
      this.waiters = this.waiters.filter((w) => !(w.pattern.test(this.text) && (w.resolve(this.text), true)));
    });
    this.ended = new Promise((resolve, reject) => {
      stream.once('end', () => resolve(this.text));
      stream.once('error', reject);
    });
  }

  /** Resolves with all output so far once it matches `pattern` (fails after 10 s, showing it). */
  until(pattern: RegExp): Promise<string> {
    if (pattern.test(this.text)) return Promise.resolve(this.text);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${pattern} in output ${JSON.stringify(this.text)}`)),
        10_000,
      );
      this.waiters.push({
        pattern,
        resolve: (text) => {
          clearTimeout(timer);
          resolve(text);
        },
      });
    });
  }
}

describe('grpc containerd client (real containerd and runc)', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let h: RuntimeHarness;

  before(async () => {
    h = await startRuntimeHarness(cleanup);
  });

  async function fifos(id: string, options: { stdin?: boolean; terminal?: boolean; exec?: string } = {}) {
    const dir = join(h.execRoot, 'fifo', id, ...(options.exec ? [options.exec] : []));
    const io = await ProcessFifos.create({
      dir,
      stdin: options.stdin ?? false,
      terminal: options.terminal ?? false,
    });
    cleanup.defer(`fifos ${dir}`, () => io.close());
    return io;
  }

  /** Creates container + task with FIFOs and starts it; output collection starts at once. */
  async function run(
    id: string,
    args: string[],
    options: {
      stdin?: boolean;
      terminal?: boolean;
      resources?: object;
      beforeStart?: () => Promise<void>;
    } = {},
  ) {
    await h.createContainer(id, args, { terminal: options.terminal, resources: options.resources });
    const io = await fifos(id, options);
    const out = new Output(io.stdout);
    const err = new Output(io.stderr);
    const { pid } = await h.client.createTask({ containerId: id, stdio: io.stdio });
    io.shimOpened();
    await options.beforeStart?.();
    const started = await h.client.startProcess(id);
    return { io, pid, started, out, err, stdout: out.ended, stderr: err.ended };
  }

  it('runs a task: stdout and stderr through FIFOs, exit status from wait, then deletes it', async () => {
    const id = h.newId('out');
    const { io, pid, started, stdout, stderr } = await run(id, [
      'sh',
      '-c',
      'echo out; echo err >&2; exit 3',
    ]);
    assert.ok(pid > 0);
    assert.equal(started.pid, pid);
    const exit = await h.client.wait(id);
    assert.equal(exit.exitStatus, 3);
    assert.match(exit.exitedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    assert.notEqual(exit.exitedAt, '0001-01-01T00:00:00Z');
    assert.equal(await stdout, 'out\n');
    assert.equal(await stderr, 'err\n');

    const state = await h.client.state(id);
    assert.equal(state.status, 'stopped');
    assert.equal(state.exitStatus, 3);
    assert.equal(state.containerId, id);
    assert.equal(state.execId, undefined);
    // wait on an exited process answers at once with the same exit
    assert.deepEqual(await h.client.wait(id), exit);

    const deleted = await h.client.deleteTask(id);
    assert.equal(deleted.exitStatus, 3);
    await assert.rejects(h.client.state(id), NotFoundError);
    await assert.rejects(h.client.deleteTask(id), NotFoundError);
    await h.client.deleteContainer(id);
    assert.ok(!(await h.client.listContainers()).includes(id));
    await assert.rejects(h.client.deleteContainer(id), NotFoundError);
    await io.close();
  });

  it('reports a created task before start and lists tasks and containers', async () => {
    const id = h.newId('list');
    await h.createContainer(id, ['sleep', '60']);
    assert.ok((await h.client.listContainers()).includes(id));
    await assert.rejects(h.client.createContainer({ id, spec: h.spec(id, ['true']) }), ConflictError);
    const io = await fifos(id);
    const { pid } = await h.client.createTask({ containerId: id, stdio: io.stdio });
    io.shimOpened();
    const created = await h.client.state(id);
    assert.equal(created.status, 'created');
    assert.equal(created.pid, pid);
    await h.client.startProcess(id);
    const listed = (await h.client.listTasks()).find((t) => t.containerId === id);
    assert.equal(listed?.status, 'running');
    assert.equal(listed?.pid, pid);
    assert.deepEqual(await h.client.pids(id), [pid]);
    await h.client.kill(id, 9);
    assert.equal((await h.client.wait(id)).exitStatus, 137);
  });

  it('kills with SIGTERM (handled by the process) and SIGKILL', async () => {
    const term = h.newId('term');
    const a = await run(term, [
      'sh',
      '-c',
      'trap "echo got-term; exit 143" TERM; echo ready; sleep 60 & wait',
    ]);
    await a.out.until(/ready/);
    await h.client.kill(term, 15);
    assert.equal((await h.client.wait(term)).exitStatus, 143);
    assert.match(await a.stdout, /got-term/);

    const killed = h.newId('kill');
    await run(killed, ['sleep', '60']);
    const waiting = h.client.wait(killed);
    await h.client.kill(killed, 9, { all: true });
    assert.equal((await waiting).exitStatus, 137);
  });

  it('passes stdin through and ends it with closeStdin', async () => {
    const id = h.newId('stdin');
    const { io, stdout } = await run(id, ['cat'], { stdin: true });
    io.stdin!.write('hello\n');
    io.stdin!.end('world\n');
    await h.client.closeStdin(id);
    assert.equal((await h.client.wait(id)).exitStatus, 0);
    assert.equal(await stdout, 'hello\nworld\n');
  });

  it('runs with a terminal: output through the pty, resizePty seen by stty', async () => {
    const id = h.newId('tty');
    const { io, out } = await run(id, ['sh', '-c', 'stty size; read line; stty size; exit 4'], {
      stdin: true,
      terminal: true,
      // A pty starts at 0x0; like the docker CLI, size it between create and start.
      beforeStart: () => h.client.resizePty(id, { width: 80, height: 20 }),
    });
    assert.equal(io.stderr, undefined);
    assert.equal(io.stdio.stderr, undefined);
    const first = await out.until(/\d+ \d+\r\n/);
    assert.match(first, /^20 80\r\n/);
    await h.client.resizePty(id, { width: 123, height: 45 });
    io.stdin!.write('go\n');
    await out.until(/45 123\r\n/);
    assert.equal((await h.client.wait(id)).exitStatus, 4);
    const text = await out.ended; // the pty's output ends when the process exits
    assert.match(text, /go\r\n45 123\r\n$/);
  });

  it('execs into a running task: output, exit code, and a missing binary', async () => {
    const id = h.newId('exec');
    const { pid } = await run(id, ['sleep', '60']);

    const execId = 'exec-ok';
    const io = await fifos(id, { exec: execId });
    const stdout = new Output(io.stdout).ended;
    const stderr = new Output(io.stderr).ended;
    await h.client.exec({
      containerId: id,
      execId,
      process: {
        args: ['sh', '-c', 'echo in-exec; echo oops >&2; exit 5'],
        cwd: '/',
        env: ['PATH=/bin'],
        user: { uid: 0, gid: 0 },
      },
      stdio: io.stdio,
    });
    const started = await h.client.startProcess(id, execId);
    io.shimOpened();
    assert.ok(started.pid > 0 && started.pid !== pid);
    const exit = await h.client.wait(id, execId);
    assert.equal(exit.exitStatus, 5);
    assert.equal(await stdout, 'in-exec\n');
    assert.equal(await stderr, 'oops\n');
    const state = await h.client.state(id, execId);
    assert.equal(state.execId, execId);
    assert.equal(state.status, 'stopped');
    assert.equal((await h.client.deleteTask(id, execId)).exitStatus, 5);
    await assert.rejects(h.client.state(id, execId), NotFoundError);

    const missing = 'exec-missing';
    const io2 = await fifos(id, { exec: missing });
    await h.client.exec({
      containerId: id,
      execId: missing,
      process: { args: ['nosuch'], cwd: '/', env: ['PATH=/bin'], user: { uid: 0, gid: 0 } },
      stdio: io2.stdio,
    });
    await assert.rejects(h.client.startProcess(id, missing), (err: Error) => {
      assert.match(err.message, /exec: "nosuch": executable file not found in \$PATH/);
      return true;
    });
    await h.client.deleteTask(id, missing).catch(() => undefined);
    // the task itself is unharmed
    assert.equal((await h.client.state(id)).status, 'running');
  });

  it('execs with stdin, and with a terminal that resizePty sizes', async () => {
    const id = h.newId('exec-io');
    await run(id, ['sleep', '60']);
    const process = { cwd: '/', env: ['PATH=/bin'], user: { uid: 0, gid: 0 } };

    const cat = await fifos(id, { exec: 'cat', stdin: true });
    const catOut = new Output(cat.stdout);
    await h.client.exec({
      containerId: id,
      execId: 'cat',
      process: { ...process, args: ['cat'] },
      stdio: cat.stdio,
    });
    await h.client.startProcess(id, 'cat');
    cat.shimOpened();
    cat.stdin!.end('piped\n');
    await h.client.closeStdin(id, 'cat');
    assert.equal((await h.client.wait(id, 'cat')).exitStatus, 0);
    assert.equal(await catOut.ended, 'piped\n');

    const tty = await fifos(id, { exec: 'tty', stdin: true, terminal: true });
    const ttyOut = new Output(tty.stdout);
    await h.client.exec({
      containerId: id,
      execId: 'tty',
      // terminal is set by the client from stdio.terminal
      process: { ...process, args: ['sh', '-c', 'read x; stty size'] },
      stdio: tty.stdio,
    });
    await h.client.startProcess(id, 'tty');
    tty.shimOpened();
    await h.client.resizePty(id, { width: 99, height: 33 }, 'tty');
    tty.stdin!.write('\n');
    assert.equal((await h.client.wait(id, 'tty')).exitStatus, 0);
    assert.match(await ttyOut.ended, /33 99\r\n$/);
  });

  it("fails createTask with runc's message for a missing binary", async () => {
    const id = h.newId('nosuch');
    await h.createContainer(id, ['nosuch-binary']);
    const io = await fifos(id);
    await assert.rejects(h.client.createTask({ containerId: id, stdio: io.stdio }), (err: Error) => {
      assert.match(err.message, /exec: "nosuch-binary": executable file not found in \$PATH/);
      return true;
    });
    await io.close();
    await assert.rejects(h.client.state(id), NotFoundError);
  });

  it('pauses and resumes a task', async () => {
    const id = h.newId('pause');
    await run(id, ['sleep', '60']);
    await h.client.pause(id);
    assert.equal((await h.client.state(id)).status, 'paused');
    await h.client.resume(id);
    assert.equal((await h.client.state(id)).status, 'running');
  });

  it('delivers task events: start, exit with its status, delete', async () => {
    const events: RuntimeEvent[] = [];
    const subscription = h.client.subscribe((e) => events.push(e));
    cleanup.defer('event subscription', () => subscription.close());
    const id = h.newId('events');
    // Subscribe is not acknowledged; a round trip gives containerd time to register it.
    await h.client.listTasks();
    const { pid } = await run(id, ['sh', '-c', 'exit 7']);
    await h.client.wait(id);
    await h.client.deleteTask(id);
    const exit = await waitFor('the /tasks/exit event', () =>
      events.find((e) => e.topic === '/tasks/exit' && e.containerId === id),
    );
    assert.deepEqual(
      { ...exit, exitedAt: undefined },
      {
        topic: '/tasks/exit',
        containerId: id,
        execId: '',
        pid,
        exitStatus: 7,
        exitedAt: undefined,
      },
    );
    await waitFor('the /tasks/delete event', () =>
      events.some((e) => e.topic === '/tasks/delete' && e.containerId === id),
    );
    assert.ok(events.some((e) => e.topic === '/tasks/start' && e.containerId === id));
    subscription.close();
  });

  it('reports an OOM kill as /tasks/oom and exit 137', async () => {
    const events: RuntimeEvent[] = [];
    const subscription = h.client.subscribe((e) => events.push(e));
    cleanup.defer('event subscription', () => subscription.close());
    await h.client.listTasks();
    const id = h.newId('oom');
    const limit = 16 * 1024 * 1024;
    // tail keeps the last line of /dev/zero, which never ends: memory grows until the limit.
    await run(id, ['tail', '/dev/zero'], { resources: { memory: { limit, swap: limit } } });
    assert.equal((await h.client.wait(id)).exitStatus, 137);
    await waitFor('the /tasks/oom event', () =>
      events.some((e) => e.topic === '/tasks/oom' && e.containerId === id),
    );
    subscription.close();
  });

  it('keeps waits and event subscriptions across a containerd restart', async () => {
    const events: RuntimeEvent[] = [];
    const subscription = h.client.subscribe((e) => events.push(e));
    cleanup.defer('event subscription', () => subscription.close());
    const id = h.newId('restart');
    await run(id, ['sleep', '60']);
    const waiting = h.client.wait(id);

    const first = h.containerd.pid!;
    const restarted = new Promise<number>((resolve) => h.containerd.onStarted((e) => resolve(e.pid)));
    process.kill(first, 'SIGKILL');
    const second = await restarted; // the harness ends it by pid after the tests
    assert.notEqual(second, first);

    // the task survived in its shim; the new containerd knows it
    assert.equal((await h.client.state(id)).status, 'running');
    // The stream is re-opened after a back-off and not acknowledged: pause and resume (cheap
    // events) until one arrives through it, then the exit must arrive too.
    const before = events.length;
    await waitFor('events through the re-opened subscription', async () => {
      await h.client.pause(id);
      await h.client.resume(id);
      return events.slice(before).some((e) => e.topic === '/tasks/resumed' && e.containerId === id);
    });
    await h.client.kill(id, 9);
    assert.equal((await waiting).exitStatus, 137);
    await waitFor('the /tasks/exit event after the restart', () =>
      events.find((e) => e.topic === '/tasks/exit' && e.containerId === id),
    );
    subscription.close();
  });

  it('aborts a wait through its signal', async () => {
    const id = h.newId('abort');
    await run(id, ['sleep', '60']);
    const controller = new AbortController();
    const waiting = h.client.wait(id, '', controller.signal);
    controller.abort(new Error('no longer interested'));
    await assert.rejects(waiting, /no longer interested/);
  });

  it('ends pending waits when the client is closed', async () => {
    const id = h.newId('close');
    await run(id, ['sleep', '60']);
    const other = await GrpcContainerdClient.connect({
      address: h.client.address,
      namespace: h.client.namespace,
    });
    cleanup.defer('second client', () => other.close());
    assert.equal((await other.state(id)).status, 'running');
    const waiting = other.wait(id);
    other.close();
    await assert.rejects(waiting, UnavailableError);
    await assert.rejects(other.state(id));
  });
});
