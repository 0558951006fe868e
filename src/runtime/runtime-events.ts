/**
 * containerd event envelopes → the RuntimeEvents lading acts on. Payloads arrive decoded
 * (containerd-protos.ts loads api/events/task.proto); topics lading does not act on
 * (/tasks/create, /tasks/exec-added, /tasks/exec-started, /tasks/io…) give undefined.
 */
import type { RuntimeEvent } from './containerd-client.js';
import type { ProtoEnvelope } from './containerd-services.js';
import { timestampToRfc3339, type ProtoTimestamp } from './protobuf-time.js';

/** The events filter: this namespace's task events (containerd's filter syntax; `|` quotes a regexp). */
export function taskEventFilter(namespace: string): string {
  return `namespace==${namespace},topic~=|^/tasks/|`;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function count(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? 0) || 0;
}

export function decodeTaskEvent(envelope: ProtoEnvelope): RuntimeEvent | undefined {
  const payload = envelope.event ?? {};
  const containerId = text(payload.containerId);
  if (containerId === '') return undefined;
  switch (envelope.topic) {
    case '/tasks/exit': {
      // The init process's id is the container's id; an exec'd process has its own.
      const id = text(payload.id);
      return {
        topic: '/tasks/exit',
        containerId,
        execId: id === containerId ? '' : id,
        pid: count(payload.pid),
        exitStatus: count(payload.exitStatus),
        exitedAt: timestampToRfc3339(payload.exitedAt as ProtoTimestamp | undefined),
      };
    }
    case '/tasks/oom':
      return { topic: '/tasks/oom', containerId };
    case '/tasks/paused':
    case '/tasks/resumed':
    case '/tasks/start':
    case '/tasks/delete':
      return { topic: envelope.topic, containerId };
    default:
      return undefined;
  }
}
