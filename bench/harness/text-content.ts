/**
 * Generated file contents that compress like real layer contents (~3:1 under gzip): lines
 * of words from a small vocabulary, chosen by a seeded generator. Random bytes would make
 * gzip store blocks verbatim, and decompression — the work a pull or load does — would be
 * unrealistically cheap.
 */
import type { ContentSource, TarEntry } from '../../test/fixtures/index.js';

const WORDS =
  'layer image container overlay mount diff commit registry manifest digest config tar gzip ' +
  'runtime network bridge volume socket daemon engine kernel namespace cgroup process signal';
const VOCABULARY = WORDS.split(' ');

/** xorshift32: cheap, deterministic, good enough to vary word choice. */
function generator(seed: string): () => number {
  let state = [...seed].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261) || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

export function textContent(size: number, seed: string): ContentSource {
  return {
    size,
    *chunks() {
      const next = generator(seed);
      let left = size;
      while (left > 0) {
        const parts: string[] = [];
        let length = 0;
        while (length < 64 * 1024) {
          const word = VOCABULARY[next() % VOCABULARY.length]!;
          const suffix = next() % 10 === 0 ? `-${next() % 100000}\n` : ' ';
          parts.push(word + suffix);
          length += word.length + suffix.length;
        }
        const chunk = Buffer.from(parts.join(''));
        const take = Math.min(left, chunk.length);
        left -= take;
        yield take === chunk.length ? chunk : chunk.subarray(0, take);
      }
    },
  };
}

/** A layer of one directory `prefix` holding `count` text files of `size` bytes each. */
export function filesLayer(prefix: string, count: number, size: number): TarEntry[] {
  return [
    { type: 'dir', name: prefix },
    ...Array.from({ length: count }, (_, i): TarEntry => ({
      type: 'file',
      name: `${prefix}/f${i}.txt`,
      content: textContent(size, `${prefix}-${i}`),
    })),
  ];
}
