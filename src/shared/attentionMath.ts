import type { EncodingPayload } from './encoding';

type AttnSource = Pick<EncodingPayload, 'attention' | 'numHeads' | 'tokens'>;

/** The attention row of one query token, averaged over the chosen heads of one layer. */
export function attentionRow(p: AttnSource, layer: number, heads: readonly number[], query: number): Float32Array {
  const t = p.tokens.length;
  const row = new Float32Array(t);
  const hs = heads.length ? heads : Array.from({ length: p.numHeads }, (_, h) => h);
  for (const h of hs) {
    const off = ((layer * p.numHeads + h) * t + query) * t;
    for (let k = 0; k < t; k++) row[k] += p.attention[off + k] / hs.length;
  }
  return row;
}

/**
 * Indices of the k largest values, largest first; of equal values the earlier index first. One pass that
 * keeps the best k in order (n·k steps): the head view asks for each query's 6 strongest keys, 2,048 times at
 * 512 tokens, where sorting every row took most of the view's drawing time.
 */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const n = Math.min(k, values.length);
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (best.length === n && !(v > values[best[n - 1]])) continue;
    // after every kept value at least as large: ties keep their first-come order
    let at = best.length === n ? n - 1 : best.length;
    while (at > 0 && v > values[best[at - 1]]) at--;
    if (best.length === n) best.pop();
    best.splice(at, 0, i);
  }
  return best;
}

/** Bucket a weight in [0, 1] into one of `levels` strengths (0 = not drawn). */
export function strengthLevel(weight: number, max: number, levels: number): number {
  if (!(max > 0) || weight <= 0) return 0;
  const rel = weight / max;
  if (rel < 0.05) return 0;
  return Math.min(levels, Math.max(1, Math.ceil(rel * levels)));
}
