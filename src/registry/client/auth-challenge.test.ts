import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseWwwAuthenticate } from './auth-challenge.js';

describe('WWW-Authenticate parsing', () => {
  it("reads Docker Hub's bearer challenge", () => {
    assert.deepEqual(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      ),
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/busybox:pull',
          },
        },
      ],
    );
  });

  it('reads several challenges, quoted commas and escapes, unquoted values and odd spacing', () => {
    assert.deepEqual(
      parseWwwAuthenticate(
        'Basic realm="a, \\"b\\"" , Bearer  realm=https://x/token , scope="repository:a:pull,push"',
      ),
      [
        { scheme: 'basic', params: { realm: 'a, "b"' } },
        { scheme: 'bearer', params: { realm: 'https://x/token', scope: 'repository:a:pull,push' } },
      ],
    );
  });

  it('takes repeated headers and ignores garbage without looping', () => {
    assert.deepEqual(parseWwwAuthenticate(['Basic realm="r"', 'Negotiate']), [
      { scheme: 'basic', params: { realm: 'r' } },
      { scheme: 'negotiate', params: {} },
    ]);
    assert.deepEqual(parseWwwAuthenticate(undefined), []);
    assert.deepEqual(parseWwwAuthenticate('=,,"'), []);
    assert.deepEqual(parseWwwAuthenticate('Bearer realm="unterminated'), [
      { scheme: 'bearer', params: { realm: 'unterminated' } },
    ]);
  });
});
