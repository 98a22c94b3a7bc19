/**
 * The logit lens and head ablation as numbers: what the MLM head reads off the residual stream after
 * each layer, and how much switching one head off costs the right word. Pure, so the labs' claims are
 * unit-tested on hand-made logits.
 */
import { softmax } from '../stepMath';

export interface Guess {
  id: number;
  p: number;
}

/** Per row of `logits` (rows × vocab), the k most likely ids with their probabilities, and the probability and rank of `truth`. */
export function lensRows(
  logits: Float32Array,
  rows: number,
  vocab: number,
  truth: number,
  k = 5,
): { top: Guess[]; truthP: number; truthRank: number }[] {
  const out = [];
  for (let r = 0; r < rows; r++) {
    const p = softmax(logits.subarray(r * vocab, (r + 1) * vocab));
    const top = topK(p, k);
    let rank = 1;
    for (let v = 0; v < vocab; v++) if (p[v] > p[truth]) rank++;
    out.push({ top, truthP: p[truth], truthRank: rank });
  }
  return out;
}

export function topK(p: ArrayLike<number>, k: number): Guess[] {
  const best: Guess[] = [];
  for (let id = 0; id < p.length; id++) {
    if (best.length < k || p[id] > best[best.length - 1].p) {
      best.push({ id, p: p[id] });
      best.sort((a, b) => b.p - a.p);
      if (best.length > k) best.pop();
    }
  }
  return best;
}

/**
 * The first row from which the top guess no longer changes (the layer where the model "settled"), or
 * undefined when even the last row's guess is new.
 */
export function settledAt(rows: readonly { top: Guess[] }[]): number | undefined {
  const last = rows.length - 1;
  if (last < 0) return undefined;
  const final = rows[last].top[0]?.id;
  let at = last;
  while (at > 0 && rows[at - 1].top[0]?.id === final) at--;
  return at;
}

/** Heads ranked by the drop in the right word's probability when each alone is switched off (largest first). */
export function rankHeads(base: number, without: readonly number[], heads: number): { layer: number; head: number; drop: number }[] {
  return without
    .map((p, i) => ({ layer: Math.floor(i / heads), head: i % heads, drop: base - p }))
    .sort((a, b) => b.drop - a.drop || a.layer - b.layer || a.head - b.head);
}

/** A head_mask keeping every head but those in `off` (flat layer × heads indices). */
export function headMaskWithout(layers: number, heads: number, off: readonly number[]): number[] {
  const mask = Array<number>(layers * heads).fill(1);
  for (const i of off) if (i >= 0 && i < mask.length) mask[i] = 0;
  return mask;
}
