import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostsFile, hostnameFile } from './hosts-file.js';
import { containerResolvConf, parseResolvConf } from './resolv-conf.js';

describe('hostsFile', () => {
  it('has the loopback lines and no container line without an address', () => {
    const text = hostsFile({ hostname: 'abc' });
    assert.match(text, /^127\.0\.0\.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n/);
    assert.doesNotMatch(text, /abc/);
  });

  it('adds the container address, FQDN first, and --add-host entries (IPv6 too)', () => {
    const text = hostsFile({
      hostname: 'web',
      domainname: 'example.org',
      address: '172.17.0.2',
      extraHosts: ['db:10.0.0.5', 'v6:fd00::1'],
    });
    assert.match(text, /\n172\.17\.0\.2\tweb\.example\.org web\n10\.0\.0\.5\tdb\nfd00::1\tv6\n$/);
  });

  it('writes the hostname file with a newline', () => {
    assert.equal(hostnameFile('abc'), 'abc\n');
  });
});

describe('containerResolvConf', () => {
  const host =
    'nameserver 127.0.0.1\nnameserver 10.1.2.3 # comment\nsearch a.example b.example\noptions ndots:2\n';

  it('drops loopback nameservers and keeps search and options', () => {
    assert.deepEqual(parseResolvConf(containerResolvConf(host)), {
      nameservers: ['10.1.2.3'],
      search: ['a.example', 'b.example'],
      options: ['ndots:2'],
    });
  });

  it('falls back to public resolvers when only loopback ones remain', () => {
    assert.deepEqual(parseResolvConf(containerResolvConf('nameserver 127.0.0.53\n')).nameservers, [
      '8.8.8.8',
      '8.8.4.4',
    ]);
  });

  it('lets --dns, --dns-search and --dns-option replace the host values', () => {
    const parsed = parseResolvConf(
      containerResolvConf(host, { dns: ['1.1.1.1'], dnsSearch: ['c.example'], dnsOptions: ['rotate'] }),
    );
    assert.deepEqual(parsed, { nameservers: ['1.1.1.1'], search: ['c.example'], options: ['rotate'] });
  });

  it('drops the search line with --dns-search .', () => {
    assert.deepEqual(parseResolvConf(containerResolvConf(host, { dnsSearch: ['.'] })).search, []);
  });
});
