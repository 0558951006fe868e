import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { cidrContains, isInsecureRegistry, readEndpoints, upstreamEndpoint } from './endpoints.js';
import { loadTlsMaterial } from './tls.js';
import { scopesFor } from './repository-client.js';
import { nextLink } from './tag-list.js';

const none = { mirrors: new Map<string, string[]>(), mirrorOnly: new Set<string>(), insecureRegistries: [] };

describe('endpoints', () => {
  it('docker.io goes to registry-1.docker.io over verified HTTPS; index.docker.io is the same registry', () => {
    assert.deepEqual(upstreamEndpoint('docker.io', none), {
      url: 'https://registry-1.docker.io',
      mirror: false,
      insecure: false,
    });
    assert.equal(upstreamEndpoint('index.docker.io', none).url, 'https://registry-1.docker.io');
  });

  it('mirrors come first, in order, keeping scheme and path prefix; mirror-only drops the upstream', () => {
    const config = {
      mirrors: new Map([['docker.io', ['https://mirror.example/cache/', 'http://10.0.0.5:5000']]]),
      mirrorOnly: new Set<string>(),
      insecureRegistries: [],
    };
    assert.deepEqual(
      readEndpoints('docker.io', config).map((e) => [e.url, e.mirror]),
      [
        ['https://mirror.example/cache', true],
        ['http://10.0.0.5:5000', true],
        ['https://registry-1.docker.io', false],
      ],
    );
    assert.equal(readEndpoints('docker.io', { ...config, mirrorOnly: new Set(['docker.io']) }).length, 2);
    assert.deepEqual(
      readEndpoints('ghcr.io', config).map((e) => e.url),
      ['https://ghcr.io'],
    );
  });

  it("insecure as Docker: listed host[:port], CIDRs, 127.0.0.0/8 and ::1; HTTP is the insecure upstream's fallback", () => {
    assert.equal(isInsecureRegistry('127.0.0.1:5000', []), true);
    assert.equal(isInsecureRegistry('127.9.9.9', []), true);
    assert.equal(isInsecureRegistry('[::1]:5000', []), true);
    assert.equal(isInsecureRegistry('10.1.2.3:5000', []), false);
    assert.equal(isInsecureRegistry('10.1.2.3:5000', ['10.0.0.0/8']), true);
    assert.equal(isInsecureRegistry('reg.local:5000', ['reg.local:5000']), true);
    assert.equal(isInsecureRegistry('reg.local:5001', ['reg.local:5000']), false);
    assert.equal(isInsecureRegistry('[fd00::1]:443', ['fd00::/8']), true);
    assert.equal(cidrContains('192.168.0.0/16', '192.169.0.1'), false);
    assert.equal(cidrContains('0.0.0.0/0', '8.8.8.8'), true);
    const upstream = upstreamEndpoint('10.1.2.3:5000', { ...none, insecureRegistries: ['10.0.0.0/8'] });
    assert.deepEqual(upstream, {
      url: 'https://10.1.2.3:5000',
      mirror: false,
      insecure: true,
      httpFallbackUrl: 'http://10.1.2.3:5000',
    });
  });

  it('token scopes: the actions on the repository and pull on mount sources', () => {
    assert.deepEqual(scopesFor('a/b', ['pull', 'push'], ['c/d', 'a/b']), [
      'repository:a/b:pull,push',
      'repository:c/d:pull',
    ]);
  });

  it('reads the next page from a Link header', () => {
    assert.equal(nextLink('</v2/a/tags/list?last=x&n=2>; rel="next"'), '/v2/a/tags/list?last=x&n=2');
    assert.equal(nextLink('<https://x/prev>; rel="prev", <https://x/next>; rel=next'), 'https://x/next');
    assert.equal(nextLink(undefined), undefined);
  });
});

describe('certs.d material', () => {
  it('adds every *.crt to the system CAs, pairs *.cert with *.key, and refuses a lone half', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lading-certsd-'));
    try {
      const host = join(dir, 'reg.local:5000');
      mkdirSync(host);
      writeFileSync(join(host, 'ca.crt'), 'CA-ONE');
      writeFileSync(join(host, 'extra.crt'), 'CA-TWO');
      writeFileSync(join(host, 'client.cert'), 'CERT');
      writeFileSync(join(host, 'client.key'), 'KEY');
      const material = loadTlsMaterial(dir, 'reg.local:5000');
      assert.equal(material.ca.length, rootCertificates.length + 2);
      assert.deepEqual(material.ca.slice(-2), ['CA-ONE', 'CA-TWO']);
      assert.equal(material.cert, 'CERT');
      assert.equal(material.key, 'KEY');
      assert.deepEqual(loadTlsMaterial(dir, 'other:1').ca.length, rootCertificates.length);
      writeFileSync(join(host, 'lonely.key'), 'KEY');
      assert.throws(() => loadTlsMaterial(dir, 'reg.local:5000'), /missing client certificate lonely.cert/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
