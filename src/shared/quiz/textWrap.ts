/**
 * Quick-pick rows never wrap, so long prompts, choices and explanations are cut into rows here.
 * Width is counted in columns: CJK characters take two.
 */
const wide = (ch: string) => /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch);

export function columns(text: string): number {
  let n = 0;
  for (const ch of text) n += wide(ch) ? 2 : 1;
  return n;
}

/** Splits text into rows of at most `width` columns, at spaces where there are any (CJK may break anywhere). */
export function wrapText(text: string, width: number): string[] {
  const rows: string[] = [];
  let row = '';
  let rowCols = 0;
  const flush = () => {
    if (row.trim()) rows.push(row.trim());
    row = '';
    rowCols = 0;
  };
  // words keep their trailing space; a CJK character is a word of its own
  const words =
    text
      .replace(/\s+/g, ' ')
      .trim()
      .match(
        /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]|[^\s\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]+ ?| /g,
      ) ?? [];
  for (const word of words) {
    const w = columns(word.trimEnd());
    if (rowCols + w > width && rowCols > 0) flush();
    if (w > width) {
      // a single word longer than a row: hard-break it
      for (const ch of word) {
        if (rowCols + columns(ch) > width) flush();
        row += ch;
        rowCols += columns(ch);
      }
      continue;
    }
    row += word;
    rowCols += columns(word);
  }
  flush();
  return rows;
}

/** The first `maxRows` rows, the last one ending in … when text was left out. */
export function wrapAtMost(text: string, width: number, maxRows: number): string[] {
  const rows = wrapText(text, width);
  if (rows.length <= maxRows) return rows;
  const kept = rows.slice(0, maxRows);
  kept[maxRows - 1] = `${kept[maxRows - 1].replace(/.{0,1}$/u, '')}…`;
  return kept;
}
