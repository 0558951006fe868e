import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { familiarMatch } from './familiar-match.js';
import {
  familiarName,
  familiarString,
  parseAnyReference,
  parseDockerRef,
  parseNormalizedNamed,
  parseReference,
  referenceString,
  withTag,
} from './reference.js';

const HEX = 'a'.repeat(64);
const DIGEST = `sha256:${HEX}`;

describe('parseNormalizedNamed', () => {
  const valid: [input: string, full: string, familiar: string][] = [
    ['busybox', 'docker.io/library/busybox', 'busybox'],
    ['busybox:latest', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox:1.36.1-musl', 'docker.io/library/busybox:1.36.1-musl', 'busybox:1.36.1-musl'],
    ['user/app', 'docker.io/user/app', 'user/app'],
    ['library/busybox', 'docker.io/library/busybox', 'busybox'],
    ['docker.io/library/busybox', 'docker.io/library/busybox', 'busybox'],
    ['index.docker.io/user/app:v1', 'docker.io/user/app:v1', 'user/app:v1'],
    ['docker.io/library/a/b', 'docker.io/library/a/b', 'library/a/b'],
    ['host:5000/a/b:tag', 'host:5000/a/b:tag', 'host:5000/a/b:tag'],
    ['localhost/app', 'localhost/app', 'localhost/app'],
    ['localhost:5000/app', 'localhost:5000/app', 'localhost:5000/app'],
    ['127.0.0.1:5000/x/y', '127.0.0.1:5000/x/y', '127.0.0.1:5000/x/y'],
    ['[::1]:5000/app:t', '[::1]:5000/app:t', '[::1]:5000/app:t'],
    ['ghcr.io/o/r', 'ghcr.io/o/r', 'ghcr.io/o/r'],
    ['Foo/bar', 'Foo/bar', 'Foo/bar'],
    [`busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`, `busybox@${DIGEST}`],
    [`busybox:1@${DIGEST}`, `docker.io/library/busybox:1@${DIGEST}`, `busybox:1@${DIGEST}`],
    ['a__b-c---e/f_g', 'docker.io/a__b-c---e/f_g', 'a__b-c---e/f_g'],
    ['a_b.c/d', 'a_b.c/d', 'a_b.c/d'],
    ['x:' + 'T'.repeat(128), 'docker.io/library/x:' + 'T'.repeat(128), 'x:' + 'T'.repeat(128)],
  ];
  for (const [input, full, familiar] of valid) {
    it(`normalises ${input}`, () => {
      const ref = parseNormalizedNamed(input);
      assert.equal(referenceString(ref), full);
      assert.equal(familiarString(ref), familiar);
    });
  }

  const invalid: [input: string, message: string | RegExp][] = [
    ['', 'invalid reference format'],
    ['Foo', 'invalid reference format: repository name (library/Foo) must be lowercase'],
    ['busybox:Latest'.replace('busybox', 'Busybox'), /must be lowercase/],
    ['user/App', 'invalid reference format: repository name (user/App) must be lowercase'],
    ['a___b', 'invalid reference format'],
    ['-a', 'invalid reference format'],
    ['a-', 'invalid reference format'],
    ['a//b', 'invalid reference format'],
    ['a/', 'invalid reference format'],
    ['busybox:.x', 'invalid reference format'],
    ['busybox:' + 'x'.repeat(129), 'invalid reference format'],
    ['busybox:', 'invalid reference format'],
    ['busybox@sha256:abc', 'invalid reference format'],
    ['busybox@sha256:' + 'a'.repeat(40), 'invalid reference format: invalid checksum digest length'],
    ['busybox@md5:' + 'a'.repeat(32), 'invalid reference format: unsupported digest algorithm'],
    ['busybox@sha512:' + 'a'.repeat(128), 'invalid reference format: unsupported digest algorithm'],
    [
      'a/' + 'b'.repeat(255),
      'invalid reference format: repository name must not be more than 255 characters',
    ],
    [HEX, `invalid repository name (${HEX}), cannot specify 64-byte hexadecimal strings`],
    ['a b', 'invalid reference format'],
    ['../etc', 'invalid reference format'],
    ['-host:5000/x', 'invalid reference format'],
  ];
  for (const [input, message] of invalid) {
    it(`refuses ${JSON.stringify(input.length > 40 ? input.slice(0, 40) + '…' : input)}`, () => {
      assert.throws(
        () => parseNormalizedNamed(input),
        (err: Error & { kind?: string }) => {
          assert.equal(err.kind, 'invalid-argument');
          if (typeof message === 'string') assert.equal(err.message, message);
          else assert.match(err.message, message);
          return true;
        },
      );
    });
  }
});

describe('parseReference', () => {
  it('splits without normalising', () => {
    assert.deepEqual(parseReference('busybox'), {
      domain: undefined,
      path: 'busybox',
      tag: undefined,
      digest: undefined,
    });
    assert.equal(parseReference('host:5000/a').domain, 'host:5000');
    assert.throws(() => parseReference(''), /must have at least one component/);
    assert.throws(
      () => parseReference('UPPER'),
      /invalid reference format: repository name must be lowercase/,
    );
  });
});

describe('parseDockerRef and parseAnyReference', () => {
  it('adds latest, or drops the tag when a digest is given', () => {
    assert.equal(familiarString(parseDockerRef('busybox')), 'busybox:latest');
    assert.equal(familiarString(parseDockerRef(`busybox:1@${DIGEST}`)), `busybox@${DIGEST}`);
    assert.equal(familiarName(parseDockerRef('localhost:5000/a')), 'localhost:5000/a');
  });

  it('tells ids from names', () => {
    assert.deepEqual(parseAnyReference(HEX), { kind: 'id', digest: DIGEST });
    assert.deepEqual(parseAnyReference(DIGEST), { kind: 'id', digest: DIGEST });
    assert.equal(parseAnyReference('abc123').kind, 'named');
  });

  it('validates tags', () => {
    assert.equal(familiarString(withTag(parseNormalizedNamed('a'), 'v1')), 'a:v1');
    assert.throws(() => withTag(parseNormalizedNamed('a'), '.bad'), /invalid tag format/);
  });
});

describe('familiarMatch', () => {
  const cases: [pattern: string, ref: string, expected: boolean][] = [
    ['busybox', 'busybox:latest', true],
    ['busybox:*', 'busybox:latest', true],
    ['busy*', 'busybox:1', true],
    ['*', 'user/app:1', false],
    ['*/*', 'user/app:1', true],
    ['user/*:1', 'user/app:1', true],
    ['b?sybox', 'busybox:1', true],
    ['[ab]usybox', 'busybox:1', true],
    ['[^b]usybox', 'busybox:1', false],
    ['alpine', 'busybox:latest', false],
    ['[', 'busybox:latest', false],
  ];
  for (const [pattern, ref, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${ref}`, () => {
      assert.equal(familiarMatch(pattern, parseNormalizedNamed(ref)), expected);
    });
  }
});
