/**
 * Tar headers as Go's archive/tar writes them (what Docker's layers are made of): USTAR
 * headers with "ustar\0" "00" magic, zero-padded NUL-terminated octal numbers, empty
 * uname/gname, and a PAX 'x' record before the header when a value does not fit (long or
 * non-ASCII names and link targets, big ids or sizes) or xattrs must be carried
 * (`SCHILY.xattr.<name>`). PAX keys are sorted, as Go writes them.
 */
export const BLOCK = 512;

export interface HeaderInput {
  /** Entry name as bytes (directories end in '/'). */
  name: Buffer;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Whole seconds. */
  mtime: number;
  typeflag: '0' | '1' | '2' | '3' | '4' | '5' | '6';
  linkname?: Buffer;
  devmajor?: number;
  devminor?: number;
  xattrs?: Map<string, Buffer>;
}

const OCTAL_LIMIT = { 8: 0o7777777, 12: 0o77777777777 } as const;

function putOctal(block: Buffer, offset: number, width: 8 | 12, value: number): void {
  block.write(value.toString(8).padStart(width - 1, '0') + '\0', offset, width, 'ascii');
}

function isAscii(bytes: Buffer): boolean {
  for (const b of bytes) if (b === 0 || b > 0x7f) return false;
  return true;
}

/**
 * USTAR's prefix/name split at the last '/' within the first 156 bytes (a directory's own
 * trailing '/' does not count), as Go tries before falling back to PAX.
 */
function ustarSplit(name: Buffer): { prefix: Buffer; name: Buffer } | undefined {
  const trailing = name[name.length - 1] === 0x2f ? 1 : 0;
  const limit = Math.min(name.length - 1 - trailing, 155);
  const i = name.subarray(0, limit + 1).lastIndexOf(0x2f);
  if (i <= 0) return undefined;
  const rest = name.subarray(i + 1);
  if (rest.length === 0 || rest.length > 100) return undefined;
  return { prefix: name.subarray(0, i), name: rest };
}

function paxRecords(records: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of records.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
    let length = body.length + 1;
    while (String(length).length + body.length !== length) length = String(length).length + body.length;
    parts.push(Buffer.from(String(length)), body);
  }
  return Buffer.concat(parts);
}

function encodeBlock(f: {
  name: Buffer;
  prefix?: Buffer;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname?: Buffer;
  devmajor: number;
  devminor: number;
}): Buffer {
  const block = Buffer.alloc(BLOCK);
  f.name.copy(block, 0, 0, 100);
  putOctal(block, 100, 8, f.mode);
  putOctal(block, 108, 8, f.uid);
  putOctal(block, 116, 8, f.gid);
  putOctal(block, 124, 12, f.size);
  putOctal(block, 136, 12, f.mtime);
  block.write(f.typeflag, 156, 1, 'latin1');
  f.linkname?.copy(block, 157, 0, 100);
  block.write('ustar\x0000', 257, 8, 'latin1');
  putOctal(block, 329, 8, f.devmajor);
  putOctal(block, 337, 8, f.devminor);
  f.prefix?.copy(block, 345, 0, 155);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return block;
}

export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** The header blocks (a PAX record first when needed) for one entry. */
export function encodeHeader(h: HeaderInput): Buffer {
  const pax: [string, Buffer][] = [];
  let name = h.name;
  let prefix: Buffer | undefined;
  if (!isAscii(h.name) || h.name.length > 100) {
    const split = isAscii(h.name) ? ustarSplit(h.name) : undefined;
    if (split !== undefined) ({ name, prefix } = split);
    else {
      pax.push(['path', h.name]);
      name = h.name.subarray(0, 100);
    }
  }
  let linkname = h.linkname;
  if (linkname !== undefined && (!isAscii(linkname) || linkname.length > 100)) {
    pax.push(['linkpath', linkname]);
    linkname = linkname.subarray(0, 100);
  }
  const numbers = { uid: h.uid, gid: h.gid, size: h.size, mtime: h.mtime };
  for (const [key, width] of [
    ['uid', 8],
    ['gid', 8],
    ['size', 12],
    ['mtime', 12],
  ] as const) {
    if (numbers[key] > OCTAL_LIMIT[width] || numbers[key] < 0) {
      pax.push([key, Buffer.from(String(numbers[key]))]);
      numbers[key] = 0;
    }
  }
  for (const [key, value] of h.xattrs ?? []) pax.push([`SCHILY.xattr.${key}`, value]);

  const main = encodeBlock({
    name,
    prefix,
    mode: h.mode & 0o7777,
    ...numbers,
    typeflag: h.typeflag,
    linkname,
    devmajor: h.devmajor ?? 0,
    devminor: h.devminor ?? 0,
  });
  if (pax.length === 0) return main;
  const body = paxRecords(pax);
  const trimmed = h.name[h.name.length - 1] === 0x2f ? h.name.subarray(0, -1) : h.name;
  const slash = trimmed.lastIndexOf(0x2f);
  const paxName = Buffer.concat([
    trimmed.subarray(0, slash + 1),
    Buffer.from('PaxHeaders.0/'),
    trimmed.subarray(slash + 1),
  ]);
  const paxHeader = encodeBlock({
    name: paxName.subarray(0, 100),
    mode: 0,
    uid: 0,
    gid: 0,
    size: body.length,
    mtime: 0,
    typeflag: 'x',
    devmajor: 0,
    devminor: 0,
  });
  return Buffer.concat([paxHeader, body, padding(body.length), main]);
}

/** Two zero blocks end an archive (Go writes no further record padding). */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);
