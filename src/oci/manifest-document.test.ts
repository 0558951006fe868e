import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sha256Digest } from './digest.js';
import { InvalidManifestError, MAX_MANIFEST_BYTES, parseManifestDocument } from './manifest-document.js';
import { MediaType } from './media-types.js';

const d = { mediaType: MediaType.OciLayerGzip, digest: sha256Digest('x'), size: 1 };
const manifest = {
  schemaVersion: 2,
  mediaType: MediaType.OciManifest,
  config: { ...d, mediaType: MediaType.OciConfig },
  layers: [d],
};
const index = {
  schemaVersion: 2,
  mediaType: MediaType.OciIndex,
  manifests: [{ ...d, mediaType: MediaType.OciManifest }],
};

describe('parseManifestDocument', () => {
  it('tells a manifest from an index', () => {
    assert.equal(parseManifestDocument(JSON.stringify(manifest)).kind, 'manifest');
    assert.equal(parseManifestDocument(Buffer.from(JSON.stringify(index))).kind, 'index');
  });

  it('fills a missing mediaType from the content type or the shape', () => {
    const { mediaType: _m, ...bare } = manifest;
    const doc = parseManifestDocument(JSON.stringify(bare), MediaType.DockerManifest);
    assert.ok(doc.kind === 'manifest' && doc.manifest.mediaType === MediaType.DockerManifest);
    const guessed = parseManifestDocument(JSON.stringify(bare));
    assert.ok(guessed.kind === 'manifest' && guessed.manifest.mediaType === MediaType.OciManifest);
  });

  it('rejects hostile documents (hostile-input row 20)', () => {
    const both = { ...manifest, manifests: index.manifests };
    assert.throws(() => parseManifestDocument(JSON.stringify(both)), /both "manifests" and "layers"/);
    assert.throws(
      () => parseManifestDocument(JSON.stringify(manifest), MediaType.OciIndex),
      /does not match/,
    );
    const big = JSON.stringify({ ...manifest, annotations: { x: 'a'.repeat(MAX_MANIFEST_BYTES) } });
    assert.throws(() => parseManifestDocument(big), /limit/);
    const badDigest = { ...manifest, layers: [{ ...d, digest: 'sha256:../../etc' }] };
    assert.throws(() => parseManifestDocument(JSON.stringify(badDigest)), InvalidManifestError);
    assert.throws(() => parseManifestDocument('{"schemaVersion":1}'), /schemaVersion/);
  });
});
