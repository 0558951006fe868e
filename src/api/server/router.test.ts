import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Router } from './router.js';

const noop = (): void => undefined;

describe('Router', () => {
  const router = new Router()
    .add({ method: 'GET', path: '/images/{name:.*}/json', handler: noop })
    .add({ method: 'POST', path: '/images/{name:.*}/tag', handler: noop })
    .add({ method: 'GET', path: '/containers/{id}/json', handler: noop })
    .add({ method: 'GET', path: '/containers/json', handler: noop });

  it('matches greedy parameters across slashes and colons', () => {
    const m = router.match('GET', '/images/localhost:5000/a/b:tag/json');
    assert.equal(m.kind, 'found');
    assert.deepEqual(m.kind === 'found' && m.params, { name: 'localhost:5000/a/b:tag' });
  });

  it('keeps single-segment parameters to one segment', () => {
    assert.equal(router.match('GET', '/containers/a/b/json').kind, 'not-found');
    const m = router.match('GET', '/containers/web/json');
    assert.deepEqual(m.kind === 'found' && m.params, { id: 'web' });
  });

  it('prefers the first registered route', () => {
    const m = router.match('GET', '/containers/json');
    assert.equal(m.kind === 'found' && m.route.path, '/containers/json');
  });

  it('does not match another method or a partial path', () => {
    assert.equal(router.match('DELETE', '/containers/web/json').kind, 'not-found');
    assert.equal(router.match('GET', '/containers/web/json/extra').kind, 'not-found');
    assert.equal(router.match('GET', '/images/x/tag').kind, 'not-found');
  });

  it('escapes literal regex characters in patterns', () => {
    const r = new Router().add({ method: 'GET', path: '/a.b', handler: noop });
    assert.equal(r.match('GET', '/aXb').kind, 'not-found');
    assert.equal(r.match('GET', '/a.b').kind, 'found');
  });
});
