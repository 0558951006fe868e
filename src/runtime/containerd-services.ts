/**
 * The shapes of the containerd gRPC services lading calls, as @grpc/proto-loader presents
 * them (camelCase fields, 64-bit integers as strings, enums as their names, known Any
 * payloads expanded). Only the methods and fields lading uses are typed.
 */
import type * as grpc from '@grpc/grpc-js';
import type { AnyValue } from './containerd-any.js';
import type { ProtoTimestamp } from './protobuf-time.js';

export type Callback<Res> = (err: grpc.ServiceError | null, res?: Res) => void;
export type UnaryMethod<Req, Res> = (
  req: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: Callback<Res>,
) => grpc.ClientUnaryCall;
type Empty = Record<string, never>;

export interface VersionService extends grpc.Client {
  Version: UnaryMethod<Empty, { version: string; revision: string }>;
}

export interface ProtoContainer {
  id: string;
  labels?: Record<string, string>;
  runtime?: { name: string; options?: AnyValue };
  spec?: AnyValue;
}

export interface ContainersService extends grpc.Client {
  Create: UnaryMethod<{ container: ProtoContainer }, { container: ProtoContainer }>;
  Delete: UnaryMethod<{ id: string }, Empty>;
  List: UnaryMethod<{ filters: string[] }, { containers: { id: string }[] }>;
}

export interface ProtoProcess {
  containerId: string;
  id: string;
  pid: number;
  status: string;
  exitStatus: number;
  exitedAt: ProtoTimestamp | null;
}

export interface ProtoExit {
  exitStatus: number;
  exitedAt: ProtoTimestamp | null;
}

export interface StdioFields {
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
}

type ProcessRef = { containerId: string; execId: string };

export interface TasksService extends grpc.Client {
  Create: UnaryMethod<{ containerId: string } & StdioFields, { containerId: string; pid: number }>;
  Start: UnaryMethod<ProcessRef, { pid: number }>;
  Delete: UnaryMethod<{ containerId: string }, ProtoExit & { id: string; pid: number }>;
  DeleteProcess: UnaryMethod<ProcessRef, ProtoExit & { id: string; pid: number }>;
  Get: UnaryMethod<ProcessRef, { process: ProtoProcess | null }>;
  List: UnaryMethod<{ filter: string }, { tasks: ProtoProcess[] }>;
  Kill: UnaryMethod<ProcessRef & { signal: number; all: boolean }, Empty>;
  Exec: UnaryMethod<ProcessRef & StdioFields & { spec: AnyValue }, Empty>;
  ResizePty: UnaryMethod<ProcessRef & { width: number; height: number }, Empty>;
  CloseIO: UnaryMethod<ProcessRef & { stdin: boolean }, Empty>;
  Pause: UnaryMethod<{ containerId: string }, Empty>;
  Update: UnaryMethod<{ containerId: string; resources: AnyValue }, Empty>;
  Resume: UnaryMethod<{ containerId: string }, Empty>;
  ListPids: UnaryMethod<{ containerId: string }, { processes: { pid: number }[] }>;
  Wait: UnaryMethod<ProcessRef, ProtoExit>;
}

/** An event envelope; `event` is expanded when its type is one of the loaded protos. */
export interface ProtoEnvelope {
  namespace: string;
  topic: string;
  event: ({ '@type'?: string } & Record<string, unknown>) | null;
}

export interface EventsService extends grpc.Client {
  Subscribe: (
    req: { filters: string[] },
    metadata: grpc.Metadata,
    options?: grpc.CallOptions,
  ) => grpc.ClientReadableStream<ProtoEnvelope>;
}

export type ServiceConstructor<T> = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: object,
) => T;

export function serviceConstructor<T>(root: grpc.GrpcObject, path: string): ServiceConstructor<T> {
  let node: unknown = root;
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`containerd API definitions lack ${path}`);
  return node as ServiceConstructor<T>;
}
