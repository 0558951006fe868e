import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../errors/index.js';
import { isValidVolumeName, randomVolumeName, validateVolumeName } from './volume-names.js';

describe('volume names', () => {
  it('accepts what the local driver accepts', () => {
    for (const name of ['ab', 'data', 'my_vol.1-x', '0a', 'A'.repeat(200)]) {
      assert.doesNotThrow(() => validateVolumeName(name), name);
    }
  });

  it('refuses a one-character name with dockerd wording', () => {
    assert.throws(
      () => validateVolumeName('a'),
      (err: unknown) =>
        err instanceof InvalidArgumentError &&
        err.message === 'volume name is too short, names should be at least two alphanumeric characters',
    );
  });

  it('refuses paths and dot names, quoting the name and the allowed characters', () => {
    for (const name of ['../x', '..', '/abs', 'a/b', '.tmp-create-1', '-x', '_x', 'a b', 'a\nb', 'é']) {
      assert.throws(
        () => validateVolumeName(name),
        (err: unknown) =>
          err instanceof InvalidArgumentError &&
          err.message ===
            `${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
        name,
      );
      assert.equal(isValidVolumeName(name), false);
    }
  });

  it('makes 64-hex random names', () => {
    const a = randomVolumeName();
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, randomVolumeName());
  });
});
