/**
 * `docker exec`: an extra process in a running container. Execs live in memory only (as in
 * dockerd); each runs once. Attached execs start when the client is wired (the hijacked
 * connection exists), detached ones at once. The exit code is recorded before an attached
 * client's connection closes, so `exec inspect` right after shows it.
 */
import { join } from 'node:path';
import type { ExecCreateRequest, ExecInspect } from '../../api/types/index.js';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../errors/index.js';
import { ProcessFifos } from '../../runtime/index.js';
import { buildExecProcess } from '../../runtime/spec/index.js';
import { parseDetachKeys, StdioHub, type AttachClient } from '../io/index.js';
import type { ProcessSession } from '../attach-session.js';
import { generateContainerId, type ContainerRecord } from '../model/index.js';
import { execInput } from '../spec/index.js';
import type { ManagerContext } from '../manager-context.js';
import { translateStartError } from '../lifecycle/start-errors.js';

/** How long output may keep flowing after the exec's process has exited. */
const OUTPUT_GRACE_MS = 2000;

interface ExecRecord {
  id: string;
  containerId: string;
  config: ExecCreateRequest;
  state: 'created' | 'running' | 'exited';
  exitCode: number | null;
  pid: number;
}

export interface ExecStartOptions {
  detach: boolean;
  tty: boolean;
  consoleSize?: [number, number] | null;
}

export class ExecManager {
  private readonly execs = new Map<string, ExecRecord>();

  constructor(private readonly ctx: ManagerContext) {}

  create(container: ContainerRecord, request: ExecCreateRequest): { Id: string } {
    if (!Array.isArray(request.Cmd) || request.Cmd.length === 0) {
      throw new InvalidArgumentError('No exec command specified');
    }
    this.requireRunning(container);
    const id = generateContainerId();
    this.execs.set(id, {
      id,
      containerId: container.ID,
      config: request,
      state: 'created',
      exitCode: null,
      pid: 0,
    });
    this.ctx.options.publish(`exec_create: ${request.Cmd.join(' ')}`, container, { execID: id });
    return { Id: id };
  }

  /** The exec ids of a container, for inspect's ExecIDs. */
  idsOf(containerId: string): string[] {
    return [...this.execs.values()].filter((e) => e.containerId === containerId).map((e) => e.id);
  }

  /** Forgets the execs of a container that stopped or was removed (as dockerd does). */
  forgetContainer(containerId: string): void {
    for (const [id, exec] of this.execs) if (exec.containerId === containerId) this.execs.delete(id);
  }

  inspect(execId: string): ExecInspect {
    const exec = this.get(execId);
    const [entrypoint = '', ...args] = exec.config.Cmd;
    return {
      CanRemove: false,
      ContainerID: exec.containerId,
      DetachKeys: exec.config.DetachKeys ?? '',
      ExitCode: exec.exitCode,
      ID: exec.id,
      OpenStderr: exec.config.AttachStderr === true,
      OpenStdin: exec.config.AttachStdin === true,
      OpenStdout: exec.config.AttachStdout === true,
      ProcessConfig: {
        arguments: args,
        entrypoint,
        privileged: exec.config.Privileged === true,
        tty: exec.config.Tty === true,
        ...(exec.config.User ? { user: exec.config.User } : {}),
      },
      Running: exec.state === 'running',
      Pid: exec.pid,
    };
  }

  async resize(execId: string, size: { height: number; width: number }): Promise<void> {
    const exec = this.get(execId);
    if (exec.state !== 'running') throw new ConflictError(`exec ${execId} is not running`);
    await this.ctx.options.runtime.resizePty(exec.containerId, size, execId);
  }

  /** Detached: started now, undefined returned. Attached: a session the router runs. */
  async start(execId: string, options: ExecStartOptions): Promise<ProcessSession | undefined> {
    const exec = this.get(execId);
    if (exec.state === 'running') throw new ConflictError(`Error: Exec command ${execId} is already running`);
    if (exec.state === 'exited') throw new ConflictError(`Error: Exec command ${execId} has already run`);
    const container = this.ctx.registry.get(exec.containerId);
    this.requireRunning(container);
    const tty = exec.config.Tty === true;
    const hub = new StdioHub({ tty, stdinOnce: true });
    if (options.detach) {
      exec.state = 'running';
      const { finished } = await this.launch(exec, container, hub, options);
      void finished.catch(() => undefined);
      return undefined;
    }
    return {
      tty,
      run: async (streams: AttachClient, signal: AbortSignal) => {
        exec.state = 'running';
        const client = {
          ...(exec.config.AttachStdin && streams.stdin ? { stdin: streams.stdin } : {}),
          ...(exec.config.AttachStdout !== false && streams.stdout ? { stdout: streams.stdout } : {}),
          ...(exec.config.AttachStderr !== false && streams.stderr ? { stderr: streams.stderr } : {}),
        };
        const handle = hub.attach(client, {
          signal,
          detachKeys: parseDetachKeys(exec.config.DetachKeys || undefined),
        });
        let finished: Promise<void>;
        try {
          ({ finished } = await this.launch(exec, container, hub, options));
        } catch (err) {
          handle.detach();
          throw err;
        }
        const end = await handle.done;
        if (end === 'exited') await finished.catch(() => undefined);
      },
    };
  }

  /** Starts the process; resolves once started with a promise of its end (exit recorded). */
  private async launch(
    exec: ExecRecord,
    container: ContainerRecord,
    hub: StdioHub,
    options: ExecStartOptions,
  ): Promise<{ finished: Promise<void> }> {
    const { runtime, fifoDir, publish } = this.ctx.options;
    const running = this.ctx.running.get(container.ID);
    if (!running) throw new ConflictError(`container ${container.ID} is not running`);
    const tty = exec.config.Tty === true;
    const consoleSize = options.consoleSize ?? exec.config.ConsoleSize ?? undefined;
    let fifos: ProcessFifos | undefined;
    try {
      const input = execInput(container, running.rootfs, {
        cmd: exec.config.Cmd,
        env: exec.config.Env ?? null,
        user: exec.config.User ?? '',
        workingDir: exec.config.WorkingDir ?? '',
        tty,
        ...(consoleSize ? { consoleSize } : {}),
        privileged: exec.config.Privileged === true,
      });
      const process = buildExecProcess(running.specInput, input);
      fifos = await ProcessFifos.create({
        dir: join(fifoDir, `${container.ID}-exec-${exec.id}`),
        stdin: exec.config.AttachStdin === true && !options.detach,
        terminal: tty,
      });
      await runtime.exec({ containerId: container.ID, execId: exec.id, process, stdio: fifos.stdio });
      const { pid } = await runtime.startProcess(container.ID, exec.id);
      fifos.shimOpened();
      exec.pid = pid;
    } catch (err) {
      await fifos?.close();
      await runtime.deleteTask(container.ID, exec.id).catch(() => undefined);
      const failure = translateStartError(err, '');
      exec.state = 'exited';
      exec.exitCode = failure.exitCode;
      hub.endAll('exited');
      throw failure.error;
    }
    publish(`exec_start: ${exec.config.Cmd.join(' ')}`, container, { execID: exec.id });
    const started = fifos;
    const stdin = started.stdin;
    stdin?.once('finish', () => void runtime.closeStdin(container.ID, exec.id).catch(() => undefined));
    const output = hub.run({
      stdout: started.stdout,
      ...(started.stderr ? { stderr: started.stderr } : {}),
      ...(stdin ? { stdin } : {}),
    });
    const finished = (async () => {
      const exit = await runtime.wait(container.ID, exec.id).catch(() => ({ exitStatus: 137, exitedAt: '' }));
      const grace = setTimeout(() => {
        started.stdout.destroy();
        started.stderr?.destroy();
      }, OUTPUT_GRACE_MS);
      await output;
      clearTimeout(grace);
      exec.exitCode = exit.exitStatus;
      exec.state = 'exited';
      await runtime.deleteTask(container.ID, exec.id).catch(() => undefined);
      await started.close();
      publish('exec_die', container, { execID: exec.id, exitCode: String(exit.exitStatus) });
    })();
    return { finished };
  }

  private get(execId: string): ExecRecord {
    const exec = this.execs.get(execId);
    if (!exec) throw new NotFoundError(`No such exec instance: ${execId}`);
    return exec;
  }

  private requireRunning(container: ContainerRecord): void {
    if (!container.State.Running) throw new ConflictError(`container ${container.ID} is not running`);
    if (container.State.Paused) {
      throw new ConflictError(`container ${container.ID} is paused, unpause the container before exec`);
    }
  }
}
