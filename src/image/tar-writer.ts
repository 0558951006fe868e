/**
 * The few tar entries `docker save` writes — directories and files with short names under
 * the archive root — as ustar headers, streamed without a tar library in between (large
 * layers go straight from their spool file to the response).
 */
const BLOCK = 512;
const OCTAL_12_MAX = 0o77777777777;

export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

function putString(block: Buffer, offset: number, length: number, value: string): void {
  block.write(value, offset, length, 'utf8');
}

function putOctal(block: Buffer, offset: number, length: number, value: number): void {
  putString(block, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

export interface TarHeaderInput {
  name: string;
  type: 'file' | 'directory';
  size?: number;
  mode?: number;
  /** Unix seconds. */
  mtime?: number;
}

export function tarHeader(input: TarHeaderInput): Buffer {
  const name = input.type === 'directory' && !input.name.endsWith('/') ? `${input.name}/` : input.name;
  if (Buffer.byteLength(name) > 100) throw new Error(`tar name too long for a ustar header: ${name}`);
  const size = input.type === 'file' ? (input.size ?? 0) : 0;
  const block = Buffer.alloc(BLOCK);
  putString(block, 0, 100, name);
  putOctal(block, 100, 8, input.mode ?? (input.type === 'directory' ? 0o755 : 0o644));
  putOctal(block, 108, 8, 0);
  putOctal(block, 116, 8, 0);
  if (size > OCTAL_12_MAX) {
    // GNU base-256 for layers of 8 GiB and more: high bit set, big-endian value.
    let value = size;
    for (let i = 135; i > 124; i--) {
      block[i] = value % 256;
      value = Math.floor(value / 256);
    }
    block[124] = 0x80;
  } else {
    putOctal(block, 124, 12, size);
  }
  putOctal(block, 136, 12, input.mtime ?? 0);
  block.fill(0x20, 148, 156);
  block[156] = (input.type === 'directory' ? '5' : '0').charCodeAt(0);
  putString(block, 257, 6, 'ustar\0');
  putString(block, 263, 2, '00');
  let sum = 0;
  for (const byte of block) sum += byte;
  putString(block, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return block;
}

/** Zero bytes that round an entry of `size` bytes up to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}
