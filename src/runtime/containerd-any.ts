/**
 * The `google.protobuf.Any` values lading sends to containerd.
 *
 * containerd names OCI types with its own registry (containerd's client.go registers
 * `specs.Spec` and `specs.Process` under the prefix "types.containerd.io" and carries them as
 * JSON), and names protobuf messages by their full name, without a prefix (typeurl falls back
 * to `proto.MessageName`). The shim looks the runc options up by that exact name, so
 * "containerd.runc.v1.Options" must not gain the leading "/" protobufjs would give it when
 * encoding from an `@type` object; that is why the options are encoded here.
 */

import { runtimeSpecJson } from './spec/index.js';

/** An Any as @grpc/proto-loader takes it (camelCase field names). */
export interface AnyValue {
  // snake_case: protobufjs's Any wrapper reads only the proto field name.
  type_url: string;
  value: Buffer;
}

export const SPEC_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/Spec';
export const PROCESS_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/Process';
export const RUNC_OPTIONS_TYPE_URL = 'containerd.runc.v1.Options';

// runtimeSpecJson, not JSON.stringify: an rlimit of 2^64-1 (`--ulimit x=-1`) is a bigint.
export function specAny(spec: object): AnyValue {
  return { type_url: SPEC_TYPE_URL, value: Buffer.from(runtimeSpecJson(spec)) };
}

export const RESOURCES_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/LinuxResources';

/** `docker update`: the new linux.resources of a running task. */
export function resourcesAny(resources: object): AnyValue {
  return { type_url: RESOURCES_TYPE_URL, value: Buffer.from(runtimeSpecJson(resources)) };
}

export function processAny(process: object): AnyValue {
  return { type_url: PROCESS_TYPE_URL, value: Buffer.from(runtimeSpecJson(process)) };
}

export interface RuncOptions {
  /** The runc binary the shim runs (name looked up in PATH, or a path). */
  binaryName?: string;
  /** runc's state directory (`runc --root`). */
  root?: string;
}

/** Field numbers of `containerd.runc.v1.Options` (runtime/v2/runc/options/oci.proto). */
const BINARY_NAME_FIELD = 6;
const ROOT_FIELD = 7;

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

/** A length-delimited (wire type 2) string field. */
function stringField(field: number, text: string): Buffer {
  const bytes = Buffer.from(text);
  return Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
}

export function runcOptionsAny(options: RuncOptions): AnyValue {
  const parts: Buffer[] = [];
  if (options.binaryName) parts.push(stringField(BINARY_NAME_FIELD, options.binaryName));
  if (options.root) parts.push(stringField(ROOT_FIELD, options.root));
  return { type_url: RUNC_OPTIONS_TYPE_URL, value: Buffer.concat(parts) };
}
