/**
 * A small Engine API client for tests that drive many containers and images: one HTTP request
 * per call over the daemon's unix socket, no CLI process in between (a `docker` process costs
 * ~100 ms, which a property test running hundreds of sequences cannot afford). Every call
 * throws with the status and body when the daemon refuses; streamed answers (load, push,
 * pull) are read to the end and an `error` line in them throws too, as the docker CLI fails.
 */
import { createReadStream } from 'node:fs';
import { request } from 'node:http';
import type { Readable } from 'node:stream';

export interface ApiResponse {
  status: number;
  body: string;
  bytes: Buffer;
}

export interface RequestOptions {
  json?: unknown;
  /** A raw body (a tar for /images/load). */
  stream?: Readable;
  headers?: Record<string, string>;
}

export class EngineApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} → ${status}: ${body.trim()}`);
  }

  /** The daemon's `message` field, as the docker CLI shows it. */
  get reason(): string {
    try {
      return (JSON.parse(this.body) as { message?: string }).message ?? this.body;
    } catch {
      return this.body;
    }
  }
}

export interface CreateOptions {
  name?: string;
  cmd?: string[];
  hostConfig?: Record<string, unknown>;
}

export interface CommitOptions {
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  changes?: string[];
  pause?: boolean;
}

// Inspect answers are asserted field by field by the callers.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export class EngineApi {
  constructor(readonly socketPath: string) {}

  raw(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const payload = options.json === undefined ? undefined : JSON.stringify(options.json);
      const headers: Record<string, string | number> = { ...options.headers };
      if (payload !== undefined) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = Buffer.byteLength(payload);
      }
      if (options.stream) headers['Content-Type'] = 'application/x-tar';
      const req = request({ socketPath: this.socketPath, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, body: bytes.toString('utf8'), bytes });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (options.stream) options.stream.pipe(req);
      else req.end(payload);
    });
  }

  /** A request that must succeed (2xx); the body as text. */
  async ok(method: string, path: string, options: RequestOptions = {}): Promise<string> {
    const response = await this.raw(method, path, options);
    if (response.status < 200 || response.status >= 300) {
      throw new EngineApiError(method, path, response.status, response.body);
    }
    return response.body;
  }

  /** A JSON-lines progress stream that must hold no `error` line. */
  private async progress(method: string, path: string, options: RequestOptions = {}): Promise<Json[]> {
    const body = await this.ok(method, path, options);
    const lines = body
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Json);
    const failed = lines.find((line) => line.error !== undefined || line.errorDetail !== undefined);
    if (failed !== undefined) throw new EngineApiError(method, path, 200, JSON.stringify(failed));
    return lines;
  }

  async loadImage(archive: string): Promise<void> {
    await this.progress('POST', '/images/load?quiet=1', { stream: createReadStream(archive) });
  }

  async createContainer(image: string, options: CreateOptions = {}): Promise<string> {
    const query = options.name === undefined ? '' : `?name=${encodeURIComponent(options.name)}`;
    const body = await this.ok('POST', `/containers/create${query}`, {
      json: { Image: image, Cmd: options.cmd, HostConfig: options.hostConfig ?? {} },
    });
    return (JSON.parse(body) as { Id: string }).Id;
  }

  async start(id: string): Promise<void> {
    await this.ok('POST', `/containers/${id}/start`);
  }

  /** Waits for the container to stop; its exit code. */
  async wait(id: string): Promise<number> {
    const body = await this.ok('POST', `/containers/${id}/wait`);
    return (JSON.parse(body) as { StatusCode: number }).StatusCode;
  }

  /** create + start + wait; the id and exit code (the container is kept). */
  async runToExit(image: string, cmd: string[]): Promise<{ id: string; exitCode: number }> {
    const id = await this.createContainer(image, { cmd });
    await this.start(id);
    return { id, exitCode: await this.wait(id) };
  }

  /** stdout and stderr as the json-file log keeps them (stdcopy frames stripped). */
  async logs(id: string): Promise<string> {
    const response = await this.raw('GET', `/containers/${id}/logs?stdout=1&stderr=1`);
    return demultiplex(response.bytes);
  }

  async inspectContainer(id: string): Promise<Json> {
    return JSON.parse(await this.ok('GET', `/containers/${id}/json`)) as Json;
  }

  async changes(id: string): Promise<{ Path: string; Kind: number }[]> {
    return JSON.parse(await this.ok('GET', `/containers/${id}/changes`)) as { Path: string; Kind: number }[];
  }

  async removeContainer(id: string): Promise<void> {
    await this.ok('DELETE', `/containers/${id}?force=1`);
  }

  async commit(container: string, options: CommitOptions = {}): Promise<string> {
    const query = new URLSearchParams({ container });
    if (options.repo !== undefined) query.set('repo', options.repo);
    if (options.tag !== undefined) query.set('tag', options.tag);
    if (options.comment !== undefined) query.set('comment', options.comment);
    if (options.author !== undefined) query.set('author', options.author);
    if (options.pause !== undefined) query.set('pause', options.pause ? '1' : '0');
    for (const change of options.changes ?? []) query.append('changes', change);
    const body = await this.ok('POST', `/commit?${query.toString()}`, { json: null });
    return (JSON.parse(body) as { Id: string }).Id;
  }

  async inspectImage(name: string): Promise<Json> {
    return JSON.parse(await this.ok('GET', `/images/${name}/json`)) as Json;
  }

  async history(name: string): Promise<Json[]> {
    return JSON.parse(await this.ok('GET', `/images/${name}/history`)) as Json[];
  }

  async removeImage(name: string): Promise<void> {
    await this.ok('DELETE', `/images/${name}?force=1`);
  }

  /** Anonymous push: an empty X-Registry-Auth, as the docker CLI sends without login. */
  async push(repository: string, tag: string): Promise<Json[]> {
    return this.progress('POST', `/images/${repository}/push?tag=${encodeURIComponent(tag)}`, {
      headers: { 'X-Registry-Auth': Buffer.from('{}').toString('base64') },
    });
  }

  async pull(repository: string, tag: string): Promise<Json[]> {
    const query = new URLSearchParams({ fromImage: repository, tag });
    return this.progress('POST', `/images/create?${query.toString()}`, {
      headers: { 'X-Registry-Auth': Buffer.from('{}').toString('base64') },
    });
  }
}

/** Strips stdcopy frames (8-byte headers) when the body has them; else returns it as it is. */
function demultiplex(bytes: Buffer): string {
  if (bytes.length < 8 || bytes[0]! > 2 || bytes[1] !== 0) return bytes.toString('utf8');
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    const size = bytes.readUInt32BE(offset + 4);
    parts.push(bytes.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
