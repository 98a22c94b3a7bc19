/**
 * Decoding strategies on one next-token distribution, as the decoding lab draws them: temperature divides
 * the logits, top-k keeps the k most likely tokens, top-p (nucleus) keeps the smallest set of most likely
 * tokens whose probability reaches p; what is kept is renormalised and sampled. Pure and seeded, so a run
 * with the same seed picks the same tokens.
 */
import type { Random } from '../quiz/rng';

export interface DecodingOptions {
  /** > 0; 1 leaves the distribution as the model gives it, lower sharpens, higher flattens */
  temperature: number;
  /** keep the k most likely tokens; 0 or absent: no limit */
  topK?: number;
  /** keep the most likely tokens until their probability reaches p (0 < p ≤ 1); absent or 1: no limit */
  topP?: number;
}

/** The largest and smallest settings the panel offers (a temperature of 0 is greedy decoding, not a division by zero). */
export const TEMPERATURE_RANGE = { min: 0.05, max: 5 } as const;

/** softmax(logits / temperature), in float64. */
export function temperatureSoftmax(logits: ArrayLike<number>, temperature: number): Float64Array {
  const temp = Math.min(TEMPERATURE_RANGE.max, Math.max(TEMPERATURE_RANGE.min, temperature));
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp((logits[i] - max) / temp);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** Token indices by falling probability (ties by index, so the order is the same on every machine). */
export function rankByProbability(probs: ArrayLike<number>): number[] {
  return Array.from({ length: probs.length }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
}

/** The tokens a setting keeps, most likely first: top-k, then top-p on what is left (as Hugging Face applies them). */
export function keptTokens(probs: ArrayLike<number>, opts: Pick<DecodingOptions, 'topK' | 'topP'>): number[] {
  let ranked = rankByProbability(probs);
  if (opts.topK && opts.topK > 0) ranked = ranked.slice(0, Math.max(1, Math.floor(opts.topK)));
  const p = opts.topP ?? 1;
  if (p < 1) {
    let mass = 0;
    let n = 0;
    // the token that crosses p is kept: the nucleus is the smallest set that reaches p
    while (n < ranked.length && (n === 0 || mass < p)) mass += probs[ranked[n++]];
    ranked = ranked.slice(0, n);
  }
  return ranked;
}

/** The distribution a sampler draws from: temperature, then top-k and top-p, renormalised; zero elsewhere. */
export function decodingDistribution(logits: ArrayLike<number>, opts: DecodingOptions): Float64Array {
  const probs = temperatureSoftmax(logits, opts.temperature);
  const kept = keptTokens(probs, opts);
  let mass = 0;
  for (const i of kept) mass += probs[i];
  const out = new Float64Array(probs.length);
  for (const i of kept) out[i] = probs[i] / mass;
  return out;
}

/** One token drawn from a distribution with a seeded random source (inverse CDF over the tokens by rank). */
export function sampleToken(probs: ArrayLike<number>, rng: Random): number {
  const ranked = rankByProbability(probs);
  let u = rng();
  for (const i of ranked) {
    if (probs[i] <= 0) break;
    u -= probs[i];
    if (u < 0) return i;
  }
  return ranked[0]; // rounding left a sliver: the most likely token
}

/** The most likely token: greedy decoding. */
export function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

/** Entropy in nats, for "how spread out is this distribution". */
export function entropy(probs: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > 0) h -= probs[i] * Math.log(probs[i]);
  return h;
}
