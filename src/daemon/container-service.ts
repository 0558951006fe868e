/**
 * The containers and exec backends over the container manager: API options in, manager calls
 * out, and the helpers the manager needs from the image side (what `ancestor=` means).
 */
import type {
  AttachOptions,
  AttachSession,
  ContainerListOptions,
  ContainersBackend,
  ExecBackend,
  LogsOptions,
  LogsResult,
  ContainerTopResponse,
  FilesystemChange,
  ObserveBackend,
  StatsSampler,
  ArchiveBackend,
} from '../api/server/index.js';

import type {
  ContainerCreateRequest,
  ContainerCreateResponse,
  ContainerInspect,
  ContainersPruneResponse,
  ContainerSummary,
  ContainerWaitResponse,
  ExecCreateRequest,
  ExecInspect,
  HostConfig,
  WaitCondition,
} from '../api/types/index.js';
import type { ContainerManager, ContainerFilterHelpers } from '../container/index.js';
import { InvalidArgumentError, NotFoundError } from '../errors/index.js';
import type { ImageStore } from '../image/index.js';
import type { ImageService } from './image-service.js';

export class ContainerService implements ContainersBackend, ObserveBackend {
  private readonly helpers: ContainerFilterHelpers;

  constructor(
    private readonly manager: ContainerManager,
    images: ImageService,
    store: ImageStore,
  ) {
    this.helpers = {
      imageAndDescendants: (ancestor: string) => {
        let root;
        try {
          root = images.resolve(ancestor).image;
        } catch (err) {
          if (err instanceof NotFoundError) return [];
          throw err;
        }
        const ids = new Set<string>();
        const visit = (id: string): void => {
          if (ids.has(id)) return;
          ids.add(id);
          for (const child of store.children(id as never)) visit(child.id);
        };
        visit(root.id);
        return ids;
      },
    };
  }

  create(
    request: ContainerCreateRequest,
    options: { name: string; platform: string; apiVersion: string },
  ): Promise<ContainerCreateResponse> {
    return this.manager.create(request, { name: options.name, platform: options.platform });
  }

  inspect(name: string, options: { size: boolean }): Promise<ContainerInspect> {
    return this.manager.inspect(name, options);
  }

  list(options: ContainerListOptions): Promise<ContainerSummary[]> {
    return this.manager.list(
      { all: options.all, limit: options.limit, filters: options.filters, size: options.size },
      this.helpers,
    );
  }

  start(name: string): Promise<boolean> {
    return this.manager.start(name);
  }

  stop(name: string, options: { signal?: string; timeoutSeconds?: number }): Promise<boolean> {
    return this.manager.stop(name, options);
  }

  restart(name: string, options: { signal?: string; timeoutSeconds?: number }): Promise<void> {
    return this.manager.restart(name, options);
  }

  kill(name: string, signal: string): Promise<void> {
    return this.manager.kill(name, signal);
  }

  async wait(name: string, condition: WaitCondition): Promise<{ result: Promise<ContainerWaitResponse> }> {
    return this.manager.wait(name, condition);
  }

  remove(name: string, options: { force: boolean; removeVolumes: boolean; link: boolean }): Promise<void> {
    if (options.link) throw new InvalidArgumentError('legacy container links are not supported');
    return this.manager.remove(name, { force: options.force, removeVolumes: options.removeVolumes });
  }

  update(name: string, hostConfig: HostConfig): Promise<string[]> {
    return this.manager.update(name, hostConfig);
  }

  rename(name: string, newName: string): Promise<void> {
    return this.manager.rename(name, newName);
  }

  resize(name: string, size: { height: number; width: number }): Promise<void> {
    return this.manager.resize(name, size);
  }

  prune(filters: Map<string, string[]>): Promise<ContainersPruneResponse> {
    return this.manager.prune(filters, this.helpers);
  }

  async attach(name: string, options: AttachOptions): Promise<AttachSession> {
    return this.manager.attach(name, options);
  }

  async logs(name: string, options: LogsOptions, signal: AbortSignal): Promise<LogsResult> {
    return this.manager.logs(name, options, signal);
  }

  pause(name: string): Promise<void> {
    return this.manager.pause(name);
  }

  unpause(name: string): Promise<void> {
    return this.manager.unpause(name);
  }

  changes(name: string): Promise<FilesystemChange[] | null> {
    return this.manager.changes(name);
  }

  top(name: string, psArgs: string): Promise<ContainerTopResponse> {
    return this.manager.top(name, psArgs);
  }

  async stats(name: string): Promise<StatsSampler> {
    return this.manager.stats(name);
  }

  /** The ArchiveBackend view (`stat`/`get`/`put` would clash with the containers backend's names). */
  asArchiveBackend(): ArchiveBackend {
    return {
      stat: (name, path) => this.manager.statPath(name, path),
      get: (name, path) => this.manager.copyOut(name, path),
      put: (name, path, tar, options) => this.manager.copyIn(name, path, tar, options),
      export: (name) => this.manager.export(name),
    };
  }

  // Exec (ExecBackend): `create` is per container, the rest per exec id.
  execCreate(container: string, request: ExecCreateRequest): Promise<{ Id: string }> {
    return Promise.resolve(this.manager.execs.create(this.manager.get(container), request));
  }

  execStart(
    execId: string,
    options: { detach: boolean; tty: boolean; consoleSize?: [number, number] | null },
  ): Promise<AttachSession | undefined> {
    return this.manager.execs.start(execId, options);
  }

  async execInspect(execId: string): Promise<ExecInspect> {
    return this.manager.execs.inspect(execId);
  }

  execResize(execId: string, size: { height: number; width: number }): Promise<void> {
    return this.manager.execs.resize(execId, size);
  }

  /** The ExecBackend view of this service (its method names are the router's). */
  asExecBackend(): ExecBackend {
    return {
      create: (container, request) => this.execCreate(container, request),
      start: (execId, options) => this.execStart(execId, options),
      inspect: (execId) => this.execInspect(execId),
      resize: (execId, size) => this.execResize(execId, size),
    };
  }
}
