/**
 * Where sentence A ends and sentence B begins, for the segment and NSP views: the first blank line,
 * or an explicit `[SEP]` typed in the text. Offsets are into the text; null means a single segment.
 */
export function findSegmentBoundary(text: string): { endA: number; startB: number } | null {
  const sep = text.indexOf('[SEP]');
  const blank = /\r?\n[ \t]*\r?\n/.exec(text);
  const candidates: { endA: number; startB: number }[] = [];
  if (sep > 0) candidates.push({ endA: sep, startB: sep + '[SEP]'.length });
  if (blank && blank.index > 0) candidates.push({ endA: blank.index, startB: blank.index + blank[0].length });
  const first = candidates.sort((a, b) => a.endA - b.endA)[0];
  if (!first || text.slice(first.startB).trim() === '' || text.slice(0, first.endA).trim() === '') return null;
  return first;
}
