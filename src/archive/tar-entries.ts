/**
 * Pull-style reading on top of the push-based TarReader (tar-reader.ts): an async iterator
 * of entries, each with its body as an async iterator of chunks, for readers that hand a
 * member on to something asynchronous (an image archive's layer blob to applyLayer).
 *
 *   for await (const entry of readTarEntries(stream)) {
 *     if (entry.type === 'file') for await (const chunk of entry.body) use(chunk);
 *   }
 *
 * A body not read, or read only in part (its iterator returned early), is skipped when the
 * next entry is asked for. Backpressure is the source's: one input chunk is fed at a time,
 * only once everything it produced has been taken. Same tar semantics as TarReader (Go's
 * archive/tar); names and link targets are UTF-8 decoded here (image archive members are
 * plain ASCII paths).
 */
import { InvalidArgumentError } from '../errors/index.js';
import { TarReader, type TarEntryType, type TarHeader } from './tar-reader.js';

export interface TarEntry {
  name: string;
  type: TarEntryType;
  /** '' when none. */
  linkname: string;
  /** Body bytes (0 for everything but regular files). */
  size: number;
  header: TarHeader;
  /** The body's bytes; must be taken before the next entry or they are skipped. */
  body: AsyncGenerator<Buffer>;
}

export interface ReadTarEntriesOptions {
  /** Largest PAX / GNU long-name record accepted (default 1 MiB). */
  maxHeaderBytes?: number;
}

/** Queue items: an entry's header, a body chunk, or null for the end of a body. */
type Event = TarHeader | Buffer | null;

function utf8(byteString: string): string {
  return Buffer.from(byteString, 'latin1').toString('utf8');
}

async function* empty(): AsyncGenerator<Buffer> {}

export async function* readTarEntries(
  source: AsyncIterable<Buffer | Uint8Array>,
  options: ReadTarEntriesOptions = {},
): AsyncGenerator<TarEntry> {
  let events: Event[] = [];
  let head = 0;
  const reader = new TarReader({
    maxHeaderBytes: options.maxHeaderBytes ?? 1024 * 1024,
    onEntry: (header) => {
      events.push(header);
      if (header.type !== 'file') return undefined;
      return {
        write: (chunk: Buffer) => {
          events.push(chunk);
        },
        end: () => {
          events.push(null);
        },
      };
    },
  });
  const iterator = source[Symbol.asyncIterator]();
  let sourceDone = false;

  /** The next event, feeding input as needed; undefined at the end of the input. */
  const next = async (): Promise<Event | undefined> => {
    while (head >= events.length) {
      if (sourceDone || reader.ended) return undefined;
      events = [];
      head = 0;
      const chunk = await iterator.next();
      if (chunk.done === true) {
        sourceDone = true;
        reader.finish(); // throws when the input ended inside an entry
        return undefined;
      }
      reader.feed(Buffer.isBuffer(chunk.value) ? chunk.value : Buffer.from(chunk.value));
    }
    return events[head++];
  };

  try {
    for (;;) {
      const event = await next();
      if (event === undefined) return;
      if (event === null || Buffer.isBuffer(event)) continue; // cannot happen: bodies are taken below
      const header = event;
      const entry = {
        name: utf8(header.name),
        type: header.type,
        linkname: utf8(header.linkname),
        size: header.type === 'file' ? header.size : 0,
        header,
      };
      if (header.type !== 'file') {
        yield { ...entry, body: empty() };
        continue;
      }
      let finished = false;
      const body = (async function* (): AsyncGenerator<Buffer> {
        for (;;) {
          const item = await next();
          if (item === null) {
            finished = true;
            return;
          }
          if (!Buffer.isBuffer(item)) throw new InvalidArgumentError('tar: entry body ended early');
          yield item;
        }
      })();
      yield { ...entry, body };
      // Whatever the consumer left of the body (all of it, or a part) is skipped.
      while (!finished) {
        const item = await next();
        if (item === undefined) throw new InvalidArgumentError('tar: entry body ended early');
        if (item === null) finished = true;
      }
    }
  } finally {
    if (!sourceDone) await iterator.return?.();
  }
}
