/**
 * A push-based tar reader: feed() it uncompressed bytes in any chunking and it calls back
 * synchronously for each entry, then streams the entry's body into the sink it was given.
 *
 * Written here rather than taken from tar-stream because extraction needs what that parser
 * drops: names and PAX values as exact bytes (security.capability is binary; names need not
 * be UTF-8), PAX uid/gid/mtime/atime, and a per-record size limit we choose. Being synchronous
 * also keeps the hot path free of per-entry promises.
 *
 * Names and link targets are "byte strings": latin1-decoded, so one char is one byte and
 * Buffer.from(name, 'latin1') gives back the exact bytes.
 *
 * Semantics follow Go's archive/tar (what Docker and containerd read layers with): PAX 'x'
 * records apply to the next entry; PAX 'g' global records are parsed for validity and
 * otherwise ignored; GNU 'L'/'K' records carry the next long name/link target; ustar
 * prefixes are joined; base-256 numbers are accepted; the archive ends at a zero block or at
 * a clean end of input. Anything else malformed is an InvalidArgumentError.
 *
 * With a `recorder` (tar-split.ts) every input byte is accounted for: bytes a sink stores
 * whole on disk (a regular file's body, see EntrySink.contentPath) are announced as one file
 * segment, everything else — headers, PAX and long-name records, bodies nobody stores,
 * padding, the end marker and whatever follows it — is passed on as raw bytes, in order.
 */
import { InvalidArgumentError, NotImplementedError } from '../errors/index.js';
import { ArchiveLimitError } from './limits.js';

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarHeader {
  /** Byte string (latin1); as written, not normalised. */
  name: string;
  /** Byte string (latin1); '' when none. */
  linkname: string;
  type: TarEntryType;
  /** Permission bits incl. setuid/setgid/sticky (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Body bytes that follow the header. */
  size: number;
  /** Seconds since the epoch; PAX gives sub-second precision. */
  mtime: number;
  atime: number | undefined;
  devmajor: number;
  devminor: number;
  /** From PAX SCHILY.xattr.* (and LIBARCHIVE.xattr.*), values as bytes. */
  xattrs: Map<string, Buffer>;
}

/** Receives one entry's body; write() calls add up to header.size bytes, then end(). */
export interface EntrySink {
  write(chunk: Buffer): void;
  end(): void;
  /**
   * Where the body lands, unchanged, as a path relative to the extraction root (byte
   * string): set by writers that store a regular file's body whole, so a recorder can point
   * at it instead of copying it.
   */
  readonly contentPath?: string;
}

/** Sees the input again, minus stored file bodies (see the top of this file). */
export interface TarRecorder {
  raw(bytes: Buffer): void;
  /** The next `size` input bytes are the content of `path` (relative, byte string). */
  file(path: string, size: number): void;
}

export interface TarReaderOptions {
  /** Called for each entry; return a sink for its body, or undefined to skip the body. */
  onEntry(header: TarHeader): EntrySink | undefined;
  /** Largest PAX / GNU long record accepted. */
  maxHeaderBytes: number;
  recorder?: TarRecorder;
}

const BLOCK = 512;

type State =
  | { kind: 'header' }
  | { kind: 'record'; type: 'x' | 'g' | 'L' | 'K'; size: number; parts: Buffer[]; have: number }
  | { kind: 'body'; left: number; size: number; sink: EntrySink | undefined; recorded: boolean }
  | { kind: 'padding'; left: number }
  | { kind: 'ended' };

/** What PAX / GNU records said about the next entry. */
interface Pending {
  pax: Map<string, Buffer> | undefined;
  longName: string | undefined;
  longLink: string | undefined;
}

export class TarReader {
  private state: State = { kind: 'header' };
  private readonly header = Buffer.alloc(BLOCK);
  private headerHave = 0;
  private pending: Pending = { pax: undefined, longName: undefined, longLink: undefined };
  private entryCount = 0;

  private readonly recorder: TarRecorder | undefined;

  constructor(private readonly options: TarReaderOptions) {
    this.recorder = options.recorder;
  }

  get ended(): boolean {
    return this.state.kind === 'ended';
  }

  get entries(): number {
    return this.entryCount;
  }

  feed(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      const state = this.state;
      switch (state.kind) {
        case 'ended':
          // Bytes after the end marker mean nothing, but they are part of the diffID.
          this.recorder?.raw(chunk.subarray(at));
          return;
        case 'header': {
          const take = Math.min(BLOCK - this.headerHave, chunk.length - at);
          chunk.copy(this.header, this.headerHave, at, at + take);
          this.recorder?.raw(chunk.subarray(at, at + take));
          this.headerHave += take;
          at += take;
          if (this.headerHave === BLOCK) {
            this.headerHave = 0;
            this.onHeaderBlock();
          }
          break;
        }
        case 'record': {
          const take = Math.min(state.size - state.have, chunk.length - at);
          state.parts.push(Buffer.from(chunk.subarray(at, at + take)));
          this.recorder?.raw(chunk.subarray(at, at + take));
          state.have += take;
          at += take;
          if (state.have === state.size) this.onRecord(state.type, Buffer.concat(state.parts), state.size);
          break;
        }
        case 'body': {
          const take = Math.min(state.left, chunk.length - at);
          state.sink?.write(chunk.subarray(at, at + take));
          if (!state.recorded) this.recorder?.raw(chunk.subarray(at, at + take));
          state.left -= take;
          at += take;
          if (state.left === 0) {
            state.sink?.end();
            this.afterData(state.size);
          }
          break;
        }
        case 'padding': {
          const take = Math.min(state.left, chunk.length - at);
          this.recorder?.raw(chunk.subarray(at, at + take));
          state.left -= take;
          at += take;
          if (state.left === 0) this.state = { kind: 'header' };
          break;
        }
      }
    }
  }

  /** The input ended: fine at an entry boundary, an error in the middle of one. */
  finish(): void {
    if (this.state.kind === 'ended') return;
    const p = this.pending;
    const atBoundary = this.state.kind === 'header' && this.headerHave === 0;
    if (atBoundary && p.pax === undefined && p.longName === undefined && p.longLink === undefined) return;
    throw new InvalidArgumentError('layer tar is truncated: the input ended inside an entry');
  }

  /** Moves past a body of `size` bytes already consumed, to the next 512-byte boundary. */
  private afterData(bodySize: number): void {
    const pad = (BLOCK - (bodySize % BLOCK)) % BLOCK;
    this.state = pad === 0 ? { kind: 'header' } : { kind: 'padding', left: pad };
  }

  private onHeaderBlock(): void {
    const h = this.header;
    if (isZero(h)) {
      // One zero block ends the archive (Go stops there too; the second is optional padding).
      this.state = { kind: 'ended' };
      return;
    }
    verifyChecksum(h);
    const typeflag = String.fromCharCode(h[156] ?? 0);
    const size = parseNumber(h, 124, 12, 'size');

    switch (typeflag) {
      case 'x':
      case 'g':
      case 'L':
      case 'K':
        if (size > this.options.maxHeaderBytes) {
          throw new ArchiveLimitError(
            'maxHeaderBytes',
            `a ${typeflag} record of ${size} bytes exceeds the ${this.options.maxHeaderBytes}-byte limit`,
          );
        }
        if (size === 0) this.onRecord(typeflag, Buffer.alloc(0), 0);
        else this.state = { kind: 'record', type: typeflag, size, parts: [], have: 0 };
        return;
      default:
        this.onEntryHeader(typeflag, size);
    }
  }

  private onRecord(type: 'x' | 'g' | 'L' | 'K', body: Buffer, size: number): void {
    switch (type) {
      case 'x':
        this.pending.pax = parsePax(body);
        break;
      case 'g':
        parsePax(body); // validated, then ignored: Go (and so Docker) does not apply them
        break;
      case 'L':
        this.pending.longName = cString(body);
        break;
      case 'K':
        this.pending.longLink = cString(body);
        break;
    }
    this.afterData(size);
  }

  private onEntryHeader(typeflag: string, headerSize: number): void {
    const h = this.header;
    const pending = this.pending;
    this.pending = { pax: undefined, longName: undefined, longLink: undefined };
    const pax = pending.pax;

    let name = pending.longName ?? cString(h.subarray(0, 100));
    const magic = h.subarray(257, 265).toString('latin1');
    if (pending.longName === undefined && magic === 'ustar\u000000' && h[345] !== 0) {
      name = `${cString(h.subarray(345, 500))}/${name}`;
    }
    let linkname = pending.longLink ?? cString(h.subarray(157, 257));
    if (pax?.has('path')) name = paxString(pax, 'path');
    if (pax?.has('linkpath')) linkname = paxString(pax, 'linkpath');

    let type: TarEntryType;
    switch (typeflag) {
      case '\0':
      case '0':
      case '7':
        type = name.endsWith('/') ? 'dir' : 'file';
        break;
      case '1':
        type = 'hardlink';
        break;
      case '2':
        type = 'symlink';
        break;
      case '3':
        type = 'char';
        break;
      case '4':
        type = 'block';
        break;
      case '5':
        type = 'dir';
        break;
      case '6':
        type = 'fifo';
        break;
      case 'S':
        throw new NotImplementedError(`GNU sparse entry ${printable(name)} is not supported`);
      default:
        throw new InvalidArgumentError(
          `unsupported tar entry type ${JSON.stringify(typeflag)} for ${printable(name)}`,
        );
    }
    if (pax !== undefined) {
      for (const key of pax.keys()) {
        if (key.startsWith('GNU.sparse.')) {
          throw new NotImplementedError(`PAX sparse entry ${printable(name)} is not supported`);
        }
      }
    }

    const size = pax?.has('size') ? paxInteger(pax, 'size') : headerSize;
    const header: TarHeader = {
      name,
      linkname,
      type,
      mode: parseNumber(h, 100, 8, 'mode') & 0o7777,
      uid: pax?.has('uid') ? paxInteger(pax, 'uid') : parseNumber(h, 108, 8, 'uid'),
      gid: pax?.has('gid') ? paxInteger(pax, 'gid') : parseNumber(h, 116, 8, 'gid'),
      size,
      mtime: pax?.has('mtime') ? paxTime(pax, 'mtime') : parseNumber(h, 136, 12, 'mtime'),
      atime: pax?.has('atime') ? paxTime(pax, 'atime') : undefined,
      devmajor: type === 'char' || type === 'block' ? parseNumber(h, 329, 8, 'devmajor') : 0,
      devminor: type === 'char' || type === 'block' ? parseNumber(h, 337, 8, 'devminor') : 0,
      xattrs: paxXattrs(pax),
    };
    this.entryCount++;
    // Bodies of links, directories and devices carry nothing we use; they are skipped.
    const sink = this.options.onEntry(header);
    const bodySink = type === 'file' ? sink : undefined;
    if (type !== 'file') sink?.end();
    if (size === 0) {
      bodySink?.end();
      this.state = { kind: 'header' };
    } else {
      const path = bodySink?.contentPath;
      if (path !== undefined) this.recorder?.file(path, size);
      const recorded = path !== undefined && this.recorder !== undefined;
      this.state = { kind: 'body', left: size, size, sink: bodySink, recorded };
    }
  }
}

function isZero(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i += 8) if (block.readBigUInt64LE(i) !== 0n) return false;
  return true;
}

function verifyChecksum(h: Buffer): void {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  const stored = parseNumber(h, 148, 8, 'checksum');
  if (stored !== unsigned && stored !== signed) {
    throw new InvalidArgumentError('layer tar has a header with a bad checksum (corrupt, or not a tar)');
  }
}

/** An octal field (NUL/space padded) or a base-256 one (high bit set), as Go reads them. */
function parseNumber(h: Buffer, offset: number, length: number, field: string): number {
  const first = h[offset] ?? 0;
  if (first & 0x80) {
    if (first === 0xff) throw new InvalidArgumentError(`negative ${field} in a tar header`);
    let value = first & 0x7f;
    for (let i = 1; i < length; i++) {
      value = value * 256 + (h[offset + i] ?? 0);
      if (value > Number.MAX_SAFE_INTEGER)
        throw new InvalidArgumentError(`${field} too large in a tar header`);
    }
    return value;
  }
  let value = 0;
  let i = offset;
  const end = offset + length;
  while (i < end && (h[i] === 0x20 || h[i] === 0)) i++;
  if (i === end) return 0;
  for (; i < end; i++) {
    const c = h[i] ?? 0;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) throw new InvalidArgumentError(`invalid ${field} field in a tar header`);
    value = value * 8 + (c - 0x30);
  }
  return value;
}

/** Bytes up to the first NUL, as a byte string. */
function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return (nul < 0 ? bytes : bytes.subarray(0, nul)).toString('latin1');
}

/** PAX records "<len> <key>=<value>\n"; values stay bytes. */
function parsePax(body: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let at = 0;
  while (at < body.length) {
    if (body[at] === 0) break; // some writers pad the record block with NULs
    const space = body.indexOf(0x20, at);
    if (space < 0 || space - at > 20) throw new InvalidArgumentError('malformed PAX record length');
    const length = Number(body.subarray(at, space).toString('latin1'));
    if (!Number.isSafeInteger(length) || length <= space - at + 1 || at + length > body.length) {
      throw new InvalidArgumentError('malformed PAX record length');
    }
    const record = body.subarray(space + 1, at + length);
    if (record[record.length - 1] !== 0x0a) throw new InvalidArgumentError('PAX record lacks its newline');
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw new InvalidArgumentError('PAX record lacks "key="');
    const key = record.subarray(0, eq).toString('utf8');
    records.set(key, Buffer.from(record.subarray(eq + 1, record.length - 1)));
    at += length;
  }
  return records;
}

function paxString(pax: Map<string, Buffer>, key: string): string {
  return (pax.get(key) ?? Buffer.alloc(0)).toString('latin1');
}

function paxInteger(pax: Map<string, Buffer>, key: string): number {
  const text = paxString(pax, key);
  if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new InvalidArgumentError(`invalid PAX ${key} ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Number(text);
}

function paxTime(pax: Map<string, Buffer>, key: string): number {
  const text = paxString(pax, key);
  if (!/^-?\d{1,16}(\.\d{1,18})?$/.test(text)) {
    throw new InvalidArgumentError(`invalid PAX ${key} ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Number(text);
}

const SCHILY_XATTR = 'SCHILY.xattr.';
const LIBARCHIVE_XATTR = 'LIBARCHIVE.xattr.';

function paxXattrs(pax: Map<string, Buffer> | undefined): Map<string, Buffer> {
  const xattrs = new Map<string, Buffer>();
  if (pax === undefined) return xattrs;
  for (const [key, value] of pax) {
    if (key.startsWith(SCHILY_XATTR)) {
      xattrs.set(key.slice(SCHILY_XATTR.length), value);
    } else if (key.startsWith(LIBARCHIVE_XATTR)) {
      // libarchive writes the name URL-encoded and the value base64-encoded.
      const name = decodeURIComponent(key.slice(LIBARCHIVE_XATTR.length));
      if (!xattrs.has(name)) xattrs.set(name, Buffer.from(value.toString('latin1'), 'base64'));
    }
  }
  return xattrs;
}

/** A byte-string name made safe to print in an error message. */
export function printable(name: string): string {
  return JSON.stringify(
    Buffer.from(name.length > 200 ? name.slice(0, 200) : name, 'latin1').toString('utf8'),
  );
}
