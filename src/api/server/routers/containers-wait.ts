/**
 * POST /containers/{id}/wait. The container is checked first (a 404 keeps its status), then
 * 200 and the headers go out at once: `docker run` sends the wait before start and only reads
 * the body when the container exits. If the client hangs up the wait is dropped (and the
 * backend told through the signal). API < 1.30 had neither conditions nor early headers.
 */
import { InvalidArgumentError, messageOf } from '../../../errors/index.js';
import type { ContainerWaitResponse, WaitCondition } from '../../types/index.js';
import type { ContainersBackend } from '../backends.js';
import type { RequestContext } from '../handler-context.js';
import { isResponseClosed, JSON_CONTENT_TYPE, sendJson } from '../respond.js';
import { apiAtLeast } from './containers-query.js';

const CONDITIONS: readonly WaitCondition[] = ['not-running', 'next-exit', 'removed'];

export function parseWaitCondition(value: string | null): WaitCondition {
  if (value === null || value === '') return 'not-running';
  if ((CONDITIONS as readonly string[]).includes(value)) return value as WaitCondition;
  throw new InvalidArgumentError(`invalid condition: ${JSON.stringify(value)}`);
}

/** dockerd leaves Error out when there is none (`omitempty`): `{"StatusCode":0}`. */
export function waitBody(response: ContainerWaitResponse): Record<string, unknown> {
  return response.Error
    ? { Error: response.Error, StatusCode: response.StatusCode }
    : { StatusCode: response.StatusCode };
}

export async function waitContainer(backend: ContainersBackend, ctx: RequestContext): Promise<void> {
  const { res, signal, apiVersion } = ctx;
  const legacy = !apiAtLeast(apiVersion, '1.30');
  const condition = legacy ? 'not-running' : parseWaitCondition(ctx.query.get('condition'));
  const { result } = await backend.wait(ctx.params.name ?? '', condition, signal);
  // Before API 1.34 a failed removal could only be told by answering nothing at all.
  const silentOnError = condition === 'removed' && !apiAtLeast(apiVersion, '1.34');
  // A failed wait becomes the body's Error, never an unhandled rejection after a hang-up.
  const outcome = result.then(
    (response): Record<string, unknown> | null =>
      silentOnError && response.Error ? null : waitBody(response),
    (err: unknown) =>
      silentOnError ? null : waitBody({ StatusCode: -1, Error: { Message: messageOf(err) } }),
  );
  if (legacy) {
    sendJson(res, 200, await outcome);
    return;
  }
  res.writeHead(200, { 'Content-Type': JSON_CONTENT_TYPE });
  res.flushHeaders();
  const aborted = new Promise<undefined>((resolve) => {
    if (signal.aborted) resolve(undefined);
    else signal.addEventListener('abort', () => resolve(undefined), { once: true });
  });
  const body = await Promise.race([outcome, aborted]);
  if (body === undefined || isResponseClosed(res)) return;
  res.end(body === null ? undefined : JSON.stringify(body) + '\n');
}
