/**
 * A real `docker-credential-<name>` program for tests: a small shell script speaking the
 * helper protocol (get/store/erase/list), keeping each server's JSON in a file of its own
 * directory and logging every call, so tests see exactly what the CLI asked of it.
 */

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeHelper {
  /** Put this first on the PATH the CLI runs with. */
  binDir: string;
  /** `action server` per call, in order. */
  calls(): string[];
  /** What the helper holds per server URL. */
  stored(): Record<string, { ServerURL: string; Username: string; Secret: string }>;
}

// Server URLs are stored under their hex, so any URL makes a valid file name.
const SCRIPT = `#!/bin/sh
dir="$(dirname "$0")/store-$NAME"
mkdir -p "$dir"
input=$(cat)
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \\n'; }
case "$1" in
  store)
    url=$(printf '%s' "$input" | sed -n 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/p')
    echo "store $url" >> "$dir/../calls-$NAME"
    if [ "$url" = "fail.example" ]; then echo "keychain locked"; echo "helper says no" >&2; exit 3; fi
    printf '%s' "$input" > "$dir/$(hex "$url")" ;;
  get)
    echo "get $input" >> "$dir/../calls-$NAME"
    f="$dir/$(hex "$input")"
    if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
  erase)
    echo "erase $input" >> "$dir/../calls-$NAME"
    rm -f "$dir/$(hex "$input")" ;;
  *) echo "unknown action"; exit 1 ;;
esac
`;

/** Writes `docker-credential-<name>` into `dir` (created if needed). */
export function writeFakeHelper(dir: string, name: string): FakeHelper {
  mkdirSync(dir, { recursive: true });
  const script = SCRIPT.replace(/\$NAME/g, name);
  writeFileSync(join(dir, `docker-credential-${name}`), script, { mode: 0o755 });
  return {
    binDir: dir,
    calls: () => {
      try {
        return readFileSync(join(dir, `calls-${name}`), 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean);
      } catch {
        return [];
      }
    },
    stored: () => {
      const out: Record<string, { ServerURL: string; Username: string; Secret: string }> = {};
      let files: string[] = [];
      try {
        files = readdirSync(join(dir, `store-${name}`));
      } catch {
        return out;
      }
      for (const f of files) {
        const v = JSON.parse(readFileSync(join(dir, `store-${name}`, f), 'utf8')) as {
          ServerURL: string;
          Username: string;
          Secret: string;
        };
        out[v.ServerURL] = v;
      }
      return out;
    },
  };
}

/** A PATH with the helper first and the system's tools after it (the script needs od, sed). */
export function helperPath(helper: FakeHelper): string {
  return `${helper.binDir}:/usr/bin:/bin`;
}
