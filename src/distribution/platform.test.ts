import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../errors/index.js';
import { formatPlatform, normalizePlatform, parsePlatform, selectManifest } from './platform.js';
import type { Descriptor } from './types.js';

function entry(n: number, platform?: Descriptor['platform']): Descriptor {
  return {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${String(n).padStart(64, '0')}`,
    size: 1,
    ...(platform !== undefined && { platform }),
  };
}

describe('platform choice', () => {
  it('normalises names as containerd does', () => {
    assert.deepEqual(normalizePlatform({ os: 'linux', architecture: 'x86_64' }), {
      os: 'linux',
      architecture: 'amd64',
      variant: '',
    });
    assert.deepEqual(normalizePlatform({ os: 'linux', architecture: 'aarch64', variant: 'v8' }), {
      os: 'linux',
      architecture: 'arm64',
      variant: '',
    });
    assert.deepEqual(normalizePlatform({ os: 'linux', architecture: 'arm' }), {
      os: 'linux',
      architecture: 'arm',
      variant: 'v7',
    });
    assert.equal(formatPlatform(parsePlatform('linux/arm/7')), 'linux/arm/v7');
    assert.equal(formatPlatform(parsePlatform('linux')), 'linux/amd64');
    assert.throws(() => parsePlatform('linux//x'), { message: /invalid platform/ });
  });

  it('picks the best entry, with variant fallbacks and the first of equals', () => {
    const index = [
      entry(1),
      entry(2, { os: 'linux', architecture: 'arm', variant: 'v6' }),
      entry(3, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
      entry(4, { os: 'linux', architecture: 'amd64' }),
      entry(5, { os: 'linux', architecture: 'amd64' }),
      entry(6, { os: 'windows', architecture: 'amd64' }),
    ];
    assert.equal(selectManifest(index, parsePlatform('linux/amd64')).digest, entry(4).digest);
    assert.equal(selectManifest(index, parsePlatform('linux/arm64')).digest, entry(3).digest);
    // arm/v7 runs v6 images; arm/v5 does not.
    assert.equal(selectManifest(index, parsePlatform('linux/arm/v7')).digest, entry(2).digest);
    assert.throws(
      () => selectManifest(index, parsePlatform('linux/arm/v5')),
      (err: Error) => {
        assert.ok(err instanceof NotFoundError);
        assert.equal(err.message, 'no matching manifest for linux/arm/v5 in the manifest list entries');
        return true;
      },
    );
    const v7 = [
      entry(7, { os: 'linux', architecture: 'arm', variant: 'v6' }),
      entry(8, { os: 'linux', architecture: 'arm', variant: 'v7' }),
    ];
    assert.equal(selectManifest(v7, parsePlatform('linux/arm')).digest, entry(8).digest);
  });
});
