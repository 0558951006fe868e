/**
 * containerd's API definitions come from Debian's golang-github-containerd-containerd-dev,
 * which matches the installed containerd 1.6 exactly; they are loaded at run time rather
 * than retyped or generated, so a containerd upgrade is a package upgrade.
 */
import { access } from 'node:fs/promises';
import * as protoLoader from '@grpc/proto-loader';
import { UnavailableError } from '../errors/index.js';

export const GOCODE_ROOT = '/usr/share/gocode/src';
const CONTAINERD_API = `${GOCODE_ROOT}/github.com/containerd/containerd/api`;
const GOGO = `${GOCODE_ROOT}/github.com/gogo/protobuf`;

/** The services lading uses; later issues add to this list. */
export const CONTAINERD_SERVICES = ['version', 'tasks', 'containers', 'events'] as const;

/**
 * Messages that travel inside `google.protobuf.Any` fields: loading them lets the decoder
 * expand an event envelope's payload (`containerd.events.TaskExit`…) and a pid's
 * `containerd.runc.v1.ProcessDetails` into plain objects.
 */
const ANY_PAYLOADS = [
  `${CONTAINERD_API}/events/task.proto`,
  `${GOCODE_ROOT}/github.com/containerd/containerd/runtime/v2/runc/options/oci.proto`,
];

export function protoFiles(): string[] {
  return [
    ...CONTAINERD_SERVICES.map((s) => `${CONTAINERD_API}/services/${s}/v1/${s}.proto`),
    ...ANY_PAYLOADS,
  ];
}

let cached: protoLoader.PackageDefinition | undefined;

/** Loads (once per process) the containerd service definitions. */
export async function loadContainerdProtos(): Promise<protoLoader.PackageDefinition> {
  if (cached) return cached;
  const files = protoFiles();
  try {
    await access(files[0] ?? CONTAINERD_API);
  } catch {
    throw new UnavailableError(
      `containerd API definitions not found under ${CONTAINERD_API}: ` +
        'install them with `apt-get install -y golang-github-containerd-containerd-dev`',
    );
  }
  cached = await protoLoader.load(files, {
    includeDirs: [GOCODE_ROOT, GOGO, `${GOGO}/protobuf`],
    // camelCase field names in JS; 64-bit integers as strings so no precision is lost.
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
    // With `json`, protobufjs decodes an Any whose type it knows into `{ '@type', ...fields }`.
    json: true,
  });
  return cached;
}
