/**
 * Server side of stdcopy framing: a Writable that frames everything written to it onto one
 * stream id, so a container's stdout and stderr can be piped into one hijacked connection.
 * The framing itself lives in api/types so the CLI shares it.
 */
import { Writable } from 'node:stream';
import { encodeFrameHeader, type StdStream } from '../../types/index.js';

export {
  encodeFrame,
  encodeFrameHeader,
  StdcopyDemuxer,
  StdStream,
  STDCOPY_HEADER_SIZE,
} from '../../types/index.js';
export type { StdFrame } from '../../types/index.js';

/**
 * Large writes are split into frames of at most 32 KiB (the size dockerd's copy loop produces)
 * so a reader never has to buffer a huge frame before it can show anything.
 */
export const MAX_FRAME_PAYLOAD = 32 * 1024;

/** Writes `payload` to `dest` as one or more frames on `stream`. Returns false on backpressure. */
export function writeFrames(
  dest: { write(chunk: Uint8Array): boolean },
  stream: StdStream,
  payload: Uint8Array,
): boolean {
  let ok = true;
  for (let offset = 0; offset < payload.length; offset += MAX_FRAME_PAYLOAD) {
    const part = payload.subarray(offset, offset + MAX_FRAME_PAYLOAD);
    ok = dest.write(encodeFrameHeader(stream, part.length)) && ok;
    ok = dest.write(part) && ok;
  }
  return ok;
}

/**
 * A Writable whose chunks arrive framed on `dest`. Ending it does not end `dest`: several
 * framed writers (stdout, stderr) share one connection, which the caller closes.
 */
export function createStdWriter(dest: Writable, stream: StdStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (dest.destroyed || dest.writableEnded) {
        callback();
        return;
      }
      if (writeFrames(dest, stream, chunk)) callback();
      else {
        // Continue on drain, or give up quietly if the connection closes first.
        const done = (): void => {
          dest.off('drain', done);
          dest.off('close', done);
          callback();
        };
        dest.once('drain', done);
        dest.once('close', done);
      }
    },
  });
}
