/**
 * `docker start`: mount the rootfs, write the files ladingd bind-mounts, build the runtime
 * spec, make the containerd container and task with the process's stdio on FIFOs, wire the
 * output to the log and to attached clients, then start the process and watch for its exit.
 * Every step is undone if a later one fails, so a failed start leaves nothing in containerd,
 * no mount and no FIFO, and records the exit code Docker would (127, 126).
 */
import { join } from 'node:path';
import { ConflictError } from '../../errors/index.js';
import { ProcessFifos } from '../../runtime/index.js';
import { buildSpec, type NetworkNamespaceInput } from '../../runtime/spec/index.js';
import { setRunning, setStopped, nowGoTime, type ContainerRecord } from '../model/index.js';
import { containerSpecInput } from '../spec/index.js';
import type { ManagerContext } from '../manager-context.js';
import { writeContainerFiles } from './container-files.js';
import { connectBridge, disconnectBridge } from './bridge-endpoint.js';
import { mountVolumes, unmountVolumes } from '../volumes/index.js';
import { watchExit } from './exit.js';
import { PhaseTimer } from './phase-timer.js';
import { removeContainer } from './remove.js';
import { RunningProcess } from './running-process.js';
import { EXIT_START_FAILED, RuntimeStartError, fromRuntime, translateStartError } from './start-errors.js';

/** Resolves false when the container was already running (the API's 304). */
export async function startContainer(ctx: ManagerContext, record: ContainerRecord): Promise<boolean> {
  try {
    return await ctx.locks.run(record.ID, async () => {
      if (record.State.Running && !record.State.Restarting) return false;
      if (record.State.RemovalInProgress || record.State.Dead) {
        throw new ConflictError(`container is marked for removal and cannot be started`);
      }
      await startLocked(ctx, record);
      return true;
    });
  } catch (err) {
    // As dockerd: a failed start ends the attaches waiting for it (`docker run` then reports
    // the error), and an --rm container goes away (the CLI waits for that before exiting).
    ctx.hub(record).endAll('exited');
    if (record.HostConfig.AutoRemove && !record.State.Running) {
      await removeContainer(ctx, record, { force: true, removeVolumes: true }).catch(() => undefined);
    }
    throw err;
  }
}

async function startLocked(ctx: ManagerContext, record: ContainerRecord): Promise<void> {
  const { layers, runtime, logger, cgroupParent, initBinary } = ctx.options;
  const id = record.ID;
  const undo: (() => Promise<unknown>)[] = [];
  const timer = new PhaseTimer(logger, 'start', id);
  try {
    const rootfs = await layers.mount(id);
    timer.mark('mount');
    undo.push(() => layers.unmount(id));
    // The address goes into /etc/hosts, so the network comes before the files.
    const endpoint = await connectBridge(ctx, record);
    if (endpoint) undo.push(() => disconnectBridge(ctx, record));
    timer.mark('network');
    const files = await writeContainerFiles(record, ctx.containerDir(id));
    record.HostnamePath = files.hostname;
    record.HostsPath = files.hosts;
    record.ResolvConfPath = files.resolvConf;
    timer.mark('files');
    const volumeMounts = await mountVolumes(ctx, record);
    undo.push(() => unmountVolumes(ctx, record));
    // A bind at /etc/hosts (or hostname, resolv.conf) replaces ladingd's file, and inspect
    // shows the user's, as dockerd's TrySetNetworkMount.
    for (const bind of volumeMounts.binds) {
      if (bind.destination === '/etc/hosts') record.HostsPath = bind.source;
      if (bind.destination === '/etc/hostname') record.HostnamePath = bind.source;
      if (bind.destination === '/etc/resolv.conf') record.ResolvConfPath = bind.source;
    }
    timer.mark('volumes');

    const input = containerSpecInput(record, {
      rootfs,
      hostsPath: files.hosts,
      hostnamePath: files.hostname,
      resolvConfPath: files.resolvConf,
      cgroupsPath: `${cgroupParent}/${id}`,
      initPath: initBinary,
      network: endpoint ? { mode: 'path', path: endpoint.sandboxKey } : networkNamespace(ctx, record),
      binds: volumeMounts.binds,
      mountTmpfs: volumeMounts.tmpfs,
    });
    const spec = buildSpec(input);
    timer.mark('spec');

    await ctx.runtimeCleanups.get(id); // the previous run's task may still be being deleted
    await runtime.createContainer({ id, spec }).catch(async (err: unknown) => {
      if (!(err instanceof ConflictError)) throw err;
      // A leftover of a crash: it is ours and its process is gone, so replace it.
      await runtime.deleteTask(id).catch(() => undefined);
      await runtime.deleteContainer(id);
      await runtime.createContainer({ id, spec });
    });
    undo.push(() => runtime.deleteContainer(id));
    timer.mark('containerd-container');

    const fifos = await ProcessFifos.create({
      dir: join(ctx.options.fifoDir, id),
      stdin: record.Config.OpenStdin,
      terminal: record.Config.Tty,
    });
    undo.push(() => fifos.close());
    const process = await RunningProcess.open(ctx, record, fifos);
    process.rootfs = rootfs;
    process.specInput = input;
    undo.push(() => process.close());
    timer.mark('stdio');
    await runtime.createTask({ containerId: id, stdio: fifos.stdio }).catch((err: unknown) => {
      throw new RuntimeStartError(err);
    });
    undo.push(() => runtime.deleteTask(id));
    fifos.shimOpened();
    timer.mark('task');
    process.wireOutput();
    const { pid } = await runtime.startProcess(id).catch((err: unknown) => {
      throw new RuntimeStartError(err);
    });
    timer.mark('start');
    ctx.running.set(id, process);
    setRunning(record, pid);
    record.HasBeenStartedBefore = true;
    record.HasBeenManuallyStopped = false;
    await ctx.save(record);
    timer.mark('save');
    timer.done();
    ctx.options.publish('start', record);
    watchExit(ctx, record, process);
  } catch (err) {
    for (const step of undo.reverse()) {
      await step().catch((cleanupErr: unknown) =>
        logger.warn('cleaning up after a failed start', { container: id, error: String(cleanupErr) }),
      );
    }
    const failure = fromRuntime(err)
      ? translateStartError(err)
      : { error: err as Error, exitCode: EXIT_START_FAILED };
    setStopped(record, { code: failure.exitCode, error: failure.error.message, finishedAt: nowGoTime() });
    await ctx.save(record).catch(() => undefined);
    throw failure.error;
  }
}

/**
 * The network namespace when the container has no bridge endpoint: the host's with
 * `--network host`, another running container's with `container:<name>` (its sandbox when it
 * has one, else its process's namespace), else a new one with loopback only (`none`, or a
 * daemon without a bridge).
 */
function networkNamespace(ctx: ManagerContext, record: ContainerRecord): NetworkNamespaceInput {
  const mode = record.HostConfig.NetworkMode ?? '';
  if (mode === 'host') return { mode: 'host' };
  if (mode.startsWith('container:')) {
    const other = ctx.registry.get(mode.slice('container:'.length));
    if (!other.State.Running) {
      throw new ConflictError(`cannot join network of a non running container: ${other.ID}`);
    }
    if (other.NetworkSettings.SandboxKey) return { mode: 'path', path: other.NetworkSettings.SandboxKey };
    return { mode: 'path', path: `/proc/${other.State.Pid}/ns/net` };
  }
  return { mode: 'new' };
}
