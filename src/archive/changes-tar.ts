/**
 * A layer tar from a list of changes (what `docker diff` lists) read out of a container's
 * whole tree: the form dockerd's ExportChanges writes when the graph driver has no diff dir
 * of its own (vfs). Entries come sorted by path; a deletion becomes an empty `.wh.<name>`
 * file (mode 0600, mtime 0, as diffTarStream writes whiteouts); anything else is the entry
 * itself, a directory without its children (those are changes of their own when they
 * changed). Hard links between changed files stay links.
 */
import { lstat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { directoryHeader, entryHeader, fileBody } from './diff-tar.js';
import { encodeHeader, END_OF_ARCHIVE, padding } from './tar-writer-header.js';
import { whiteoutNameFor } from './whiteouts.js';

export interface TreeChange {
  /** Absolute inside the tree ("/etc/motd"). */
  path: string;
  deleted: boolean;
}

async function* changesTarChunks(root: string, changes: readonly TreeChange[]): AsyncGenerator<Buffer> {
  const links = new Map<string, Buffer>();
  const sorted = [...changes].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  for (const change of sorted) {
    const rel = change.path.replace(/^\/+/, '');
    if (change.deleted) {
      const slash = rel.lastIndexOf('/');
      const name =
        slash < 0 ? whiteoutNameFor(rel) : `${rel.slice(0, slash)}/${whiteoutNameFor(rel.slice(slash + 1))}`;
      yield encodeHeader({
        name: Buffer.from(name),
        mode: 0o600,
        uid: 0,
        gid: 0,
        mtime: 0,
        size: 0,
        typeflag: '0',
      });
      continue;
    }
    const path = Buffer.from(`${root}/${rel}`);
    const st = await lstat(path).catch(() => undefined); // gone since the list was made
    if (st === undefined) continue;
    const header = st.isDirectory()
      ? directoryHeader(path, Buffer.from(rel), st)
      : await entryHeader(path, Buffer.from(rel), st, links);
    if (header === undefined) continue;
    yield encodeHeader(header);
    if (header.size > 0) {
      yield* fileBody(path, header.size);
      yield padding(header.size);
    }
  }
  yield END_OF_ARCHIVE;
}

export function changesTarStream(root: string, changes: readonly TreeChange[]): Readable {
  return Readable.from(changesTarChunks(root, changes), { objectMode: false });
}
