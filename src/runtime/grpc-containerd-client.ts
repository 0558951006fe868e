/**
 * ContainerdClient over gRPC on containerd's unix socket (@grpc/grpc-js).
 *
 * Containers are created with runtime io.containerd.runc.v2 and runc options (binary, root)
 * on the container record, so the shim finds them at task creation; no snapshotter and no
 * rootfs mounts: the spec's root.path is the directory ladingd mounted itself.
 *
 * Errors keep containerd's own message (no prefix of ours) so that the daemon can show
 * Docker's wording ("failed to create shim task: OCI runtime create failed: …") and tell a
 * missing binary ("executable file not found") from a denied one.
 */
import * as grpc from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError } from '../errors/index.js';
import type {
  CallOptions,
  ContainerdClient,
  ContainerdVersion,
  CreateContainerRequest,
  CreateTaskRequest,
  EventSubscription,
  ExecProcessRequest,
  ProcessExit,
  ProcessStdio,
  RuntimeEvent,
  TaskState,
  TaskStatus,
} from './containerd-client.js';
import { processAny, resourcesAny, runcOptionsAny, specAny } from './containerd-any.js';
import { loadContainerdProtos } from './containerd-protos.js';
import {
  serviceConstructor,
  type ContainersService,
  type EventsService,
  type ProtoExit,
  type ProtoProcess,
  type StdioFields,
  type TasksService,
  type UnaryMethod,
  type VersionService,
} from './containerd-services.js';
import { fromGrpcError } from './grpc-errors.js';
import { timestampToRfc3339 } from './protobuf-time.js';
import { subscribeTaskEvents } from './task-event-subscription.js';

export interface GrpcContainerdClientOptions {
  /** Path of containerd's gRPC socket. */
  address: string;
  /** containerd namespace for every call (default "lading"). */
  namespace?: string;
  /** Default per-call deadline in milliseconds (default 10 s). */
  callTimeoutMs?: number;
  /** containerd runtime of new containers (default "io.containerd.runc.v2"). */
  runtime?: string;
  /** The runc binary the shim runs (default "runc", looked up in the shim's PATH). */
  runcBinary?: string;
  /**
   * runc's state directory (`runc --root`). ladingd passes <exec-root>/runc; unset, the shim
   * uses its default /run/containerd/runc/<namespace>.
   */
  runcRoot?: string;
}

// containerd restarts under us (we supervise it); reconnect quickly rather than after
// grpc-js's default backoff of up to two minutes.
const CHANNEL_OPTIONS = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

const TASK_STATUSES: Record<string, TaskStatus> = {
  CREATED: 'created',
  RUNNING: 'running',
  STOPPED: 'stopped',
  PAUSED: 'paused',
  PAUSING: 'pausing',
};

interface Services {
  version: VersionService;
  containers: ContainersService;
  tasks: TasksService;
  events: EventsService;
}

function stdioFields(stdio: ProcessStdio): StdioFields {
  return {
    stdin: stdio.stdin ?? '',
    stdout: stdio.stdout ?? '',
    // With a terminal the pty carries both streams; the shim ignores stderr.
    stderr: stdio.terminal ? '' : (stdio.stderr ?? ''),
    terminal: stdio.terminal,
  };
}

function toExit(res: ProtoExit): ProcessExit {
  return { exitStatus: res.exitStatus, exitedAt: timestampToRfc3339(res.exitedAt) };
}

/**
 * containerd leaves Process.container_id empty in Get and List answers; `id` is the
 * container's id for the init process (all that List returns) and the exec id otherwise.
 */
function toTaskState(p: ProtoProcess, containerId = p.containerId || p.id): TaskState {
  return {
    containerId,
    ...(p.id !== '' && p.id !== containerId ? { execId: p.id } : {}),
    pid: p.pid,
    status: TASK_STATUSES[p.status] ?? 'unknown',
    exitStatus: p.exitStatus,
    exitedAt: timestampToRfc3339(p.exitedAt),
  };
}

export class GrpcContainerdClient implements ContainerdClient {
  readonly address: string;
  readonly namespace: string;
  private readonly callTimeoutMs: number;
  private readonly subscriptions = new Set<EventSubscription>();
  /** Waits in flight: close() cancels them, or they would keep the process alive. */
  private readonly waits = new Set<grpc.ClientUnaryCall>();
  private closed = false;

  private constructor(
    private readonly options: GrpcContainerdClientOptions,
    private readonly services: Services,
  ) {
    this.address = options.address;
    this.namespace = options.namespace ?? 'lading';
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
  }

  static async connect(options: GrpcContainerdClientOptions): Promise<GrpcContainerdClient> {
    const root = grpc.loadPackageDefinition(await loadContainerdProtos());
    const target = `unix://${options.address}`;
    const credentials = grpc.credentials.createInsecure();
    const make = <T>(path: string): T => {
      const Service = serviceConstructor<T>(root, path);
      return new Service(target, credentials, CHANNEL_OPTIONS);
    };
    // grpc-js shares one subchannel (one connection) between clients of the same target and
    // options, so four service clients still mean one socket to containerd.
    return new GrpcContainerdClient(options, {
      version: make<VersionService>('containerd.services.version.v1.Version'),
      containers: make<ContainersService>('containerd.services.containers.v1.Containers'),
      tasks: make<TasksService>('containerd.services.tasks.v1.Tasks'),
      events: make<EventsService>('containerd.services.events.v1.Events'),
    });
  }

  async version(options: CallOptions = {}): Promise<ContainerdVersion> {
    const { version } = this.services;
    const res = await this.unary(version.Version.bind(version), {}, options, 'containerd version');
    return { version: res.version, revision: res.revision };
  }

  // ---- containers -------------------------------------------------------------------------

  async createContainer(request: CreateContainerRequest): Promise<void> {
    const { containers } = this.services;
    await this.unary(containers.Create.bind(containers), {
      container: {
        id: request.id,
        labels: request.labels ?? {},
        runtime: {
          name: this.options.runtime ?? 'io.containerd.runc.v2',
          options: runcOptionsAny({
            binaryName: this.options.runcBinary ?? 'runc',
            root: this.options.runcRoot,
          }),
        },
        spec: specAny(request.spec),
      },
    });
  }

  async deleteContainer(id: string): Promise<void> {
    const { containers } = this.services;
    await this.unary(containers.Delete.bind(containers), { id });
  }

  async listContainers(): Promise<string[]> {
    const { containers } = this.services;
    const res = await this.unary(containers.List.bind(containers), { filters: [] });
    return res.containers.map((c) => c.id);
  }

  // ---- tasks ------------------------------------------------------------------------------

  async createTask(request: CreateTaskRequest): Promise<{ pid: number }> {
    const { tasks } = this.services;
    const res = await this.unary(tasks.Create.bind(tasks), {
      containerId: request.containerId,
      ...stdioFields(request.stdio),
    });
    return { pid: res.pid };
  }

  async startProcess(containerId: string, execId = ''): Promise<{ pid: number }> {
    const { tasks } = this.services;
    const res = await this.unary(tasks.Start.bind(tasks), { containerId, execId });
    return { pid: res.pid };
  }

  async kill(
    containerId: string,
    signal: number,
    options: { all?: boolean; execId?: string } = {},
  ): Promise<void> {
    const { tasks } = this.services;
    await this.unary(tasks.Kill.bind(tasks), {
      containerId,
      execId: options.execId ?? '',
      signal,
      all: options.all ?? false,
    });
  }

  /**
   * Tasks.Wait blocks in containerd until the process exits, so it has no deadline. It is
   * made with waitForReady and repeated when containerd goes away mid-call (a restart drops
   * the connection; the shim and the process live on, and the new containerd answers the
   * repeated call from the shim's record). An abort cancels the call and rejects with the
   * signal's reason.
   */
  async wait(containerId: string, execId = '', signal?: AbortSignal): Promise<ProcessExit> {
    const { tasks } = this.services;
    for (let retryMs = 100; ; retryMs = Math.min(retryMs * 2, 2000)) {
      signal?.throwIfAborted();
      if (this.closed) throw new UnavailableError('containerd client is closed');
      try {
        return toExit(await this.blockingWait(tasks, { containerId, execId }, signal));
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (signal?.aborted || this.closed || code !== grpc.status.UNAVAILABLE) {
          if (signal?.aborted) throw signal.reason;
          if (this.closed) throw new UnavailableError('containerd client is closed');
          throw isServiceError(err) ? fromGrpcError(err) : err;
        }
      }
      await sleep(retryMs, undefined, signal ? { signal } : undefined).catch(() => undefined);
    }
  }

  async deleteTask(containerId: string, execId?: string): Promise<ProcessExit> {
    const { tasks } = this.services;
    const res = execId
      ? await this.unary(tasks.DeleteProcess.bind(tasks), { containerId, execId })
      : await this.unary(tasks.Delete.bind(tasks), { containerId });
    return toExit(res);
  }

  async state(containerId: string, execId = ''): Promise<TaskState> {
    const { tasks } = this.services;
    const res = await this.unary(tasks.Get.bind(tasks), { containerId, execId });
    if (!res.process) throw new Error(`containerd returned no process for ${containerId}`);
    return toTaskState(res.process, containerId);
  }

  async listTasks(): Promise<TaskState[]> {
    const { tasks } = this.services;
    const res = await this.unary(tasks.List.bind(tasks), { filter: '' });
    return res.tasks.map((p) => toTaskState(p));
  }

  /** The process's `terminal` is set from `stdio.terminal`: runc refuses a mismatch. */
  async exec(request: ExecProcessRequest): Promise<void> {
    const { tasks } = this.services;
    await this.unary(tasks.Exec.bind(tasks), {
      containerId: request.containerId,
      execId: request.execId,
      ...stdioFields(request.stdio),
      spec: processAny({ ...request.process, terminal: request.stdio.terminal }),
    });
  }

  async resizePty(containerId: string, size: { width: number; height: number }, execId = ''): Promise<void> {
    const { tasks } = this.services;
    await this.unary(tasks.ResizePty.bind(tasks), {
      containerId,
      execId,
      width: size.width,
      height: size.height,
    });
  }

  async closeStdin(containerId: string, execId = ''): Promise<void> {
    const { tasks } = this.services;
    await this.unary(tasks.CloseIO.bind(tasks), { containerId, execId, stdin: true });
  }

  async pause(containerId: string): Promise<void> {
    const { tasks } = this.services;
    await this.unary(tasks.Pause.bind(tasks), { containerId });
  }

  async update(containerId: string, resources: object): Promise<void> {
    const { tasks } = this.services;
    await this.unary(tasks.Update.bind(tasks), { containerId, resources: resourcesAny(resources) });
  }

  async resume(containerId: string): Promise<void> {
    const { tasks } = this.services;
    await this.unary(tasks.Resume.bind(tasks), { containerId });
  }

  async pids(containerId: string): Promise<number[]> {
    const { tasks } = this.services;
    const res = await this.unary(tasks.ListPids.bind(tasks), { containerId });
    return res.processes.map((p) => p.pid);
  }

  // ---- events -----------------------------------------------------------------------------

  subscribe(listener: (event: RuntimeEvent) => void): EventSubscription {
    if (this.closed) throw new UnavailableError('containerd client is closed');
    const inner = subscribeTaskEvents(this.services.events, this.namespace, () => this.metadata(), listener);
    const subscription: EventSubscription = {
      close: () => {
        this.subscriptions.delete(subscription);
        inner.close();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  close(): void {
    this.closed = true;
    for (const subscription of [...this.subscriptions]) subscription.close();
    for (const call of this.waits) call.cancel();
    for (const service of Object.values(this.services) as grpc.Client[]) service.close();
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    metadata.set('containerd-namespace', this.namespace);
    return metadata;
  }

  /**
   * One unary call with namespace metadata and a deadline; `method` is bound to its client.
   * `what` prefixes the error message; without it containerd's message is kept as it is.
   */
  private unary<Req, Res>(
    method: UnaryMethod<Req, Res>,
    request: Req,
    options: CallOptions = {},
    what?: string,
  ): Promise<Res> {
    const deadline = Date.now() + (options.timeoutMs ?? this.callTimeoutMs);
    return new Promise((resolve, reject) => {
      method(request, this.metadata(), { deadline }, (err, res) => {
        if (err) reject(fromGrpcError(err, what));
        else resolve(res as Res);
      });
    });
  }

  /** Tasks.Wait without a deadline; rejects with the raw ServiceError so wait() can retry. */
  private blockingWait(
    tasks: TasksService,
    request: { containerId: string; execId: string },
    signal: AbortSignal | undefined,
  ): Promise<ProtoExit> {
    return new Promise((resolve, reject) => {
      const call = tasks.Wait(
        request,
        this.metadata(),
        { waitForReady: true } as grpc.CallOptions,
        (err, res) => {
          this.waits.delete(call);
          signal?.removeEventListener('abort', cancel);
          if (err) reject(err);
          else resolve(res as ProtoExit);
        },
      );
      this.waits.add(call);
      function cancel(): void {
        call.cancel();
      }
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }
}

function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'number' && 'details' in err;
}
