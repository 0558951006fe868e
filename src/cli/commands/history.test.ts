import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sendJson, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { historyList } from '../testing/image-fixtures.js';
import { runLading } from '../testing/run-cli.js';

describe('lading history', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({
      'GET /images/app:1.0/history': (_req, res) => sendJson(res, 200, historyList()),
      'GET /images/nope/history': (_req, res) =>
        sendJson(res, 404, { message: 'No such image: nope:latest' }),
    });
    env = { DOCKER_HOST: engine.host };
  });
  after(() => engine.close());

  it("prints docker's columns, <missing> and a 45-column CREATED BY", async () => {
    const r = await runLading(['history', 'app:1.0'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'IMAGE          CREATED       CREATED BY                                      SIZE      COMMENT\n' +
        '0123456789ab   3 days ago    /bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "echo…   0B        \n' +
        '<missing>      3 days ago    /bin/sh -c #(nop) COPY file:c50ecf0f8081 in …   6B        \n' +
        '<missing>      2 weeks ago                                                   4.26MB    imported busybox\n' +
        '<missing>      N/A           ancient                                         1B        \n',
    );
  });

  it('-H=false shows CREATED AT and bytes; -q ids; --no-trunc everything', async () => {
    const raw = await runLading(['image', 'history', '-H=false', 'app:1.0'], { env });
    assert.match(raw.stdout, /^IMAGE {10}CREATED AT {13}CREATED BY {38}SIZE {6}COMMENT\n/);
    assert.match(
      raw.stdout,
      /\n<missing> {6}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d) +\/bin\/sh -c #\(nop\) COPY file:c50ecf0f8081 in … +6 {9}\n/,
    );
    const q = await runLading(['history', '-q', 'app:1.0'], { env });
    assert.equal(q.stdout, '0123456789ab\n<missing>\n<missing>\n<missing>\n');
    const full = await runLading(['history', '--no-trunc', '--format', '{{.ID}}|{{.CreatedBy}}', 'app:1.0'], {
      env,
    });
    assert.match(
      full.stdout,
      /^sha256:0123456789abcdef[0-9a-f]{48}\|\/bin\/sh -c #\(nop\) {2}CMD \["\/bin\/sh" "-c" "echo this is a rather long command line"\]\n/,
    );
  });

  it('--format json rows have sorted keys', async () => {
    const r = await runLading(['history', '--format', 'json', 'app:1.0'], { env });
    assert.match(
      r.stdout.split('\n')[1] ?? '',
      /^\{"Comment":"","CreatedAt":"[^"]+","CreatedBy":"\/bin\/sh -c #\(nop\) COPY file:c50ecf0f8081 in …","CreatedSince":"3 days ago","ID":"\\u003cmissing\\u003e","Size":"6B"\}$/,
    );
  });

  it("reports the daemon's error and argument errors as docker", async () => {
    const r = await runLading(['history', 'nope'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error response from daemon: No such image: nope:latest\n');
    const none = await runLading(['history'], { env });
    assert.equal(none.code, 1);
    assert.equal(
      none.stderr,
      "lading: 'lading history' requires 1 argument\n\nUsage:  lading history [OPTIONS] IMAGE\n\nRun 'lading history --help' for more information\n",
    );
    const bad = await runLading(['history', '-H=maybe', 'x'], { env });
    assert.equal(bad.code, 125);
    assert.match(
      bad.stderr,
      /^invalid argument "maybe" for "-H, --human" flag: strconv.ParseBool: parsing "maybe": invalid syntax\n/,
    );
  });
});
