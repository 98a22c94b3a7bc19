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

/** Indices of the k largest values, largest first. */
export function topK(values: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => values[b] - values[a])
    .slice(0, k);
}

/** Bucket a weight in [0, 1] into one of `levels` strengths (0 = not drawn). */
export function strengthLevel(weight: number, max: number, levels: number): number {
  if (!(max > 0) || weight <= 0) return 0;
  const rel = weight / max;
  if (rel < 0.05) return 0;
  return Math.min(levels, Math.max(1, Math.ceil(rel * levels)));
}
