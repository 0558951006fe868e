/**
 * Images in and out as archives: save (GET /images/get), load (POST /images/load) and
 * import (POST /images/create?fromSrc=-), with Docker's name handling and messages.
 */
import type { Readable } from 'node:stream';
import type { ImageImportRequest, ProgressSink } from '../api/server/backends.js';
import { formatProgress } from '../api/server/stream/json-progress.js';
import { InvalidArgumentError, NotFoundError } from '../errors/index.js';
import {
  importImage,
  imageRefString,
  loadImages,
  saveImages,
  type Image,
  type ImageRef,
  type ImageStore,
  type SaveTarget,
} from '../image/index.js';
import type { Logger } from '../log/index.js';
import { familiarName, parseAnyReference } from '../reference/index.js';
import { goArch } from './host-facts.js';
import { newTagRef, noSuchImageName, parseTagName, qualifiedName, toImageRef } from './image-names.js';

export interface ImageTransferOptions {
  store: ImageStore;
  logger: Logger;
  publish: (action: 'save' | 'load' | 'import', image: Image, name?: string) => void;
  resolve: (name: string) => Image;
}

export class ImageTransfer {
  constructor(private readonly options: ImageTransferOptions) {}

  /** Docker's save naming: a bare repository saves all its tags, `repo:tag` that one, an id no tags. */
  private targets(names: string[]): SaveTarget[] {
    const { store } = this.options;
    if (names.length === 0) throw new InvalidArgumentError('no images specified');
    const byId = new Map<string, SaveTarget>();
    const add = (image: Image, tag: ImageRef | undefined): void => {
      let target = byId.get(image.id);
      if (target === undefined) byId.set(image.id, (target = { image, tags: [] }));
      if (tag !== undefined && !target.tags.some((t) => imageRefString(t) === imageRefString(tag)))
        target.tags.push(tag);
    };
    for (const name of names) {
      const any = parseAnyReference(name);
      if (any.kind === 'id') {
        const image = store.get(any.digest);
        if (image === undefined) throw new NotFoundError(`No such image: ${any.digest}`);
        add(image, undefined);
        continue;
      }
      const named = any.ref;
      if (named.tag === undefined && named.digest === undefined) {
        const repo = familiarName(named);
        const refs = store.allReferences().filter((e) => e.ref.repo === repo);
        if (refs.length === 0) {
          const image = store.search(name);
          if (image === undefined) throw new NotFoundError(`No such image: ${noSuchImageName(name)}`);
          add(image, undefined);
        }
        for (const { ref, id } of refs) {
          const image = store.get(id);
          if (image !== undefined) add(image, ref.tag !== undefined ? ref : undefined);
        }
        continue;
      }
      const ref = toImageRef(named);
      const image = store.lookup(ref);
      if (image === undefined) throw new NotFoundError(`No such image: ${noSuchImageName(name)}`);
      add(image, ref.tag !== undefined ? ref : undefined);
    }
    return [...byId.values()];
  }

  async save(names: string[], signal: AbortSignal): Promise<Readable> {
    const targets = this.targets(names);
    const archive = await saveImages(this.options.store, targets, { qualify: qualifiedName, signal });
    for (const { image, tags } of targets) {
      this.options.publish('save', image, tags[0] !== undefined ? imageRefString(tags[0]) : image.id);
    }
    return archive;
  }

  async load(
    body: Readable,
    options: { quiet: boolean; signal: AbortSignal },
    progress: ProgressSink,
  ): Promise<void> {
    await loadImages(this.options.store, body, {
      parseName: parseTagName,
      os: 'linux',
      signal: options.signal,
      report: (event) => {
        switch (event.kind) {
          case 'layer':
            if (!options.quiet) {
              const detail = { current: event.current, total: event.total };
              progress({
                status: event.status,
                id: event.id,
                progressDetail: detail,
                progress: formatProgress(detail),
              });
            }
            break;
          case 'renamed':
            progress({
              stream: `The image ${event.name} already exists, renaming the old one with ID ${event.oldId} to empty string\n`,
            });
            break;
          case 'loaded':
            this.options.publish('load', event.image, event.name ?? event.image.id);
            progress({
              stream:
                event.name !== undefined
                  ? `Loaded image: ${event.name}\n`
                  : `Loaded image ID: ${event.image.id}\n`,
            });
            break;
        }
      },
    });
  }

  async import(body: Readable, request: ImageImportRequest, progress: ProgressSink): Promise<void> {
    const ref = request.repo !== '' ? newTagRef(request.repo, request.tag, 'import') : undefined;
    const [os = 'linux', architecture = goArch(), variant] =
      request.platform === '' ? [] : request.platform.split('/');
    if (os !== 'linux') throw new InvalidArgumentError(`operating system is not supported: ${os}`);
    const image = await importImage(this.options.store, body, {
      changes: request.changes,
      message: request.message,
      source: request.source,
      os,
      architecture,
      ...(variant !== undefined && { variant }),
      signal: request.signal,
    });
    if (ref !== undefined) await this.options.store.addReference(ref, image.id);
    this.options.publish('import', image, image.id);
    progress({ status: image.id });
  }
}
