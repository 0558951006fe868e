/**
 * Reading request bodies with a size limit. Upgrade requests (exec start carries a JSON body
 * and asks to upgrade) are special: node:http has already handed the socket over, so the
 * body is the first Content-Length bytes of `head` + socket, and whatever follows is stdin
 * and must be put back.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { InvalidArgumentError } from '../../errors/index.js';

export const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

function tooLarge(limit: number): InvalidArgumentError {
  return new InvalidArgumentError(`request body larger than ${limit} bytes`);
}

/** The body of an ordinary request. */
export async function readRequestBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The body of an upgrade request: exactly Content-Length bytes from `state.head` then the
 * socket. Bytes past the body stay in `state.head` (to be unshifted on hijack). Without a
 * Content-Length the body is empty (chunked upgrade requests are not something clients send).
 */
export async function readUpgradeBody(
  req: IncomingMessage,
  socket: Socket,
  state: { head: Buffer },
  limit = DEFAULT_BODY_LIMIT,
): Promise<Buffer> {
  const length = Number(req.headers['content-length'] ?? 0);
  if (!Number.isInteger(length) || length <= 0) return Buffer.alloc(0);
  if (length > limit) throw tooLarge(limit);
  let buffered = state.head;
  while (buffered.length < length) {
    const chunk = await new Promise<Buffer>((resolve, reject) => {
      const cleanup = (): void => {
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('error', onError);
        socket.pause();
      };
      const onData = (data: Buffer): void => {
        cleanup();
        resolve(data);
      };
      const onEnd = (): void => {
        cleanup();
        reject(new InvalidArgumentError('request body ended early'));
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(err);
      };
      socket.on('data', onData);
      socket.once('end', onEnd);
      socket.once('error', onError);
      socket.resume();
    });
    buffered = Buffer.concat([buffered, chunk]);
  }
  state.head = buffered.subarray(length);
  return buffered.subarray(0, length);
}

/** JSON from a body; an empty body is undefined, malformed JSON a 400. */
export function parseJsonBody<T>(body: Buffer): T | undefined {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (err) {
    throw new InvalidArgumentError(`invalid JSON body: ${(err as Error).message}`, { cause: err });
  }
}
