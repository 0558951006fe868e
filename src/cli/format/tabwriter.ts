/**
 * Elastic tabstops with Go's text/tabwriter semantics, which is how docker aligns every table
 * (`NewWriter(out, 10, 1, 3, ' ', 0)` for lists, `(out, 20, 1, 1, ' ', 0)` for `version`).
 *
 * Model: input is cut into cells at '\t' (a column cell) and '\n' (end of line; the text after
 * the last tab is a trailing cell that belongs to no column). Cells at the same index on
 * consecutive lines form a column block whose width is max(minwidth, widest cell + padding).
 * A line without any tab ends all blocks, so Go flushes there; we do the same.
 */

export const ALIGN_RIGHT = 1 << 2;
export const DISCARD_EMPTY_COLUMNS = 1 << 3;
export const DEBUG = 1 << 5;

export interface TabWriterOptions {
  minWidth: number;
  tabWidth: number;
  padding: number;
  padChar: string;
  flags: number;
}

interface Cell {
  text: string;
  width: number;
  /** True when the cell ended with '\t' (part of a column), false for a line's last cell. */
  htab: boolean;
}

/** Terminal columns a string occupies: wide East Asian characters count 2, combining marks 0. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (/\p{Mn}|\p{Me}|\p{Cf}/u.test(ch)) continue;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x1f300 && cp <= 0x1faff) ||
      (cp >= 0x20000 && cp <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

export class TabWriter {
  private lines: Cell[][] = [[]];
  private cell = '';
  private widths: number[] = [];
  private readonly opts: TabWriterOptions;

  constructor(
    private readonly output: (s: string) => void,
    opts: Partial<TabWriterOptions> = {},
  ) {
    this.opts = { minWidth: 0, tabWidth: 8, padding: 1, padChar: ' ', flags: 0, ...opts };
  }

  write(text: string): void {
    for (const ch of text) {
      if (ch === '\t') {
        this.terminateCell(true);
      } else if (ch === '\n') {
        const cells = this.terminateCell(false);
        this.lines.push([]);
        // A line with a single cell cannot continue any column block: flush what we have.
        if (cells === 1) this.flush();
      } else {
        this.cell += ch;
      }
    }
  }

  /** Formats and emits everything buffered, including an unterminated last line. */
  flush(): void {
    if (this.cell.length > 0) this.terminateCell(false);
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.cell = '';
    this.widths = [];
  }

  private terminateCell(htab: boolean): number {
    const line = this.lines[this.lines.length - 1] as Cell[];
    line.push({ text: this.cell, width: displayWidth(this.cell), htab });
    this.cell = '';
    return line.length;
  }

  /** Emits lines [line0, line1) using the column widths found so far. */
  private writeLines(line0: number, line1: number): void {
    const { flags, padChar } = this.opts;
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i] as Cell[];
      let out = '';
      line.forEach((c, j) => {
        if (j > 0 && flags & DEBUG) out += '|';
        const width = this.widths[j];
        const pad = width === undefined ? '' : padChar.repeat(Math.max(0, width - c.width));
        out += flags & ALIGN_RIGHT ? pad + c.text : c.text + pad;
      });
      // The final line holds text not yet ended by '\n' (only on flush).
      if (i + 1 < this.lines.length) out += '\n';
      this.output(out);
    }
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= (this.lines[current] as Cell[]).length - 1) continue;
      // A block of lines with a cell in this column starts here: emit what precedes it.
      this.writeLines(line0, current);
      line0 = current;
      let width = this.opts.minWidth;
      let discardable = true;
      for (; current < line1; current++) {
        const line = this.lines[current] as Cell[];
        if (column >= line.length - 1) break;
        const c = line[column] as Cell;
        width = Math.max(width, c.width + this.opts.padding);
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable && this.opts.flags & DISCARD_EMPTY_COLUMNS) width = 0;
      this.widths.push(width);
      this.format(line0, current);
      this.widths.pop();
      line0 = current;
    }
    this.writeLines(line0, line1);
  }
}

/** Convenience: align a whole string at once. */
export function tabulate(text: string, opts: Partial<TabWriterOptions> = {}): string {
  let out = '';
  const w = new TabWriter((s) => (out += s), opts);
  w.write(text);
  w.flush();
  return out;
}
