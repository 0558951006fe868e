import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VERSION_FIXTURE as server } from '../testing/fixtures.js';
import { StatusError } from '../cli-error.js';
import {
  parseVersionFormat,
  reformatDate,
  renderVersion,
  serverVersionInfo,
  type ClientVersionInfo,
} from './version.js';

const client: ClientVersionInfo = {
  Version: '0.1.0',
  ApiVersion: '1.47',
  DefaultAPIVersion: '1.47',
  GitCommit: 'abc1234',
  NodeVersion: 'v20.11.0',
  Os: 'linux',
  Arch: 'amd64',
  BuildTime: 'Sun Nov 29 11:00:00 2026',
};

const CLIENT_BLOCK = `Client:
 Version:           0.1.0
 API version:       1.47
 Node.js version:   v20.11.0
 Git commit:        abc1234
 Built:             Sun Nov 29 11:00:00 2026
 OS/Arch:           linux/amd64
`;

describe('version rendering', () => {
  it("prints docker's layout with the server components", () => {
    const { out } = renderVersion({ Client: client, Server: serverVersionInfo(server) });
    assert.equal(
      out,
      `${CLIENT_BLOCK}
Server: lading Engine
 Engine:
  Version:          0.1.0
  API version:      1.47 (minimum version 1.24)
  Go version:       node v20.11.0
  Git commit:       abc1234
  Built:            Sun Nov 29 10:00:00 2026
  OS/Arch:          linux/amd64
  Experimental:     false
 containerd:
  Version:          1.6.20
  GitCommit:        deadbeef
 runc:
  Version:          1.1.5
  GitCommit:        v1.1.5-0-gf19387a
`,
    );
  });

  it('prints only the client when the server is unreachable', () => {
    assert.equal(renderVersion({ Client: client, Server: null }).out, CLIENT_BLOCK);
  });

  it('says when the API version was downgraded', () => {
    const { out } = renderVersion({ Client: { ...client, ApiVersion: '1.44' }, Server: null });
    assert.match(out, / API version: {7}1\.44 \(downgraded from 1\.47\)\n/);
  });

  it('synthesises an Engine component for servers without components', () => {
    const s = serverVersionInfo({ ...server, Components: [] });
    assert.deepEqual(
      s.Components.map((c) => c.Name),
      ['Engine'],
    );
    assert.equal(s.Components[0]?.Details?.['MinAPIVersion'], '1.24');
  });

  it('reformats RFC 3339 build times to ANSIC', () => {
    assert.equal(reformatDate('2026-11-02T03:04:05Z'), 'Mon Nov  2 03:04:05 2026');
    assert.equal(reformatDate('yesterday'), 'yesterday');
  });

  it('runs --format against the client and server', () => {
    const info = { Client: client, Server: serverVersionInfo(server) };
    assert.equal(renderVersion(info, parseVersionFormat('{{.Server.Version}}')).out, '0.1.0\n');
    assert.equal(renderVersion(info, parseVersionFormat('{{.Client.APIVersion}}')).out, '1.47\n');
    assert.match(renderVersion(info, parseVersionFormat('json')).out, /^\{"Client":\{"Version":"0\.1\.0",/);
    assert.equal(
      renderVersion({ Client: client, Server: null }, parseVersionFormat('{{json .Server}}')).out,
      'null\n',
    );
  });

  it('reports template errors as docker: parse → exit 64, execution → error with partial output', () => {
    assert.throws(
      () => parseVersionFormat('{{.Client.Version'),
      (err: unknown) => {
        assert.ok(err instanceof StatusError);
        assert.equal(err.exitCode, 64);
        assert.equal(err.message, 'template parsing error: template: version:1: unclosed action');
        return true;
      },
    );
    const r = renderVersion({ Client: client, Server: null }, parseVersionFormat('v{{.Nope}}'));
    assert.equal(r.out, 'v\n');
    assert.match(r.error?.message ?? '', /executing "version" at <\.Nope>: can't evaluate field Nope/);
  });
});
