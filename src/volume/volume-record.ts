/**
 * The one file lading keeps per volume, `volumes/<name>/volume.json` (dockerd keeps the same
 * facts in a bolt database plus the local driver's `opts.json`). It is written once, inside
 * the directory that is renamed into place at create, so a volume directory either has a
 * complete record or is not a lading volume.
 */
import { readFile } from 'node:fs/promises';
import { SystemError } from '../errors/index.js';

export const RECORD_FILE = 'volume.json';
export const DATA_DIR = '_data';

export interface VolumeRecord {
  Name: string;
  Driver: 'local';
  /** ISO 8601 (UTC, milliseconds); shown as RFC 3339 in the daemon's zone. */
  CreatedAt: string;
  /** null when created without labels (dockerd then shows `"Labels": null`). */
  Labels: Record<string, string> | null;
  /** The local driver's options as given; null when none. */
  Options: Record<string, string> | null;
}

function stringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

/** Parses a record, refusing anything that is not one (so a foreign file is never trusted). */
export function parseVolumeRecord(text: string, where: string): VolumeRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SystemError(`${where}: not JSON: ${(err as Error).message}`, { cause: err });
  }
  const r = value as Partial<Record<keyof VolumeRecord, unknown>> | null;
  if (
    r === null ||
    typeof r !== 'object' ||
    typeof r.Name !== 'string' ||
    r.Driver !== 'local' ||
    typeof r.CreatedAt !== 'string' ||
    Number.isNaN(Date.parse(r.CreatedAt)) ||
    !(r.Labels === null || stringMap(r.Labels)) ||
    !(r.Options === null || stringMap(r.Options))
  ) {
    throw new SystemError(`${where}: not a volume record`);
  }
  return {
    Name: r.Name,
    Driver: 'local',
    CreatedAt: r.CreatedAt,
    Labels: r.Labels as Record<string, string> | null,
    Options: r.Options as Record<string, string> | null,
  };
}

export async function readVolumeRecord(path: string): Promise<VolumeRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseVolumeRecord(text, path);
}

export function serializeVolumeRecord(record: VolumeRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
