/**
 * Where sentence A ends and sentence B begins, for the segment and NSP views: the first blank line,
 * or an explicit `[SEP]` typed in the text. Offsets are into the text; null means a single segment.
 */
export function findSegmentBoundary(text: string): { endA: number; startB: number } | null {
  // the first separator with text on both sides: blank lines before the first words (or after the
  // last) frame the selection, they do not split it
  const separators = /\[SEP\]|\r?\n[ \t]*\r?\n/g;
  for (let m = separators.exec(text); m; m = separators.exec(text)) {
    const boundary = { endA: m.index, startB: m.index + m[0].length };
    if (text.slice(0, boundary.endA).trim() === '') continue;
    if (text.slice(boundary.startB).trim() === '') return null;
    return boundary;
  }
  return null;
}
