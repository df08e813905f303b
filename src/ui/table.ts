/**
 * A plain text table: a header row and left-aligned columns padded with spaces, two spaces apart,
 * no trailing whitespace. No colour and no box drawing, so it reads the same in a terminal, a pipe
 * and a log file. Cells lose control characters (a value from a config file must not repaint the
 * terminal); line breaks become spaces. Pure.
 */
export interface TableOptions {
  /** Spaces between columns (default 2). */
  gap?: number;
}

export function formatTable(headers: string[], rows: string[][], options: TableOptions = {}): string {
  const gap = ' '.repeat(options.gap ?? 2);
  const all = [headers, ...rows].map((row) => headers.map((_, i) => clean(row[i] ?? '')));
  const widths = headers.map((_, i) => Math.max(...all.map((row) => width(row[i] ?? ''))));
  return all
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell)))).join(gap).trimEnd())
    .join('\n');
}

function clean(cell: string): string {
  // Line breaks and tabs (a multi-line error message) read as a space; other control characters as `?`.
  // eslint-disable-next-line no-control-regex
  return cell.replace(/[ \t]*[\r\n\t]+[ \t]*/g, ' ').replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
}

/** Code points, not UTF-16 units, so an accented display name does not shift its column. */
function width(text: string): number {
  return [...text].length;
}
