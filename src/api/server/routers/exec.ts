/**
 * POST /containers/{id}/exec, POST /exec/{id}/start, GET /exec/{id}/json and
 * POST /exec/{id}/resize, as dockerd's exec routes (moby v28 api/server/router/container/exec.go).
 *
 * Exec start reads its JSON body first; `Detach` starts the process and answers 200 with an
 * empty body, otherwise the connection is hijacked exactly as for attach, framed by the `Tty`
 * of the start request (what dockerd goes by, and what the CLI sends from its exec config).
 */
import { InvalidArgumentError, messageOf } from '../../../errors/index.js';
import type { ExecCreateRequest, ExecStartRequest } from '../../types/index.js';
import type { ExecBackend } from '../backends.js';
import type { RequestContext, RouteDefinition } from '../handler-context.js';
import { sendJson, sendStatus } from '../respond.js';
import { runHijackedSession } from './containers-attach.js';
import { decodeStruct, isPlainObject, type FieldKind } from './containers-json-fields.js';
import { apiAtLeast, jsonTypeName, queryResizeDimension, readJsonRequest } from './containers-query.js';

function asObject(value: unknown, type: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    throw new InvalidArgumentError(
      `invalid JSON: json: cannot unmarshal ${jsonTypeName(value)} into Go value of type ${type}`,
    );
  }
  return value;
}

/** [height, width] as sent (already type-checked), or null; honoured from API 1.42 on. */
function consoleSize(value: unknown, apiVersion: string): [number, number] | null {
  if (!apiAtLeast(apiVersion, '1.42') || !Array.isArray(value)) return null;
  return value as [number, number];
}

/** container.ExecStartOptions' fields. */
const EXEC_START_FIELDS: Record<string, FieldKind> = { Detach: 'bool', Tty: 'bool', ConsoleSize: 'uintPair' };

/** container.ExecOptions' fields. */
const EXEC_FIELDS: Record<string, FieldKind> = {
  User: 'string',
  Privileged: 'bool',
  Tty: 'bool',
  ConsoleSize: 'uintPair',
  AttachStdin: 'bool',
  AttachStderr: 'bool',
  AttachStdout: 'bool',
  DetachKeys: 'string',
  Env: 'strings',
  WorkingDir: 'string',
  Cmd: 'strings',
};

async function createExec(backend: ExecBackend, ctx: RequestContext): Promise<void> {
  const body = decodeStruct(
    asObject(await readJsonRequest(ctx), 'container.ExecOptions'),
    EXEC_FIELDS,
    'ExecOptions',
  );
  const cmd = body.Cmd as string[] | null | undefined;
  if (!cmd || cmd.length === 0) throw new InvalidArgumentError('No exec command specified');
  const request = { ...body, Cmd: cmd } as ExecCreateRequest;
  // ConsoleSize arrived with API 1.42.
  request.ConsoleSize = consoleSize(body.ConsoleSize, ctx.apiVersion);
  const created = await backend.create(ctx.params.name ?? '', request);
  sendJson(ctx.res, 201, { Id: created.Id });
}

async function startExec(backend: ExecBackend, ctx: RequestContext): Promise<void> {
  const body = decodeStruct(
    asObject(await readJsonRequest(ctx), 'container.ExecStartOptions'),
    EXEC_START_FIELDS,
    'ExecStartOptions',
  ) as ExecStartRequest;
  const detach = body.Detach === true;
  const tty = body.Tty === true;
  // No console without a TTY (dockerd drops it too).
  const size = tty ? consoleSize(body.ConsoleSize, ctx.apiVersion) : null;
  const session = await backend.start(ctx.params.id ?? '', { detach, tty, consoleSize: size });
  if (detach || session === undefined) {
    sendStatus(ctx.res, 200);
    return;
  }
  await runHijackedSession(ctx, session, {
    tty,
    stdin: true,
    stdout: true,
    stderr: true,
    // dockerd writes the bare error and a CRLF.
    describeError: (err) => `${messageOf(err)}\r\n`,
  });
}

export function execRoutes(backend: ExecBackend): RouteDefinition[] {
  return [
    { method: 'POST', path: '/containers/{name}/exec', handler: (ctx) => createExec(backend, ctx) },
    { method: 'POST', path: '/exec/{id}/start', hijack: true, handler: (ctx) => startExec(backend, ctx) },
    {
      method: 'GET',
      path: '/exec/{id}/json',
      handler: async (ctx) => sendJson(ctx.res, 200, await backend.inspect(ctx.params.id ?? '')),
    },
    {
      method: 'POST',
      path: '/exec/{id}/resize',
      handler: async (ctx) => {
        const height = queryResizeDimension(ctx.query, 'h');
        const width = queryResizeDimension(ctx.query, 'w');
        await backend.resize(ctx.params.id ?? '', { height, width });
        sendStatus(ctx.res, 200);
      },
    },
  ];
}
