/**
 * A container's process while it runs: its FIFOs, its log writer, and the stdio hub that
 * copies its output to the log and to attached clients. Created before the task (the shim
 * opens the FIFOs during createTask), wired once the task exists, closed after the exit.
 *
 * With live restore the daemon lets go of a process that still runs (`detach()`), and the
 * next ladingd makes a new one over the same FIFOs and log (lifecycle/live-restore.ts).
 */
import type { ProcessFifos } from '../../runtime/index.js';
import type { SpecInput } from '../../runtime/spec/index.js';
import { openLogSink, type LogSink } from '../logs/index.js';
import type { JsonFileWriter } from '../logs/json-file-writer.js';
import type { ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';

export class RunningProcess {
  /** containerd reported an OOM kill in this container while it ran. */
  oomKilled = false;
  private output: Promise<void> | undefined;
  private isDetached = false;
  private readonly waitAbort = new AbortController();
  /** Where the rootfs is mounted, and what the spec was built from (execs start from it). */
  rootfs = '';
  specInput!: SpecInput;

  private constructor(
    private readonly ctx: ManagerContext,
    private readonly record: ContainerRecord,
    readonly fifos: ProcessFifos,
    /** The json-file writer (a following `docker logs` reads behind it); none for `none`. */
    readonly log: JsonFileWriter | undefined,
  ) {}

  static async open(
    ctx: ManagerContext,
    record: ContainerRecord,
    fifos: ProcessFifos,
  ): Promise<RunningProcess> {
    return new RunningProcess(ctx, record, fifos, await openLog(ctx, record));
  }

  /**
   * Live restore: the process of a container a previous ladingd left, over the FIFOs that
   * `reopen` opens again, appending to its log, with its output wired at once. That must
   * happen in the same turn as the reopen: a FIFO whose shim has already closed its end
   * ends straight away, and an end nobody listened for would never be seen.
   */
  static async reattach(
    ctx: ManagerContext,
    record: ContainerRecord,
    reopen: () => ProcessFifos,
  ): Promise<RunningProcess> {
    const log = await openLog(ctx, record);
    let fifos: ProcessFifos;
    try {
      fifos = reopen();
    } catch (err) {
      await log?.close();
      throw err;
    }
    const process = new RunningProcess(ctx, record, fifos, log);
    process.wireOutput();
    return process;
  }

  /** Starts copying output and wires attached clients' stdin (after createTask). */
  wireOutput(): void {
    const { fifos, record, ctx } = this;
    // The hub ends our end of stdin (StdinOnce); the process then needs containerd to close
    // the shim's end too before it reads EOF.
    fifos.stdin?.once('finish', () => {
      ctx.options.runtime.closeStdin(record.ID).catch(() => undefined);
    });
    const sink: LogSink | undefined = this.log;
    this.output = ctx.hub(record).run(
      {
        stdout: fifos.stdout,
        ...(fifos.stderr ? { stderr: fifos.stderr } : {}),
        ...(fifos.stdin ? { stdin: fifos.stdin } : {}),
      },
      sink,
    );
  }

  /**
   * Resolves once the process's output has ended and reached the log and the clients, or
   * after `graceMs` (a child that outlived the process may hold the pipe open; its output
   * is then cut, as dockerd does).
   */
  async outputEnded(graceMs: number): Promise<void> {
    if (!this.output) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const result = await Promise.race([this.output.then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.fifos.stdout.destroy();
      this.fifos.stderr?.destroy();
      await this.output;
    }
  }

  async close(): Promise<void> {
    await this.fifos.close();
    await this.log?.close();
  }

  /** Aborts when the daemon lets go of the process: its Tasks.Wait is then cancelled. */
  get waitSignal(): AbortSignal {
    return this.waitAbort.signal;
  }

  /** The daemon let go of the process (live restore): its exit is the next ladingd's to record. */
  get detached(): boolean {
    return this.isDetached;
  }

  /**
   * Live restore at shutdown: stops watching and copying, but leaves the process, its FIFOs
   * and its mount alone. What was read is logged (an unfinished line as a partial entry, as
   * at any end of the output); what was not stays in the FIFOs for the next ladingd.
   */
  async detach(graceMs: number): Promise<void> {
    if (this.isDetached) return;
    this.isDetached = true;
    this.waitAbort.abort();
    this.fifos.detach();
    await this.outputEnded(graceMs);
    await this.log?.close();
  }
}

/** The container's log writer (json-file), opened for appending; none for the `none` driver. */
function openLog(ctx: ManagerContext, record: ContainerRecord): Promise<JsonFileWriter | undefined> {
  const logConfig = record.HostConfig.LogConfig ?? { Type: 'json-file', Config: {} };
  return openLogSink({
    type: logConfig.Type,
    config: logConfig.Config,
    path: record.LogPath,
    container: {
      id: record.ID,
      name: record.Name,
      imageId: record.Image,
      imageName: record.Config.Image,
      labels: record.Config.Labels,
      env: record.Config.Env ?? [],
    },
    onError: (err) =>
      ctx.options.logger.warn('writing the container log failed', {
        container: record.ID,
        error: err.message,
      }),
  });
}
