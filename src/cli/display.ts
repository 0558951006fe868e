/**
 * Shortening for display, as docker's formatter does it: 12-character ids without the
 * `sha256:` prefix, and `…` when a text exceeds a column's width (counted in terminal columns,
 * so wide characters count twice).
 */

import { displayWidth } from './format/index.js';

const SHORT_ID_LENGTH = 12;

/** docker's TruncateID: drops an `algo:` prefix, keeps 12 characters. */
export function truncateId(id: string): string {
  const colon = id.indexOf(':');
  const bare = colon === -1 ? id : id.slice(colon + 1);
  return bare.length > SHORT_ID_LENGTH ? bare.slice(0, SHORT_ID_LENGTH) : bare;
}

/** docker's Ellipsis: fits `s` in `maxWidth` columns, ending with `…` when cut. */
export function ellipsis(s: string, maxWidth: number): string {
  if (maxWidth <= 0) return '';
  const chars = Array.from(s);
  if (maxWidth === 1) return chars[0] ?? '';
  if (displayWidth(s) <= maxWidth) return s;
  let out = '';
  let width = 0;
  for (const ch of chars) {
    const w = displayWidth(ch);
    if (width + w > maxWidth - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}
