/** Model items recomputed from the model's own queries and keys: symmetry and the √d_k scale. */
import type { EncodingPayload } from '../../encoding';
import { attentionFromScores, meanEntropy, scoreMatrix } from '../../labs/labMath';
import type { Random } from '../rng';
import { type ModelFacts, NotApplicable, type ScaleChange } from './facts';

type QK = Pick<EncodingPayload, 'q' | 'k' | 'numLayers' | 'numHeads' | 'headDim' | 'tokens'>;

/** Relative asymmetry below this counts as symmetric (float noise on a symmetric product is ~1e-7). */
export const SYMMETRY_TOLERANCE = 1e-5;

/** One head's unscaled scores q·k (or q·q when `tied`), from the payload's flat q and k. */
function headScores(p: QK, layer: number, head: number, tied: boolean): Float64Array {
  if (!p.q || !p.k) throw new NotApplicable('the model exposes no queries and keys');
  const T = p.tokens.length;
  const base = (layer * p.numHeads + head) * T * p.headDim;
  return scoreMatrix(p.q, base, tied ? p.q : p.k, base, T, p.headDim, 1);
}

function pickHead(p: QK, rng: Random): { layer: number; head: number } {
  return { layer: Math.floor(rng() * p.numLayers), head: Math.floor(rng() * p.numHeads) };
}

export function qkSymmetry(p: QK, rng: Random): Extract<ModelFacts, { template: 'qk-symmetry' }> {
  const { layer, head } = pickHead(p, rng);
  const variant = rng() < 0.5 ? 'actual' : 'tied';
  const s = headScores(p, layer, head, variant === 'tied');
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
  return (
    meanEntropy(
      attentionFromScores(
        s.map((x) => x / divisor),
        T,
      ),
      T,
    ) / Math.LN2
  );
}

/** Entropy differences below this (bits) count as "the same". */
export const ENTROPY_TOLERANCE = 1e-6;

export function scaleEntropy(p: QK, rng: Random): Extract<ModelFacts, { template: 'scale-entropy' }> {
  const { layer, head } = pickHead(p, rng);
  const s = headScores(p, layer, head, false);
  const T = p.tokens.length;
  const entropyScaled = meanRowEntropy(s, T, Math.sqrt(p.headDim));
  const entropyUnscaled = meanRowEntropy(s, T, 1);
  const options: ScaleChange[] = ['up', 'down', 'same'];
  const diff = entropyUnscaled - entropyScaled;
  const change: ScaleChange = Math.abs(diff) < ENTROPY_TOLERANCE ? 'same' : diff > 0 ? 'up' : 'down';
  return { template: 'scale-entropy', layer, head, entropyScaled, entropyUnscaled, options, answer: options.indexOf(change) };
}
