/**
 * POST /commit over the container manager and the image store: the new config (the
 * container's, or the one sent, with `--change` applied and merged as dockerd merges it),
 * the container's changes read while it is paused, the child image, its tag, and the
 * events dockerd sends (image `create` and `tag`, container `commit`).
 */
import type { CommitBackend, CommitRequest } from '../api/server/index.js';
import type { ContainerManager } from '../container/index.js';
import { applyCommitChanges } from '../dockerfile/index.js';
import { commitImage, imageRefString, mergeCommitConfig, type ImageStore } from '../image/index.js';
import type { ContainerConfig } from '../oci/index.js';
import { newTagRef } from './image-names.js';
import type { ImageService } from './image-service.js';

export class CommitService implements CommitBackend {
  constructor(
    private readonly containers: ContainerManager,
    private readonly images: ImageService,
    private readonly store: ImageStore,
  ) {}

  async commit(request: CommitRequest): Promise<string> {
    const ref = request.repo !== '' ? newTagRef(request.repo, request.tag, 'import') : undefined;
    const record = this.containers.get(request.container);
    const own = record.Config as ContainerConfig;
    // The changes are checked before anything is read or paused.
    const config = mergeCommitConfig(
      applyCommitChanges((request.config ?? own) as ContainerConfig, request.changes),
      own,
    );
    const image = await this.containers.snapshot(request.container, { pause: request.pause }, (tar) =>
      commitImage(this.store, {
        parent: this.store.get(record.Image as never),
        tar,
        config,
        containerConfig: own,
        containerId: record.ID,
        author: request.author,
        comment: request.comment,
        os: 'linux',
        signal: request.signal,
      }),
    );
    this.images.publish('create', image.id);
    let imageRef = '';
    if (ref !== undefined) {
      await this.store.addReference(ref, image.id);
      imageRef = imageRefString(ref);
      this.images.publish('tag', image.id, imageRef);
    }
    this.containers.options.publish('commit', record, {
      comment: request.comment,
      imageID: image.id,
      imageRef,
    });
    return image.id;
  }
}
