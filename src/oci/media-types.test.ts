import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MediaType,
  isConfigMediaType,
  isIndexMediaType,
  isLayerMediaType,
  isManifestMediaType,
  layerCompression,
  ociLayerMediaType,
} from './media-types.js';

describe('media types', () => {
  it('classifies manifests, indexes and configs of both families', () => {
    assert.ok(isManifestMediaType(MediaType.OciManifest) && isManifestMediaType(MediaType.DockerManifest));
    assert.ok(isIndexMediaType(MediaType.OciIndex) && isIndexMediaType(MediaType.DockerManifestList));
    assert.ok(isConfigMediaType(MediaType.OciConfig) && isConfigMediaType(MediaType.DockerConfig));
    assert.ok(!isManifestMediaType(MediaType.OciIndex));
    assert.ok(!isManifestMediaType(MediaType.DockerManifestSchema1));
  });

  it('knows each layer type’s compression', () => {
    assert.equal(layerCompression(MediaType.OciLayer), 'none');
    assert.equal(layerCompression(MediaType.OciLayerGzip), 'gzip');
    assert.equal(layerCompression(MediaType.OciLayerZstd), 'zstd');
    assert.equal(layerCompression(MediaType.DockerLayerGzip), 'gzip');
    assert.equal(layerCompression(MediaType.OciConfig), undefined);
    assert.ok(isLayerMediaType('application/vnd.docker.image.rootfs.diff.tar.gzip'));
    for (const c of ['none', 'gzip', 'zstd'] as const)
      assert.equal(layerCompression(ociLayerMediaType(c)), c);
  });
});
