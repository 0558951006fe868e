/**
 * The images backend: Docker's semantics over the image store. Names are resolved the way
 * dockerd resolves them — an id (`sha256:…`, 64 hex), else a tag or digest reference, else
 * an id prefix — and a miss is `No such image: busybox:latest`.
 *
 * Save, load and import live in image-transfer.ts; this file answers the read-mostly
 * endpoints and tag/untag/delete/prune, and publishes Docker's image events.
 */
import type { Readable } from 'node:stream';
import type {
  ImageImportRequest,
  ImageListOptions,
  ImagesBackend,
  ProgressSink,
} from '../api/server/backends.js';
import {
  compareApiVersions,
  type ImageDeleteResponseItem,
  type ImageHistoryItem,
  type ImageInspect,
  type ImageSummary,
  type ImagesPruneResponse,
} from '../api/types/index.js';
import { NotFoundError } from '../errors/index.js';
import {
  createdSeconds,
  deleteImage,
  imageHistory,
  imageRefString,
  type DeleteRecord,
  type DeleteTarget,
  type Image,
  type ImageRef,
  type ImageStore,
  type ImageUsageCheck,
} from '../image/index.js';
import type { Logger } from '../log/index.js';
import type { Digest } from '../oci/index.js';
import { familiarMatch, parseAnyReference, parseNormalizedNamed } from '../reference/index.js';
import type { EventsService } from './events-service.js';
import {
  checkFilterKeys,
  danglingFilter,
  LIST_FILTERS,
  matchLabels,
  PRUNE_FILTERS,
  untilSeconds,
} from './image-filters.js';
import { newTagRef, noSuchImageName, toImageRef } from './image-names.js';
import { ImageTransfer } from './image-transfer.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface ImageServiceOptions {
  store: ImageStore;
  events: EventsService;
  logger: Logger;
  /** Which container (if any) uses an image; until containers exist, none does. */
  inUse?: ImageUsageCheck;
}

export type ResolvedImage = { image: Image; target: DeleteTarget };

export class ImageService implements ImagesBackend {
  readonly store: ImageStore;
  private readonly events: EventsService;
  readonly inUse: ImageUsageCheck;
  private readonly transfer: ImageTransfer;

  constructor(options: ImageServiceOptions) {
    this.store = options.store;
    this.events = options.events;
    this.inUse = options.inUse ?? (() => undefined);
    this.transfer = new ImageTransfer({
      store: this.store,
      logger: options.logger,
      publish: (action, image, name) => this.publish(action, image.id, name),
      resolve: (name) => this.resolve(name).image,
    });
  }

  /** Docker's GetImage: by id, by reference, by id prefix; a miss is a 404 in Docker's words. */
  resolve(name: string): ResolvedImage {
    const any = parseAnyReference(name);
    if (any.kind === 'id') {
      const image = this.store.get(any.digest);
      if (image === undefined) throw new NotFoundError(`No such image: ${any.digest}`);
      return { image, target: { kind: 'id', input: name } };
    }
    const ref = toImageRef(any.ref);
    const byRef = this.store.lookup(ref);
    if (byRef !== undefined) return { image: byRef, target: { kind: 'ref', ref, input: name } };
    const byPrefix = this.store.search(name);
    if (byPrefix !== undefined) return { image: byPrefix, target: { kind: 'id', input: name } };
    throw new NotFoundError(`No such image: ${noSuchImageName(name)}`);
  }

  publish(action: string, id: Digest, name: string = id): void {
    const image = this.store.get(id);
    this.events.publish({
      type: 'image',
      action,
      actorId: id,
      attributes: { ...(image?.config.config?.Labels ?? {}), name },
    });
  }

  private tagsAndDigests(image: Image, refs: ImageRef[] = this.store.references(image.id)) {
    return {
      tags: refs.filter((r) => r.tag !== undefined).map(imageRefString),
      digests: refs.filter((r) => r.digest !== undefined).map(imageRefString),
    };
  }

  summary(image: Image, apiVersion: string, refs?: ImageRef[]): ImageSummary {
    const { tags, digests } = this.tagsAndDigests(image, refs);
    const size = this.store.sizeOf(image);
    return {
      Id: image.id,
      ParentId: image.parent ?? '',
      RepoTags: tags,
      RepoDigests: digests,
      Created: createdSeconds(image.config.created),
      Size: size,
      SharedSize: -1,
      ...(compareApiVersions(apiVersion, '1.44') < 0 && { VirtualSize: size }),
      Labels: image.config.config?.Labels ?? null,
      Containers: -1,
    };
  }

  async list(options: ImageListOptions): Promise<ImageSummary[]> {
    const { filters } = options;
    checkFilterKeys(filters, LIST_FILTERS);
    const dangling = danglingFilter(filters);
    const before = filters.get('before')?.map((n) => createdSeconds(this.resolve(n).image.config.created));
    const since = filters.get('since')?.map((n) => createdSeconds(this.resolve(n).image.config.created));
    const until = untilSeconds(filters);
    const patterns = filters.get('reference');
    const rows: ImageSummary[] = [];
    for (const image of this.store.list()) {
      const created = createdSeconds(image.config.created);
      if (before !== undefined && !before.every((b) => created < b)) continue;
      if (since !== undefined && !since.every((s) => created > s)) continue;
      if (until !== undefined && created >= until) continue;
      if (!matchLabels(filters.get('label'), image.config.config?.Labels)) continue;
      let refs = this.store.references(image.id);
      const isDangling = refs.length === 0;
      if (dangling === true && !isDangling) continue;
      if (dangling === false && isDangling) continue;
      // Intermediate images (built layers under a tagged child) only with -a.
      if (isDangling && !options.all && this.store.children(image.id).length > 0) continue;
      if (patterns !== undefined) {
        refs = refs.filter((r) => {
          const named = parseNormalizedNamed(imageRefString(r));
          return patterns.some((p) => familiarMatch(p, named));
        });
        if (refs.length === 0) continue;
      }
      rows.push(this.summary(image, options.apiVersion, refs));
    }
    return rows.sort((a, b) => b.Created - a.Created || a.Id.localeCompare(b.Id));
  }

  async inspect(name: string, apiVersion: string): Promise<ImageInspect> {
    const { image } = this.resolve(name);
    const { config } = image;
    const { tags, digests } = this.tagsAndDigests(image);
    const size = this.store.sizeOf(image);
    const extra = config as { comment?: string; variant?: string; 'os.version'?: string };
    return {
      Id: image.id,
      RepoTags: tags,
      RepoDigests: digests,
      Parent: image.parent ?? '',
      Comment: extra.comment ?? '',
      Created: config.created ?? ZERO_TIME,
      DockerVersion: config.docker_version ?? '',
      Author: config.author ?? '',
      Config: (config.config as ImageInspect['Config']) ?? null,
      Architecture: config.architecture ?? '',
      ...(extra.variant !== undefined && { Variant: extra.variant }),
      Os: config.os ?? '',
      ...(extra['os.version'] !== undefined && { OsVersion: extra['os.version'] }),
      Size: size,
      ...(compareApiVersions(apiVersion, '1.44') < 0 && { VirtualSize: size }),
      GraphDriver:
        image.topLayer === undefined
          ? { Name: this.store.layers.driver, Data: null }
          : this.store.layers.graphDriverInfo({ layer: image.topLayer }),
      RootFS: { Type: 'layers', Layers: [...config.rootfs.diff_ids] },
      Metadata: { LastTagTime: image.lastUpdated ?? ZERO_TIME },
    };
  }

  async history(name: string): Promise<ImageHistoryItem[]> {
    const { image } = this.resolve(name);
    return imageHistory(this.store, image).map((row) => {
      const tags =
        row.id === '<missing>'
          ? []
          : this.store
              .references(row.id)
              .filter((r) => r.tag !== undefined)
              .map(imageRefString);
      return {
        Id: row.id,
        Created: row.created,
        CreatedBy: row.createdBy,
        Tags: tags.length > 0 ? tags : null,
        Size: row.size,
        Comment: row.comment,
      };
    });
  }

  async tag(name: string, repo: string, tag: string): Promise<void> {
    const { image } = this.resolve(name);
    const ref = newTagRef(repo, tag, 'tag');
    await this.store.addReference(ref, image.id);
    this.publish('tag', image.id, imageRefString(ref));
  }

  private deleteOptions(force: boolean, prune: boolean) {
    return {
      force,
      prune,
      inUse: this.inUse,
      onEvent: (action: 'untag' | 'delete', id: Digest) => this.publish(action, id),
    };
  }

  async remove(
    name: string,
    options: { force: boolean; prune: boolean },
  ): Promise<ImageDeleteResponseItem[]> {
    const { image, target } = this.resolve(name);
    const records = await deleteImage(
      this.store,
      image.id,
      target,
      this.deleteOptions(options.force, options.prune),
    );
    return records.map(toResponseItem);
  }

  async prune(filters: Map<string, string[]>): Promise<ImagesPruneResponse> {
    checkFilterKeys(filters, PRUNE_FILTERS);
    const danglingOnly = danglingFilter(filters) ?? true;
    const until = untilSeconds(filters);
    const layerSizes = new Map(this.store.layers.list().map((l) => [l.chainId as string, l.size]));
    const deleted: ImageDeleteResponseItem[] = [];
    for (const image of this.store.list()) {
      if (this.store.get(image.id) === undefined) continue; // removed as a parent meanwhile
      const refs = this.store.references(image.id);
      const hasChildren = this.store.children(image.id).length > 0;
      if (danglingOnly && hasChildren) continue;
      if (refs.length === 0 && hasChildren) continue;
      if (until !== undefined && createdSeconds(image.config.created) >= until) continue;
      const labels = image.config.config?.Labels;
      if (!matchLabels(filters.get('label'), labels)) continue;
      if (filters.get('label!')?.some((f) => matchLabels([f], labels)) === true) continue;
      if (this.inUse(image.id) !== undefined) continue;
      try {
        if (refs.length > 0) {
          // Dangling-only prune still takes images named by digests alone.
          if (danglingOnly && refs.some((r) => r.tag !== undefined)) continue;
          for (const ref of refs) {
            if (this.store.get(image.id) === undefined) break;
            const records = await deleteImage(
              this.store,
              image.id,
              { kind: 'ref', ref, input: imageRefString(ref) },
              this.deleteOptions(false, true),
            );
            deleted.push(...records.map(toResponseItem));
          }
        } else {
          const records = await deleteImage(
            this.store,
            image.id,
            { kind: 'id', input: image.id },
            this.deleteOptions(false, true),
          );
          deleted.push(...records.map(toResponseItem));
        }
      } catch {
        // A conflict (child image, container) leaves the image; prune goes on with the rest.
      }
    }
    const reclaimed = deleted.reduce(
      (sum, d) => sum + (d.Deleted !== undefined ? (layerSizes.get(d.Deleted) ?? 0) : 0),
      0,
    );
    this.events.publish({
      type: 'image',
      action: 'prune',
      actorId: '',
      attributes: { reclaimed: String(reclaimed) },
    });
    return { ImagesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
  }

  save(names: string[], signal: AbortSignal): Promise<Readable> {
    return this.transfer.save(names, signal);
  }

  load(
    body: Readable,
    options: { quiet: boolean; signal: AbortSignal },
    progress: ProgressSink,
  ): Promise<void> {
    return this.transfer.load(body, options, progress);
  }

  import(body: Readable, request: ImageImportRequest, progress: ProgressSink): Promise<void> {
    return this.transfer.import(body, request, progress);
  }
}

function toResponseItem(record: DeleteRecord): ImageDeleteResponseItem {
  return 'untagged' in record ? { Untagged: record.untagged } : { Deleted: record.deleted };
}
