/** ContainerdClient over gRPC on containerd's unix socket (@grpc/grpc-js). */
import * as grpc from '@grpc/grpc-js';
import type { CallOptions, ContainerdClient, ContainerdVersion } from './containerd-client.js';
import { loadContainerdProtos } from './containerd-protos.js';
import { fromGrpcError } from './grpc-errors.js';

export interface GrpcContainerdClientOptions {
  /** Path of containerd's gRPC socket. */
  address: string;
  /** containerd namespace for every call (default "lading"). */
  namespace?: string;
  /** Default per-call deadline in milliseconds (default 10 s). */
  callTimeoutMs?: number;
}

type Callback<Res> = (err: grpc.ServiceError | null, res?: Res) => void;
type UnaryMethod<Req, Res> = (
  req: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: Callback<Res>,
) => grpc.ClientUnaryCall;

interface VersionService extends grpc.Client {
  Version: UnaryMethod<Record<string, never>, { version: string; revision: string }>;
}

type ServiceConstructor<T> = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: object,
) => T;

function serviceConstructor<T>(root: grpc.GrpcObject, path: string): ServiceConstructor<T> {
  let node: unknown = root;
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`containerd API definitions lack ${path}`);
  return node as ServiceConstructor<T>;
}

// containerd restarts under us (we supervise it); reconnect quickly rather than after
// grpc-js's default backoff of up to two minutes.
const CHANNEL_OPTIONS = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

function notYet(): never {
  throw new Error('not implemented yet');
}

export class GrpcContainerdClient implements ContainerdClient {
  readonly address: string;
  readonly namespace: string;
  private readonly callTimeoutMs: number;

  private constructor(
    options: GrpcContainerdClientOptions,
    private readonly versionService: VersionService,
  ) {
    this.address = options.address;
    this.namespace = options.namespace ?? 'lading';
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
  }

  static async connect(options: GrpcContainerdClientOptions): Promise<GrpcContainerdClient> {
    const root = grpc.loadPackageDefinition(await loadContainerdProtos());
    const target = `unix://${options.address}`;
    const credentials = grpc.credentials.createInsecure();
    const Version = serviceConstructor<VersionService>(root, 'containerd.services.version.v1.Version');
    return new GrpcContainerdClient(options, new Version(target, credentials, CHANNEL_OPTIONS));
  }

  version(options: CallOptions = {}): Promise<ContainerdVersion> {
    const service = this.versionService;
    return this.unary(service.Version.bind(service), {}, 'containerd version', options).then((res) => ({
      version: res.version,
      revision: res.revision,
    }));
  }

  close(): void {
    this.versionService.close();
  }

  // Placeholders until the tasks/containers/events services land (issue 5, in progress).
  createContainer = notYet;
  deleteContainer = notYet;
  listContainers = notYet;
  createTask = notYet;
  startProcess = notYet;
  kill = notYet;
  wait = notYet;
  deleteTask = notYet;
  state = notYet;
  listTasks = notYet;
  exec = notYet;
  resizePty = notYet;
  closeStdin = notYet;
  pause = notYet;
  resume = notYet;
  pids = notYet;
  subscribe = notYet;

  private metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    metadata.set('containerd-namespace', this.namespace);
    return metadata;
  }

  /** One unary call with namespace metadata and a deadline; `method` is bound to its client. */
  private unary<Req, Res>(
    method: UnaryMethod<Req, Res>,
    request: Req,
    what: string,
    options: CallOptions,
  ): Promise<Res> {
    const deadline = Date.now() + (options.timeoutMs ?? this.callTimeoutMs);
    return new Promise((resolve, reject) => {
      method(request, this.metadata(), { deadline }, (err, res) => {
        if (err) reject(fromGrpcError(err, what));
        else resolve(res as Res);
      });
    });
  }
}
