/**
 * What lading asks of containerd. The interface stays small and grows with the issues that
 * need more (tasks, containers, events); the gRPC implementation is in
 * grpc-containerd-client.ts so tests and the daemon can depend on this file alone.
 *
 * Every call is scoped to one containerd namespace (default "lading"), which keeps our
 * containers apart from anyone else's on a shared containerd.
 */

export interface ContainerdVersion {
  /** Release, e.g. "1.6.20~ds1". */
  version: string;
  /** Build revision (a commit, or the Debian package version for Debian's build). */
  revision: string;
}

export interface CallOptions {
  /** Give up after this many milliseconds (default: the client's call timeout). */
  timeoutMs?: number;
}

/**
 * Where a process's stdio goes: FIFO paths the shim opens (see process-fifos.ts), absent for
 * a stream nobody reads or writes. With `terminal` the shim allocates a pty and copies it to
 * `stdin`/`stdout` (there is no separate stderr). runc insists that the spec's
 * `process.terminal` agrees: the container spec must say so for createTask (exec's process
 * is set by the client).
 */
export interface ProcessStdio {
  stdin?: string;
  stdout?: string;
  stderr?: string;
  terminal: boolean;
}

export interface CreateContainerRequest {
  id: string;
  /** The OCI runtime spec (config.json) as a JSON-serialisable object. */
  spec: object;
  labels?: Record<string, string>;
}

export interface CreateTaskRequest {
  containerId: string;
  stdio: ProcessStdio;
}

export interface ExecProcessRequest {
  containerId: string;
  execId: string;
  /** An OCI runtime spec `process` object. */
  process: object;
  stdio: ProcessStdio;
}

/** How a process ended. */
export interface ProcessExit {
  exitStatus: number;
  /** When it ended (from containerd, nanosecond precision kept as RFC 3339). */
  exitedAt: string;
}

export type TaskStatus = 'created' | 'running' | 'stopped' | 'paused' | 'pausing' | 'unknown';

export interface TaskState {
  containerId: string;
  execId?: string;
  pid: number;
  status: TaskStatus;
  exitStatus: number;
  exitedAt: string;
}

/** An event from containerd's event stream that lading acts on. */
export type RuntimeEvent =
  | {
      topic: '/tasks/exit';
      containerId: string;
      /** '' for the container's init process. */
      execId: string;
      pid: number;
      exitStatus: number;
      exitedAt: string;
    }
  | { topic: '/tasks/oom'; containerId: string }
  | { topic: '/tasks/paused' | '/tasks/resumed' | '/tasks/start' | '/tasks/delete'; containerId: string };

export interface EventSubscription {
  close(): void;
}

export interface ContainerdClient {
  /** The socket this client talks to. */
  readonly address: string;
  /** The containerd namespace every call carries. */
  readonly namespace: string;
  /** containerd's version; throws UnavailableError if it does not answer. */
  version(options?: CallOptions): Promise<ContainerdVersion>;

  // Containers: containerd's metadata record of a container (spec, runtime, labels).
  createContainer(request: CreateContainerRequest): Promise<void>;
  /** NotFoundError if it does not exist. */
  deleteContainer(id: string): Promise<void>;
  listContainers(): Promise<string[]>;

  // Tasks: the running process of a container (one shim per container, runc underneath).
  /** Creates the task (runc create: the process exists, stopped before exec); returns its pid. */
  createTask(request: CreateTaskRequest): Promise<{ pid: number }>;
  /** Starts the task's init process, or an exec'd process with `execId`. Returns the pid. */
  startProcess(containerId: string, execId?: string): Promise<{ pid: number }>;
  /** Signals the init process (every process with `all`), or an exec'd process. */
  kill(containerId: string, signal: number, options?: { all?: boolean; execId?: string }): Promise<void>;
  /**
   * Resolves when the process exits (no deadline). Calling it for a process that already
   * exited resolves at once with its exit.
   */
  wait(containerId: string, execId?: string, signal?: AbortSignal): Promise<ProcessExit>;
  /** Removes an exited task (and its shim), or an exited exec'd process. NotFoundError if none. */
  deleteTask(containerId: string, execId?: string): Promise<ProcessExit>;
  state(containerId: string, execId?: string): Promise<TaskState>;
  listTasks(): Promise<TaskState[]>;
  /** Adds a process to a running task (docker exec); start it with startProcess. */
  exec(request: ExecProcessRequest): Promise<void>;
  resizePty(containerId: string, size: { width: number; height: number }, execId?: string): Promise<void>;
  /** Closes the process's stdin (the client half-closed). */
  closeStdin(containerId: string, execId?: string): Promise<void>;
  pause(containerId: string): Promise<void>;
  /** Changes a running task's cgroup limits (an OCI `linux.resources` object). */
  update(containerId: string, resources: object): Promise<void>;
  resume(containerId: string): Promise<void>;
  /** Pids of every process in the container. */
  pids(containerId: string): Promise<number[]>;

  /** Delivers task events of this namespace until closed; reconnects if containerd restarts. */
  subscribe(listener: (event: RuntimeEvent) => void): EventSubscription;

  /** Releases the connection; calls after this fail. */
  close(): void;
}
