import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerConfig } from '../oci/index.js';
import { applyChanges, splitWords } from './changes.js';
import { goTimestamp } from './go-time.js';

describe('--change instructions', () => {
  const cases: [changes: string[], expected: ContainerConfig][] = [
    [['CMD ["a", "b"]'], { Cmd: ['a', 'b'] }],
    [['CMD echo hi'], { Cmd: ['/bin/sh', '-c', 'echo hi'] }],
    [['ENTRYPOINT ["/init"]'], { Entrypoint: ['/init'] }],
    [['ENV A=1 B="two words"', 'ENV A 3 4'], { Env: ['A=3 4', 'B=two words'] }],
    [['LABEL a=b "c d"=e'], { Labels: { a: 'b', 'c d': 'e' } }],
    [
      ['EXPOSE 80 53/udp 8000-8001'],
      { ExposedPorts: { '80/tcp': {}, '53/udp': {}, '8000/tcp': {}, '8001/tcp': {} } },
    ],
    [['VOLUME ["/data", "/logs"]'], { Volumes: { '/data': {}, '/logs': {} } }],
    [['VOLUME /a /b'], { Volumes: { '/a': {}, '/b': {} } }],
    [['WORKDIR /app', 'WORKDIR sub'], { WorkingDir: '/app/sub' }],
    [['USER nobody'], { User: 'nobody' }],
    [['STOPSIGNAL SIGINT'], { StopSignal: 'SIGINT' }],
    [['onbuild RUN x'], { OnBuild: ['RUN x'] }],
    [[''], {}],
  ];
  for (const [changes, expected] of cases) {
    it(changes.join(' ; ') || '(empty)', () => assert.deepEqual(applyChanges({}, changes), expected));
  }

  it('refuses what is not a config change', () => {
    assert.throws(() => applyChanges({}, ['RUN x']), /RUN is not a valid change command/);
    assert.throws(() => applyChanges({}, ['FROM x']), /not a valid change command/);
    assert.throws(() => applyChanges({}, ['EXPOSE eighty']), /invalid containerPort/);
    assert.throws(() => applyChanges({}, ['ENV "unterminated']), /unmatched quote/);
  });

  it('writes times the way Go does', () => {
    assert.equal(goTimestamp(new Date('2025-01-02T03:04:05.000Z')), '2025-01-02T03:04:05Z');
    assert.equal(goTimestamp(new Date('2025-01-02T03:04:05.120Z')), '2025-01-02T03:04:05.12Z');
    assert.equal(goTimestamp(new Date('2025-01-02T03:04:05.007Z')), '2025-01-02T03:04:05.007Z');
  });

  it('splits words like a shell', () => {
    assert.deepEqual(splitWords(`a "b c" 'd e' f\\ g`), ['a', 'b c', 'd e', 'f g']);
  });
});
