/**
 * docker cp over a real directory standing in for a container's rootfs: stat semantics,
 * archive rebasing, extraction, and hostile-input.md row 26 (a destination swapped for a
 * symlink to a host directory mid-copy; a compressed archive with a trojan `xz` in the
 * container).
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { tar } from '../../../test/fixtures/tar-builder.js';
import { testBase } from '../../../test/support/test-base.js';
import { readTarEntries } from '../../archive/index.js';
import { InvalidArgumentError, NotFoundError } from '../../errors/index.js';
import { archiveFromRoot, extractIntoRoot, MODE_DIR, MODE_SYMLINK, statInRoot } from './index.js';

const BASE = mkdtempSync(join(testBase(), 'container-copy-'));
after(() => rmSync(BASE, { recursive: true, force: true }));

let counter = 0;
/** A fresh "rootfs" with /etc/passwd, /data/a.txt, /data/sub/b.txt and a few symlinks. */
function makeRoot(): string {
  const root = join(BASE, `root-${++counter}`);
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
  mkdirSync(join(root, 'data/sub'), { recursive: true });
  writeFileSync(join(root, 'data/a.txt'), 'hello');
  writeFileSync(join(root, 'data/sub/b.txt'), 'bee');
  symlinkSync('/etc', join(root, 'etc-link'));
  symlinkSync('../../../../../etc/passwd', join(root, 'data/escape'));
  return root;
}

/** A host directory that must stay exactly as it is. */
function makeHostDir(): string {
  const dir = join(BASE, `host-${++counter}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'keep'), 'host');
  return dir;
}

async function entriesOf(
  tarStream: Readable,
): Promise<{ name: string; type: string; body: string; linkname: string }[]> {
  const out = [];
  for await (const entry of readTarEntries(tarStream)) {
    let body = '';
    for await (const chunk of entry.body) body += chunk.toString();
    out.push({ name: entry.name, type: entry.type, body, linkname: entry.linkname });
  }
  return out;
}

describe('statInRoot', () => {
  it('stats a file with Go FileMode bits and its base name', () => {
    const root = makeRoot();
    chmodSync(join(root, 'data/a.txt'), 0o640);
    const stat = statInRoot(root, '/data/a.txt', 'web');
    assert.equal(stat.name, 'a.txt');
    assert.equal(stat.size, 5);
    assert.equal(stat.mode, 0o640);
    assert.equal(stat.linkTarget, '');
    assert.match(stat.mtime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('reports a directory with the dir bit and "/" as the root name', () => {
    const root = makeRoot();
    const stat = statInRoot(root, 'data', 'web');
    assert.equal(stat.mode, MODE_DIR + (statSync(join(root, 'data')).mode & 0o777));
    assert.equal(statInRoot(root, '/', 'web').name, '/');
    assert.equal(statInRoot(root, '/data/.', 'web').name, '.');
  });

  it('does not follow the last symlink, and resolves its target inside the rootfs', () => {
    const root = makeRoot();
    const stat = statInRoot(root, '/etc-link', 'web');
    assert.ok(stat.mode >= MODE_SYMLINK && stat.mode < MODE_DIR, 'symlink bit set, dir bit not');
    assert.equal(stat.linkTarget, '/etc');
    // ../../../../../etc/passwd stops at the rootfs: the container's /etc/passwd.
    assert.equal(statInRoot(root, '/data/escape', 'web').linkTarget, '/etc/passwd');
  });

  it('follows the last symlink when the path ends in "/"', () => {
    const root = makeRoot();
    const stat = statInRoot(root, '/etc-link/', 'web');
    assert.ok(stat.mode >= MODE_DIR);
    assert.equal(stat.name, 'etc-link');
  });

  it('is a 404 in Docker wording for a missing path', () => {
    const root = makeRoot();
    assert.throws(
      () => statInRoot(root, '/nope/x', 'web'),
      (err) =>
        err instanceof NotFoundError && err.message === 'Could not find the file /nope/x in container web',
    );
    assert.throws(() => statInRoot(root, '/data/a.txt/x', 'web'), NotFoundError);
  });
});

describe('archiveFromRoot', () => {
  it('rebases a directory on the base name as asked', async () => {
    const root = makeRoot();
    const { stat, tar: out } = archiveFromRoot(root, '/data', 'web');
    assert.equal(stat.name, 'data');
    const entries = await entriesOf(out);
    assert.deepEqual(
      entries.map((e) => `${e.type} ${e.name}`),
      ['dir data/', 'file data/a.txt', 'symlink data/escape', 'dir data/sub/', 'file data/sub/b.txt'],
    );
    assert.equal(entries.find((e) => e.name === 'data/a.txt')?.body, 'hello');
    assert.equal(entries.find((e) => e.name === 'data/escape')?.linkname, '../../../../../etc/passwd');
  });

  it('archives the contents under "." for a path ending in "/."', async () => {
    const root = makeRoot();
    const names = (await entriesOf(archiveFromRoot(root, '/data/sub/.', 'web').tar)).map((e) => e.name);
    assert.deepEqual(names, ['./', './b.txt']);
  });

  it('keeps a symlink as itself, and follows a symlinked directory in scope with "/"', async () => {
    const root = makeRoot();
    const link = await entriesOf(archiveFromRoot(root, '/etc-link', 'web').tar);
    assert.deepEqual(
      link.map((e) => [e.type, e.name, e.linkname]),
      [['symlink', 'etc-link', '/etc']],
    );
    // /etc-link -> /etc must be the container's /etc, never the host's.
    const followed = await entriesOf(archiveFromRoot(root, '/etc-link/', 'web').tar);
    assert.deepEqual(
      followed.map((e) => e.name),
      ['etc-link/', 'etc-link/passwd'],
    );
    assert.equal(followed[1]?.body, 'root:x:0:0::/root:/bin/sh\n');
  });

  it('row 26: a directory swapped for a symlink to the host mid-archive is sent as the symlink', async () => {
    const root = makeRoot();
    const host = makeHostDir();
    writeFileSync(join(host, 'secret'), 'host secret');
    writeFileSync(join(root, 'data/aaa-big'), Buffer.alloc(4 * 1024 * 1024, 1));
    mkdirSync(join(root, 'data/zz'));
    writeFileSync(join(root, 'data/zz/inner'), 'in');
    const { tar: out } = archiveFromRoot(root, '/data', 'web');
    let swapped = false;
    const seen: string[] = [];
    for await (const entry of readTarEntries(out)) {
      seen.push(entry.name);
      if (!swapped) {
        // The walk has started (it holds /data open); now the container swaps zz.
        renameSync(join(root, 'data/zz'), join(root, 'zz-old'));
        symlinkSync(host, join(root, 'data/zz'));
        swapped = true;
      }
      for await (const chunk of entry.body) assert.ok(!chunk.toString().includes('host secret'));
    }
    assert.ok(seen.includes('data/zz'), `zz archived as the symlink it now is: ${seen.join(' ')}`);
    assert.ok(!seen.some((n) => n.startsWith('data/zz/')), 'nothing below the swapped symlink');
  });

  it('archives one file under its own name', async () => {
    const root = makeRoot();
    const entries = await entriesOf(archiveFromRoot(root, '/data/sub/b.txt', 'web').tar);
    assert.deepEqual(
      entries.map((e) => [e.name, e.body]),
      [['b.txt', 'bee']],
    );
  });

  it('is a 404 before any byte for a missing path', () => {
    const root = makeRoot();
    assert.throws(() => archiveFromRoot(root, '/missing', 'web'), NotFoundError);
  });
});

describe('extractIntoRoot', () => {
  it('extracts files, directories and links into an existing directory', async () => {
    const root = makeRoot();
    const archive = tar([
      { type: 'dir', name: 'new/', mode: 0o750 },
      { type: 'file', name: 'new/f.txt', content: 'fresh', mode: 0o604, uid: 1234, gid: 55 },
      { type: 'symlink', name: 'new/l', target: '/etc/passwd' },
      { type: 'hardlink', name: 'new/h', target: 'new/f.txt' },
    ]);
    const result = await extractIntoRoot(root, '/data', Readable.from([archive]), { container: 'web' });
    assert.equal(result.entries, 4);
    assert.equal(readFileSync(join(root, 'data/new/f.txt'), 'utf8'), 'fresh');
    const st = lstatSync(join(root, 'data/new/f.txt'));
    assert.equal(st.mode & 0o7777, 0o604);
    assert.equal(st.uid, 1234);
    assert.equal(st.gid, 55);
    assert.equal(st.nlink, 2);
    assert.equal(lstatSync(join(root, 'data/new')).mode & 0o7777, 0o750);
    assert.equal(readlinkSync(join(root, 'data/new/l')), '/etc/passwd');
  });

  it('replaces an existing file and merges into an existing directory', async () => {
    const root = makeRoot();
    const archive = tar([
      { type: 'dir', name: 'sub/' },
      { type: 'file', name: 'sub/b.txt', content: 'new bee' },
      { type: 'file', name: 'a.txt', content: 'new a' },
    ]);
    await extractIntoRoot(root, '/data', Readable.from([archive]));
    assert.equal(readFileSync(join(root, 'data/a.txt'), 'utf8'), 'new a');
    assert.equal(readFileSync(join(root, 'data/sub/b.txt'), 'utf8'), 'new bee');
  });

  it('applies the chown option (copyUIDGID with the container user) to every entry', async () => {
    const root = makeRoot();
    const archive = tar([{ type: 'file', name: 'owned', content: 'x', uid: 7, gid: 7 }]);
    await extractIntoRoot(root, '/data', Readable.from([archive]), { chown: { uid: 1000, gid: 1001 } });
    const st = lstatSync(join(root, 'data/owned'));
    assert.deepEqual([st.uid, st.gid], [1000, 1001]);
  });

  it('honours noOverwriteDirNonDir with Docker wording', async () => {
    const root = makeRoot();
    const archive = tar([{ type: 'file', name: 'sub', content: 'not a dir' }]);
    await assert.rejects(
      extractIntoRoot(root, '/data', Readable.from([archive]), { noOverwriteDirNonDir: true }),
      (err) =>
        err instanceof InvalidArgumentError &&
        /^cannot overwrite directory "\/data\/sub" with non-directory/.test(err.message),
    );
    assert.ok(statSync(join(root, 'data/sub')).isDirectory());
    // Without the flag the directory is replaced, as dockerd does.
    await extractIntoRoot(root, '/data', Readable.from([archive]));
    assert.equal(readFileSync(join(root, 'data/sub'), 'utf8'), 'not a dir');
  });

  it('resolves a destination symlink to /etc inside the rootfs, never the host', async () => {
    const root = makeRoot();
    const archive = tar([{ type: 'file', name: 'injected', content: 'x' }]);
    await extractIntoRoot(root, '/etc-link', Readable.from([archive]));
    assert.equal(readFileSync(join(root, 'etc/injected'), 'utf8'), 'x');
    assert.equal(existsSync('/etc/injected'), false);
  });

  it('keeps entries and link targets inside the destination', async () => {
    const root = makeRoot();
    await assert.rejects(
      extractIntoRoot(
        root,
        '/data',
        Readable.from([tar([{ type: 'file', name: '../../evil', content: 'x' }])]),
      ),
      (err) => err instanceof InvalidArgumentError && /is outside of/.test(err.message),
    );
    await assert.rejects(
      extractIntoRoot(
        root,
        '/data',
        Readable.from([tar([{ type: 'hardlink', name: 'h', target: '../etc/passwd' }])]),
      ),
      InvalidArgumentError,
    );
    assert.equal(existsSync(join(root, 'evil')), false);
  });

  it('writes through an entry symlink only within the rootfs', async () => {
    const root = makeRoot();
    const host = makeHostDir();
    // The archive itself plants a symlink to the host directory, then writes through it.
    const archive = tar([
      { type: 'symlink', name: 'door', target: host },
      { type: 'file', name: 'door/pwned', content: 'x' },
    ]);
    await extractIntoRoot(root, '/data', Readable.from([archive]));
    assert.deepEqual(readdirSync(host), ['keep']);
    assert.equal(readFileSync(join(root, host, 'pwned'), 'utf8'), 'x');
  });

  it('row 26: a destination swapped for a symlink to a host dir mid-copy leaves the host untouched', async () => {
    const root = makeRoot();
    const host = makeHostDir();
    mkdirSync(join(root, 'target'));
    const first = tar([{ type: 'file', name: 'one', content: '1' }], { end: false });
    const rest = tar([
      { type: 'dir', name: 'deeper/' },
      { type: 'file', name: 'two', content: '2' },
      { type: 'file', name: 'deeper/three', content: '3' },
    ]);
    async function* slowArchive(): AsyncGenerator<Buffer> {
      yield first;
      // Give the extractor time to write "one", then swap, as a running container could.
      await new Promise((resolve) => setTimeout(resolve, 50));
      renameSync(join(root, 'target'), join(root, 'target.old'));
      symlinkSync(host, join(root, 'target'));
      yield rest;
    }
    await extractIntoRoot(root, '/target', Readable.from(slowArchive()));
    assert.deepEqual(readdirSync(host), ['keep'], 'nothing written to the host directory');
    // The swapped-in symlink was expanded in the rootfs's scope: the rest landed there.
    assert.equal(readFileSync(join(root, host, 'two'), 'utf8'), '2');
    assert.equal(readFileSync(join(root, host, 'deeper/three'), 'utf8'), '3');
    assert.equal(readFileSync(join(host, 'keep'), 'utf8'), 'host');
    assert.equal(readFileSync(join(root, 'target.old/one'), 'utf8'), '1');
  });

  it('row 26: gzip is unpacked in-process and a trojan xz in the container is never run', async () => {
    const root = makeRoot();
    const marker = join(BASE, `trojan-ran-${++counter}`);
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    for (const tool of ['xz', 'gzip', 'zstd', 'tar']) {
      writeFileSync(join(root, 'usr/bin', tool), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    }
    const archive = gzipSync(tar([{ type: 'file', name: 'zipped', content: 'z' }]));
    await extractIntoRoot(root, '/data', Readable.from([archive]));
    assert.equal(readFileSync(join(root, 'data/zipped'), 'utf8'), 'z');
    const xz = Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(64)]);
    await assert.rejects(
      extractIntoRoot(root, '/data', Readable.from([xz])),
      (err) =>
        err instanceof InvalidArgumentError && /xz-compressed archives are not supported/.test(err.message),
    );
    assert.equal(existsSync(marker), false);
  });

  it('is a 404 for a missing destination and a 400 for a file destination', async () => {
    const root = makeRoot();
    const archive = tar([{ type: 'file', name: 'x', content: 'x' }]);
    await assert.rejects(
      extractIntoRoot(root, '/nope', Readable.from([archive]), { container: 'web' }),
      (err) =>
        err instanceof NotFoundError && err.message === 'Could not find the file /nope in container web',
    );
    await assert.rejects(
      extractIntoRoot(root, '/data/a.txt', Readable.from([archive])),
      (err) => err instanceof InvalidArgumentError && err.message === 'extraction point is not a directory',
    );
  });

  it('round-trips what archiveFromRoot produced into another rootfs', async () => {
    const from = makeRoot();
    const to = makeRoot();
    await extractIntoRoot(to, '/etc', archiveFromRoot(from, '/data', 'a').tar);
    assert.equal(readFileSync(join(to, 'etc/data/sub/b.txt'), 'utf8'), 'bee');
    assert.equal(readlinkSync(join(to, 'etc/data/escape')), '../../../../../etc/passwd');
  });

  it('answers an HTTP PUT whose chunked body it read (no reset), also when it refuses early', async () => {
    const root = makeRoot();
    const socketPath = join(BASE, `put-${++counter}.sock`);
    const server = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').searchParams.get('path') ?? '';
      extractIntoRoot(root, path, req, { container: 'web' }).then(
        () => res.writeHead(200).end(),
        (err: Error) => res.writeHead(err instanceof NotFoundError ? 404 : 400).end(err.message),
      );
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const put = (path: string, body: Buffer): Promise<{ status: number; text: string }> =>
      new Promise((resolve, reject) => {
        const req = http.request(
          { socketPath, method: 'PUT', path: `/?path=${path}`, agent: false },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.write(body.subarray(0, 700));
        setTimeout(() => req.end(body.subarray(700)), 20);
      });
    try {
      const body = tar([{ type: 'file', name: 'via-http', content: 'h'.repeat(3000) }]);
      assert.deepEqual(await put('/data', body), { status: 200, text: '' });
      assert.equal(readFileSync(join(root, 'data/via-http'), 'utf8'), 'h'.repeat(3000));
      const missing = await put('/nope', body);
      assert.deepEqual(missing, { status: 404, text: 'Could not find the file /nope in container web' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
