/** Detach keys: Docker's notation, its errors, and the escape matcher over split chunks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DETACH_KEYS, detachKeysToBytes, parseDetachKeys } from './detach-keys.js';
import { EscapeMatcher } from './escape-matcher.js';

describe('detach keys', () => {
  it('parses control keys, single characters and DEL like moby/term', () => {
    assert.deepEqual([...parseDetachKeys('')], [16, 17]);
    assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [...DEFAULT_DETACH_KEYS]);
    assert.deepEqual(
      [...detachKeysToBytes('ctrl-@,ctrl-a,ctrl-z,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_')],
      [0, 1, 26, 27, 28, 29, 30, 31],
    );
    assert.deepEqual([...detachKeysToBytes('a,Z,~,DEL')], [97, 90, 126, 127]);
  });

  it("refuses bad keys with moby's words", () => {
    assert.throws(() => detachKeysToBytes('ctrl-P'), { message: "Unknown character: 'ctrl-P'" });
    assert.throws(() => detachKeysToBytes('ctrl-1'), { message: "Unknown character: 'ctrl-1'" });
    assert.throws(() => detachKeysToBytes('é'), { message: "Unknown character: 'é'" });
    assert.throws(() => parseDetachKeys('ctrl-p,,'), {
      name: 'InvalidArgumentError',
      message: 'Invalid detach keys (ctrl-p,,) provided',
    });
  });

  const run = (keys: number[], chunks: (number[] | string)[]): { passed: string; detached: boolean } => {
    const matcher = new EscapeMatcher(Uint8Array.from(keys));
    let passed = '';
    for (const chunk of chunks) {
      const { pass, detached } = matcher.push(Buffer.from(chunk as string));
      passed += pass.toString('latin1');
      if (detached) return { passed, detached };
    }
    return { passed: passed + matcher.flush().toString('latin1'), detached: false };
  };

  it('passes bytes through and detaches on the sequence, keeping what came before it', () => {
    assert.deepEqual(run([16, 17], ['hello', [0x41, 16, 17, 0x42]]), { passed: 'helloA', detached: true });
    assert.deepEqual(run([16, 17], ['no keys here']), { passed: 'no keys here', detached: false });
  });

  it('holds a partial match across chunks and releases it when it was not the sequence', () => {
    assert.deepEqual(run([16, 17], ['ab', [16], [17]]), { passed: 'ab', detached: true });
    assert.deepEqual(run([16, 17], ['ab', [16], 'c']), { passed: 'ab\x10c', detached: false });
    assert.deepEqual(run([16, 17], [[16]]), { passed: '\x10', detached: false });
  });

  it('restarts the match on the byte that broke it', () => {
    assert.deepEqual(run([16, 17], [[16, 16, 17]]), { passed: '\x10', detached: true });
    assert.deepEqual(run([...Buffer.from('aab')], ['xaa', 'ab']), { passed: 'xa', detached: true });
  });
});
