/**
 * The image store's files under `<data-root>/image/<driver>/`, Docker's layout so that an
 * operator who knows dockerd finds their way:
 *
 *   imagedb/content/sha256/<id>                 the config JSON, byte for byte; id = its sha256
 *   imagedb/metadata/sha256/<id>/parent         "sha256:<parent id>" for built/committed images
 *   imagedb/metadata/sha256/<id>/lastUpdated    RFC 3339 time of the last tag change
 *   repositories.json                           {"Repositories":{repo:{"repo:tag": id}}}
 *   tmp/                                        load spools and save staging; emptied at start
 *
 * layerdb/ beside imagedb/ belongs to the layer store.
 */
import { join } from 'node:path';
import { digestHex, type Digest } from '../oci/index.js';

export const CONTENT_DIR = join('imagedb', 'content', 'sha256');
export const METADATA_DIR = join('imagedb', 'metadata', 'sha256');
export const REPOSITORIES_FILE = 'repositories.json';
export const TMP_DIR = 'tmp';
export const PARENT_FILE = 'parent';
export const LAST_UPDATED_FILE = 'lastUpdated';

export class ImageStoreLayout {
  constructor(readonly root: string) {}

  get contentDir(): string {
    return join(this.root, CONTENT_DIR);
  }
  get metadataDir(): string {
    return join(this.root, METADATA_DIR);
  }
  get repositoriesFile(): string {
    return join(this.root, REPOSITORIES_FILE);
  }
  get tmpDir(): string {
    return join(this.root, TMP_DIR);
  }
  content(id: Digest): string {
    return join(this.contentDir, digestHex(id));
  }
  metadata(id: Digest): string {
    return join(this.metadataDir, digestHex(id));
  }
}
