import { topK } from './attentionMath';
import type { EncodingPayload } from './encoding';

/** How many opacity steps the head view's lines take (one canvas path per head and step). */
export const LINE_LEVELS = 12;

/** One line of the head view: query → key in a head, weighted by attention. */
export interface HeadLine {
  q: number;
  k: number;
  w: number;
  h: number;
}

/** What the head view centres on: a query's row, a key's column, or nothing (every query). */
export type LineFocus = { side: 'q' | 'k'; index: number } | null;

/**
 * The lines the head view draws, on screen and in an export alike: the focused token's row or column
 * in every chosen head; with no focus, each query's strongest keys (all of them up to 48 tokens, so
 * long inputs stay readable and fast).
 */
export function headLines(
  p: Pick<EncodingPayload, 'attention' | 'numHeads' | 'tokens'>,
  layer: number,
  heads: readonly number[],
  focus: LineFocus,
): HeadLine[] {
  const t = p.tokens.length;
  const row = (h: number, q: number) =>
    p.attention.subarray(((layer * p.numHeads + h) * t + q) * t, ((layer * p.numHeads + h) * t + q + 1) * t);
  const lines: HeadLine[] = [];
  for (const h of heads) {
    if (focus?.side === 'q') {
      const r = row(h, focus.index);
      for (let k = 0; k < t; k++) lines.push({ q: focus.index, k, w: r[k], h });
    } else if (focus?.side === 'k') {
      for (let q = 0; q < t; q++) lines.push({ q, k: focus.index, w: row(h, q)[focus.index], h });
    } else {
      for (let q = 0; q < t; q++) {
        const r = row(h, q);
        for (const k of topK(r, t <= 48 ? t : 6)) lines.push({ q, k, w: r[k], h });
      }
    }
  }
  return lines;
}

/** The strongest weight among the lines (the opacities are relative to it, so diffuse heads still show their shape). */
export function strongest(lines: readonly HeadLine[]): number {
  let top = 1e-9;
  for (const l of lines) top = Math.max(top, l.w);
  return top;
}

/** A line's opacity step (0: not drawn) relative to the strongest line. */
export function lineLevel(w: number, top: number): number {
  return Math.round((w / top) * LINE_LEVELS);
}

/** The opacity of a line at a step: the same on screen and in an export. */
export function levelAlpha(level: number): number {
  return (0.9 * level) / LINE_LEVELS;
}
