/**
 * A container's process while it runs: its FIFOs, its log writer, and the stdio hub that
 * copies its output to the log and to attached clients. Created before the task (the shim
 * opens the FIFOs during createTask), wired once the task exists, closed after the exit.
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
    const logConfig = record.HostConfig.LogConfig ?? { Type: 'json-file', Config: {} };
    const log = await openLogSink({
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
    return new RunningProcess(ctx, record, fifos, log);
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
}
