/**
 * What to encode when the selection is empty: the paragraph around the cursor (lines up to the
 * nearest blank lines), or only the cursor's line when that paragraph is long.
 */
export interface LineRange {
  startLine: number;
  endLine: number; // inclusive
  source: 'line' | 'paragraph';
}

export function scopeForCursor(lines: readonly string[], cursorLine: number, maxParagraphLines = 30): LineRange | null {
  if (cursorLine < 0 || cursorLine >= lines.length) return null;
  const blank = (i: number) => lines[i].trim() === '';
  if (blank(cursorLine)) return null;
  let start = cursorLine;
  let end = cursorLine;
  while (start > 0 && !blank(start - 1)) start--;
  while (end < lines.length - 1 && !blank(end + 1)) end++;
  if (end - start + 1 > maxParagraphLines) return { startLine: cursorLine, endLine: cursorLine, source: 'line' };
  return { startLine: start, endLine: end, source: start === end ? 'line' : 'paragraph' };
}
