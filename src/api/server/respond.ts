/**
 * Writing ordinary (non-streaming) responses. Content-Type is exactly `application/json`:
 * with `; charset=utf-8` the docker CLI fails to recognise an error body and prints it raw.
 */
import type { ServerResponse } from 'node:http';
import { messageOf } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import type { ErrorResponse } from '../types/index.js';
import { statusForError } from './http-status.js';

export const JSON_CONTENT_TYPE = 'application/json';

/** True when nothing more can be written (client gone, or response already ended). */
export function isResponseClosed(res: ServerResponse): boolean {
  return res.writableEnded || res.destroyed;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (isResponseClosed(res)) return;
  const data = Buffer.from(JSON.stringify(body) + '\n');
  res.writeHead(status, { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': data.length });
  res.end(data);
}

/** A response without a body: 204 after start, 201 without content, 304. */
export function sendStatus(res: ServerResponse, status: number): void {
  if (isResponseClosed(res)) return;
  res.writeHead(status);
  res.end();
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  if (isResponseClosed(res)) return;
  const data = Buffer.from(text);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': data.length });
  res.end(data);
}

/**
 * Answers with the status for `err` and `{"message": …}`. 5xx are logged because they are our
 * bug or a dependency's failure; 4xx are the client's business. If a streaming response has
 * already sent its headers there is no status left to set: log and cut the response short so
 * the client sees a truncated stream rather than a success.
 */
export function sendError(res: ServerResponse, err: unknown, logger: Logger): void {
  const status = statusForError(err);
  const message = messageOf(err);
  if (status >= 500) {
    logger.error('request failed', {
      status,
      error: message,
      stack: err instanceof Error ? err.stack : undefined,
    });
  } else {
    logger.debug('request refused', { status, error: message });
  }
  if (res.headersSent) {
    if (!isResponseClosed(res)) res.destroy();
    return;
  }
  if (isResponseClosed(res)) return;
  // 304 must not carry a body (RFC 9110), so it is the one error kind without a message.
  if (status === 304) {
    sendStatus(res, status);
    return;
  }
  const body: ErrorResponse = { message };
  sendJson(res, status, body);
}
