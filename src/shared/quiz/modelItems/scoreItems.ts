/** Model items recomputed from the model's own queries and keys: symmetry and the √d_k scale. */
import type { EncodingPayload } from '../../encoding';
import { dot, softmax } from '../../stepMath';
import type { Random } from '../rng';
import { type ModelFacts, NotApplicable, type ScaleChange } from './facts';

type QK = Pick<EncodingPayload, 'q' | 'k' | 'numLayers' | 'numHeads' | 'headDim' | 'tokens'>;

/** Relative asymmetry below this counts as symmetric (float noise on a symmetric product is ~1e-7). */
export const SYMMETRY_TOLERANCE = 1e-5;

function scoreMatrix(p: QK, layer: number, head: number, tied: boolean): Float64Array {
  if (!p.q || !p.k) throw new NotApplicable('the model exposes no queries and keys');
  const T = p.tokens.length;
  const d = p.headDim;
  const base = ((layer * p.numHeads + head) * T) * d;
  const keys = tied ? p.q : p.k;
  const s = new Float64Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) s[i * T + j] = dot(p.q, base + i * d, keys, base + j * d, d);
  return s;
}

function pickHead(p: QK, rng: Random): { layer: number; head: number } {
  return { layer: Math.floor(rng() * p.numLayers), head: Math.floor(rng() * p.numHeads) };
}

export function qkSymmetry(p: QK, rng: Random): Extract<ModelFacts, { template: 'qk-symmetry' }> {
  const { layer, head } = pickHead(p, rng);
  const variant = rng() < 0.5 ? 'actual' : 'tied';
  const s = scoreMatrix(p, layer, head, variant === 'tied');
  const T = p.tokens.length;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      worst = Math.max(worst, Math.abs(s[i * T + j] - s[j * T + i]));
      scale = Math.max(scale, Math.abs(s[i * T + j]));
    }
  }
  const asymmetry = scale > 0 ? worst / scale : 0;
  return { template: 'qk-symmetry', variant, layer, head, asymmetry, answer: asymmetry < SYMMETRY_TOLERANCE };
}

/** Mean Shannon entropy (bits) of the softmax of each row of `s / divisor`. */
export function meanRowEntropy(s: Float64Array, T: number, divisor: number): number {
  let total = 0;
  for (let i = 0; i < T; i++) {
    const w = softmax(Array.from(s.subarray(i * T, (i + 1) * T), (x) => x / divisor));
    for (const x of w) if (x > 0) total -= x * Math.log2(x);
  }
  return total / T;
}

/** Entropy differences below this (bits) count as "the same". */
export const ENTROPY_TOLERANCE = 1e-6;

export function scaleEntropy(p: QK, rng: Random): Extract<ModelFacts, { template: 'scale-entropy' }> {
  const { layer, head } = pickHead(p, rng);
  const s = scoreMatrix(p, layer, head, false);
  const T = p.tokens.length;
  const entropyScaled = meanRowEntropy(s, T, Math.sqrt(p.headDim));
  const entropyUnscaled = meanRowEntropy(s, T, 1);
  const options: ScaleChange[] = ['up', 'down', 'same'];
  const diff = entropyUnscaled - entropyScaled;
  const change: ScaleChange = Math.abs(diff) < ENTROPY_TOLERANCE ? 'same' : diff > 0 ? 'up' : 'down';
  return { template: 'scale-entropy', layer, head, entropyScaled, entropyUnscaled, options, answer: options.indexOf(change) };
}
