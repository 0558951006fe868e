/**
 * Shared by this folder's tests: a fixture image with one ~1 MiB uncompressed layer (large
 * enough to drop in the middle of, small enough to be quick), pushed to a real registry, and
 * client options that point at nothing but 127.0.0.1.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  BlobDir,
  buildImage,
  buildIndex,
  patternContent,
  AMD64,
  ARM64,
} from '../../../test/fixtures/index.js';
import type { BuiltImage, BuiltIndex } from '../../../test/fixtures/index.js';
import type { Cleanup } from '../../../test/support/cleanup.js';
import { startFaultProxy, type FaultProxy } from '../../../test/support/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.js';
import type { RegistryClientOptions } from './registry-client.js';

export const LAYER_BYTES = 1024 * 1024 + 123;

export interface Fixtures {
  image: BuiltImage;
  index: BuiltIndex;
  blobs: BlobDir;
}

export async function buildFixtures(cleanup: Cleanup): Promise<Fixtures> {
  const blobs = await BlobDir.create();
  cleanup.directory(blobs.dir);
  const image = await buildImage(
    {
      layers: [[{ type: 'file', name: 'big', content: patternContent(LAYER_BYTES) }]],
      compression: 'none',
    },
    blobs,
  );
  const index = await buildIndex(
    [
      { layers: [[{ type: 'file', name: 'a', content: 'amd64' }]], platform: AMD64 },
      { layers: [[{ type: 'file', name: 'a', content: 'arm64' }]], platform: ARM64 },
    ],
    blobs,
  );
  return { image, index, blobs };
}

/** An empty certs.d for clients that need none. */
export function emptyCertsDir(cleanup: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), 'lading-certs-'));
  cleanup.directory(dir);
  return dir;
}

export function clientOptions(
  certsDir: string,
  extra: Partial<RegistryClientOptions> = {},
): RegistryClientOptions {
  return {
    mirrors: new Map(),
    mirrorOnly: new Set(),
    insecureRegistries: [],
    certsDir,
    userAgent: 'lading-test',
    requestTimeoutMs: 5000,
    ...extra,
  };
}

export async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Pushes a built image with the client under test (so pushing to auth registries needs no other tool). */
export async function pushWithClient(
  repo: import('./registry-client.js').RepositoryClient,
  image: BuiltImage,
  tag: string,
): Promise<void> {
  const { createReadStream } = await import('node:fs');
  for (const descriptor of [...image.layers.map((l) => l.descriptor), image.configDescriptor]) {
    if (await repo.hasBlob(descriptor.digest)) continue;
    const pushed = await repo.uploadBlob(
      createReadStream(image.blobs.path(descriptor.digest)) as AsyncIterable<Buffer>,
    );
    if (pushed.digest !== descriptor.digest)
      throw new Error(`pushed ${pushed.digest}, expected ${descriptor.digest}`);
  }
  await repo.putManifest(tag, image.manifestBytes, image.manifestDescriptor.mediaType);
}

/** A real registry with a fault proxy in front, both stopped by `cleanup`. */
export async function startProxiedRegistry(
  cleanup: Cleanup,
): Promise<{ registry: TestRegistry; proxy: FaultProxy }> {
  const registry = await startRegistry();
  cleanup.defer('registry', () => registry.stop());
  const proxy = await startFaultProxy(registry.url);
  cleanup.defer('proxy', () => proxy.stop());
  return { registry, proxy };
}
