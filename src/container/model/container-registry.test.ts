import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../errors/index.js';
import { generateContainerId, shortId } from './container-id.js';
import { randomContainerName, validateContainerName } from './container-names.js';
import { ContainerRegistry } from './container-registry.js';
import { ADJECTIVES, SURNAMES } from './name-words.js';

const A = 'abc1'.padEnd(64, '0');
const B = 'abc2'.padEnd(64, '0');
const C = 'def0'.padEnd(64, '1');

function registry(): ContainerRegistry<{ ID: string; Name: string }> {
  const r = new ContainerRegistry<{ ID: string; Name: string }>();
  r.add({ ID: A, Name: '/web' });
  r.add({ ID: B, Name: '/db' });
  r.add({ ID: C, Name: '/cache' });
  return r;
}

describe('container ids', () => {
  it('are 64 hex digits', () => {
    for (let i = 0; i < 20; i++) assert.match(generateContainerId(), /^[0-9a-f]{64}$/);
  });

  it('are drawn again when the short id would be all digits (moby stringid)', () => {
    const draws = [Buffer.from('1234567890123456'.repeat(4), 'hex'), Buffer.from('a'.repeat(64), 'hex')];
    let calls = 0;
    const id = generateContainerId(() => draws[calls++] as Buffer);
    assert.equal(calls, 2);
    assert.equal(id, 'a'.repeat(64));
  });

  it('shorten to 12 characters, without a sha256: prefix', () => {
    assert.equal(shortId(A), 'abc100000000');
    assert.equal(shortId(`sha256:${C}`), 'def011111111');
  });
});

describe('container names', () => {
  const valid = ['web', '/web', 'a1', 'my_app.v2-x', 'A-b'];
  const invalid = ['a', '_web', '-web', '.web', 'web app', 'web/app', '/', '', 'wéb'];
  for (const name of valid) {
    it(`accepts ${JSON.stringify(name)}`, () =>
      assert.equal(validateContainerName(name), `/${name.replace(/^\//, '')}`));
  }
  for (const name of invalid) {
    it(`refuses ${JSON.stringify(name)} with Docker's message`, () => {
      assert.throws(() => validateContainerName(name), {
        name: 'InvalidArgumentError',
        message: `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
      });
    });
  }

  it('random names are adjective_surname from lading lists, with a digit on retries', () => {
    const name = randomContainerName(0);
    const [adjective, surname] = name.split('_');
    assert.ok(ADJECTIVES.includes(adjective as string) && SURNAMES.includes(surname as string), name);
    assert.match(randomContainerName(3), /^[a-z]+_[a-z]+[0-9]$/);
    assert.doesNotThrow(() => validateContainerName(randomContainerName(1)));
  });

  it('word lists are big enough, valid and without duplicates', () => {
    assert.ok(ADJECTIVES.length >= 100 && SURNAMES.length >= 150);
    for (const word of [...ADJECTIVES, ...SURNAMES]) assert.match(word, /^[a-z]+$/);
    assert.equal(new Set(ADJECTIVES).size, ADJECTIVES.length);
    assert.equal(new Set(SURNAMES).size, SURNAMES.length);
    assert.ok(!(ADJECTIVES.includes('boring') && SURNAMES.includes('wozniak')));
  });
});

describe('container registry lookups', () => {
  it('finds by full id, by name with or without "/", and by unique prefix', () => {
    const r = registry();
    assert.equal(r.get(A).Name, '/web');
    assert.equal(r.get('web').ID, A);
    assert.equal(r.get('/db').ID, B);
    assert.equal(r.get('abc1').ID, A);
    assert.equal(r.get('d').ID, C);
  });

  it('prefers a name over an id prefix (Docker order)', () => {
    const r = registry();
    r.add({ ID: 'feed'.padEnd(64, '2'), Name: '/abc1' });
    assert.equal(r.get('abc1').ID, 'feed'.padEnd(64, '2'));
  });

  it("says Docker's words when nothing matches or a prefix is ambiguous", () => {
    const r = registry();
    assert.throws(
      () => r.get('nope'),
      (err) => err instanceof NotFoundError && err.message === 'No such container: nope',
    );
    assert.throws(
      () => r.get('abc'),
      (err) =>
        err instanceof InvalidArgumentError && err.message === 'multiple IDs found with provided prefix: abc',
    );
    assert.throws(() => r.get(''), { message: 'invalid name or ID supplied: ""' });
    assert.equal(r.find('nope'), undefined);
  });

  it('forgets a deleted container and frees its name', () => {
    const r = registry();
    r.delete(A);
    assert.equal(r.find('web'), undefined);
    assert.equal(r.reserveName('web', C.replace('def0', 'ffff')), '/web');
  });
});

describe('container registry names', () => {
  it("refuses a taken name with Docker's 409 message", () => {
    const r = registry();
    assert.throws(
      () => r.reserveName('web', B),
      (err) =>
        err instanceof ConflictError &&
        err.message ===
          `Conflict. The container name "/web" is already in use by container "${A}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
    assert.equal(r.reserveName('/web', A), '/web', 'reserving one’s own name is fine');
  });

  it('allocates a fresh id with the requested or a random name', () => {
    const r = registry();
    const named = r.allocate('api');
    assert.equal(named.name, '/api');
    assert.match(named.id, /^[0-9a-f]{64}$/);
    assert.equal(r.idOfName('api'), named.id);
    const random = r.allocate();
    assert.match(random.name, /^\/[a-z]+_[a-z]+$/);
    assert.throws(() => r.allocate('web'), ConflictError);
  });

  it('retries random names on collision, then falls back to the short id', () => {
    const taken = new ContainerRegistry<{ ID: string; Name: string }>(
      generateContainerId,
      () => 'calm_turing',
    );
    taken.add({ ID: A, Name: '/calm_turing' });
    const next = taken.allocate();
    assert.equal(next.name, `/${shortId(next.id)}`);
    const seen: number[] = [];
    const retrying = new ContainerRegistry<{ ID: string; Name: string }>(generateContainerId, (retry) => {
      seen.push(retry);
      return retry < 2 ? 'calm_turing' : 'calm_turing7';
    });
    retrying.add({ ID: A, Name: '/calm_turing' });
    assert.equal(retrying.allocate().name, '/calm_turing7');
    assert.deepEqual(seen, [0, 1, 2]);
  });

  it('renames with Docker semantics', () => {
    const r = registry();
    const result = r.rename('web', 'frontend');
    assert.deepEqual([result.oldName, result.newName], ['/web', '/frontend']);
    assert.equal(r.get('frontend').ID, A);
    assert.equal(r.find('web'), undefined);
    assert.throws(() => r.rename('frontend', '/frontend'), {
      message: 'Renaming a container with the same name as its current name',
    });
    assert.throws(
      () => r.rename('frontend', 'db'),
      (err) =>
        err instanceof ConflictError &&
        err.message.startsWith(
          'Error when allocating new name: Conflict. The container name "/db" is already in use',
        ),
    );
    assert.throws(() => r.rename('frontend', 'bad name'), {
      name: 'InvalidArgumentError',
      message:
        'Error when allocating new name: Invalid container name (/bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed',
    });
    assert.throws(() => r.rename('', 'x'), { message: 'Neither old nor new names may be empty' });
    assert.throws(() => r.rename('nope', 'x'), { message: 'No such container: nope' });
    assert.equal(r.get('frontend').Name, '/frontend', 'a failed rename changes nothing');
  });
});
