/**
 * Decoding the POST /containers/create body the way dockerd's Go decoder reads it, so the
 * daemon gets a well-typed ContainerCreateRequest whatever a client sends:
 * - keys match case-insensitively (`{"image":"x"}` works with dockerd), unknown keys are dropped;
 * - a value of the wrong JSON type is a 400 `invalid JSON: json: cannot unmarshal …`;
 * - `Cmd`, `Entrypoint` and `Shell` accept a single string (Go's strslice);
 * - null means "not set".
 * Nested structures (mounts, port maps, restart policy…) are checked for their JSON type
 * only; their contents are the daemon's to validate.
 */
import { InvalidArgumentError } from '../../../errors/index.js';
import type { ContainerCreateRequest } from '../../types/index.js';
import { decodeStruct, isPlainObject, mismatch, type FieldKind } from './containers-json-fields.js';
import { jsonTypeName } from './containers-query.js';

/** HostConfig fields that are pointers in Go: null there means "unset", not zero. */
const HOST_CONFIG_POINTERS = new Set(['MemorySwappiness', 'OomKillDisable', 'PidsLimit', 'Init']);

/** container.Config's fields (the top level of the create body). */
const CONFIG_FIELDS: Record<string, FieldKind> = {
  Hostname: 'string',
  Domainname: 'string',
  User: 'string',
  AttachStdin: 'bool',
  AttachStdout: 'bool',
  AttachStderr: 'bool',
  ExposedPorts: 'object',
  Tty: 'bool',
  OpenStdin: 'bool',
  StdinOnce: 'bool',
  Env: 'strings',
  Cmd: 'strslice',
  Healthcheck: 'object',
  ArgsEscaped: 'bool',
  Image: 'string',
  Volumes: 'object',
  WorkingDir: 'string',
  Entrypoint: 'strslice',
  NetworkDisabled: 'bool',
  MacAddress: 'string',
  OnBuild: 'strings',
  Labels: 'stringMap',
  StopSignal: 'string',
  StopTimeout: 'int',
  Shell: 'strslice',
};

const WRAPPER_FIELDS: Record<string, FieldKind> = {
  HostConfig: 'object',
  NetworkingConfig: 'object',
};

/** container.HostConfig's fields lading knows; the rest are dropped as Go drops unknown keys. */
const HOST_CONFIG_FIELDS: Record<string, FieldKind> = {
  Binds: 'strings',
  ContainerIDFile: 'string',
  LogConfig: 'object',
  NetworkMode: 'string',
  PortBindings: 'object',
  RestartPolicy: 'object',
  AutoRemove: 'bool',
  VolumeDriver: 'string',
  VolumesFrom: 'strings',
  ConsoleSize: 'uintPair',
  Annotations: 'stringMap',
  CapAdd: 'strslice',
  CapDrop: 'strslice',
  CgroupnsMode: 'string',
  Dns: 'strings',
  DnsOptions: 'strings',
  DnsSearch: 'strings',
  ExtraHosts: 'strings',
  GroupAdd: 'strings',
  IpcMode: 'string',
  Cgroup: 'string',
  Links: 'strings',
  OomScoreAdj: 'int',
  PidMode: 'string',
  Privileged: 'bool',
  PublishAllPorts: 'bool',
  ReadonlyRootfs: 'bool',
  SecurityOpt: 'strings',
  StorageOpt: 'stringMap',
  Tmpfs: 'stringMap',
  UTSMode: 'string',
  UsernsMode: 'string',
  ShmSize: 'int',
  Sysctls: 'stringMap',
  Runtime: 'string',
  Isolation: 'string',
  CpuShares: 'int',
  Memory: 'int',
  NanoCpus: 'int',
  CgroupParent: 'string',
  BlkioWeight: 'int',
  BlkioWeightDevice: 'array',
  BlkioDeviceReadBps: 'array',
  BlkioDeviceWriteBps: 'array',
  BlkioDeviceReadIOps: 'array',
  BlkioDeviceWriteIOps: 'array',
  CpuPeriod: 'int',
  CpuQuota: 'int',
  CpuRealtimePeriod: 'int',
  CpuRealtimeRuntime: 'int',
  CpusetCpus: 'string',
  CpusetMems: 'string',
  Devices: 'array',
  DeviceCgroupRules: 'strings',
  DeviceRequests: 'array',
  MemoryReservation: 'int',
  MemorySwap: 'int',
  MemorySwappiness: 'int',
  OomKillDisable: 'bool',
  PidsLimit: 'int',
  Ulimits: 'array',
  CpuCount: 'int',
  CpuPercent: 'int',
  IOMaximumIOps: 'int',
  IOMaximumBandwidth: 'int',
  Mounts: 'array',
  MaskedPaths: 'strings',
  ReadonlyPaths: 'strings',
  Init: 'bool',
};

/**
 * Decodes a parsed create body; see the file comment. Undefined when the body names no
 * Config field (`{}`, `null`, only HostConfig): dockerd's "config cannot be empty".
 */
export function decodeCreateBody(parsed: unknown): ContainerCreateRequest | undefined {
  if (parsed === null) return undefined;
  if (!isPlainObject(parsed)) {
    throw new InvalidArgumentError(
      `invalid JSON: json: cannot unmarshal ${jsonTypeName(parsed)} into Go value of type container.CreateRequest`,
    );
  }
  const config = decodeStruct(parsed, CONFIG_FIELDS, 'CreateRequest');
  const wrapper = decodeStruct(parsed, WRAPPER_FIELDS, 'CreateRequest');
  // Go allocates the embedded *Config only when a Config key is present.
  if (Object.keys(config).length === 0) return undefined;
  const request: ContainerCreateRequest = { ...config };
  if (isPlainObject(wrapper.HostConfig)) {
    request.HostConfig = decodeStruct(
      wrapper.HostConfig,
      HOST_CONFIG_FIELDS,
      'HostConfig',
      HOST_CONFIG_POINTERS,
    );
  }
  if (isPlainObject(wrapper.NetworkingConfig)) {
    const endpoints = Object.entries(wrapper.NetworkingConfig).find(
      ([key]) => key.toLowerCase() === 'endpointsconfig',
    )?.[1];
    if (endpoints !== undefined && endpoints !== null && !isPlainObject(endpoints)) {
      throw mismatch(endpoints, 'NetworkingConfig', 'EndpointsConfig', 'object');
    }
    request.NetworkingConfig = {
      EndpointsConfig: (endpoints ?? null) as NonNullable<
        ContainerCreateRequest['NetworkingConfig']
      >['EndpointsConfig'],
    };
  }
  return request;
}
