/**
 * The overlay2 driver's on-disk layout, Docker's, so an operator who knows one knows both:
 *
 *   <home>/                       home = <data root>/overlay2
 *     l/<SHORT>  → ../<id>/diff   short, fixed-length names for every layer's diff dir
 *     <id>/diff/                  the layer's own files (overlay form: whiteouts are char 0/0,
 *                                 opaque dirs carry trusted.overlay.opaque=y)
 *     <id>/link                   <SHORT>, the name of this layer's l/ entry
 *     <id>/lower                  l/<SHORT>:l/<SHORT>:… of every layer below, nearest first
 *                                 (absent for a bottom layer)
 *     <id>/work/, <id>/merged/    overlayfs's workdir and the mount point: only for layers
 *                                 that get mounted (a container's rw layer)
 *     <id>/stack/0/               mount point of the bottom layers of a chain too deep for one
 *                                 mount (see mount-plan.ts); only while mounted
 *     .tmp-*                      a create or remove in progress (never a finished layer)
 *
 * Why short links: mount(2) takes its option string in one page (4096 bytes including the
 * final NUL). With absolute paths (`/var/lib/lading/overlay2/<64 hex>/diff`, ~90 bytes) an
 * image of ~40 layers would not fit. Mounting from inside <home> with relative `l/<SHORT>`
 * names costs 2 + 26 + 1 bytes per layer, so about 130 layers fit in one page. Docker sets
 * the same 26-character length (idLength) so that `(26 + len("l/") + 1) * 128 <= 4096 - 512`
 * and limits chains to 128 (maxDepth), keeping 512 bytes for SELinux labels and the like;
 * lading has no labels, so it computes the real limit from the actual option string instead
 * (mount-data.ts); deeper chains, up to about 270 layers, mount with their bottom layers
 * stacked into one read-only overlay (mount-plan.ts), and deeper ones fail saying exactly
 * why and how deep.
 */
export const LINK_DIR = 'l';
export const DIFF_DIR = 'diff';
export const WORK_DIR = 'work';
export const MERGED_DIR = 'merged';
export const LINK_FILE = 'link';
export const LOWER_FILE = 'lower';
export const TEMP_PREFIX = '.tmp-';

/** Random characters in a short link name (Docker's idLength). */
export const SHORT_ID_LENGTH = 26;
/** Base32 (RFC 4648) alphabet, as Docker's link names use: upper case letters and 2-7. */
const SHORT_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const SHORT_ID_PATTERN = /^[A-Z2-7]{26}$/;

export function newShortId(random: (n: number) => Buffer): string {
  const bytes = random(SHORT_ID_LENGTH);
  let out = '';
  for (const b of bytes) out += SHORT_ID_ALPHABET[b & 31];
  return out;
}
