/**
 * Scaled dot-product attention for one query, step by step, on real numbers:
 * scores = q·k_j, scaled = scores / scale, masked = scaled + mask_j, weights = softmax(masked),
 * output = Σ_j weights_j v_j. `mask` holds 0 for visible keys and a large negative value or
 * -Infinity for hidden ones.
 */
export interface AttentionSteps {
  scores: Float64Array;
  scaled: Float64Array;
  masked: Float64Array;
  weights: Float64Array;
  output: Float64Array;
}

export function dot(a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
  return s;
}

/** Softmax that gives exactly 0 to -Infinity entries (and stays finite when every entry is finite). */
export function softmax(x: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) max = Math.max(max, x[i]);
  const out = new Float64Array(x.length);
  if (max === -Infinity) return out.fill(NaN); // every key hidden: softmax is undefined (0/0)
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    out[i] = x[i] === -Infinity ? 0 : Math.exp(x[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < x.length; i++) out[i] /= sum;
  return out;
}

/**
 * The additive mask over one query's keys: 0 where the key is visible, −∞ where it is hidden. One unpadded
 * sequence hides nothing from an encoder; a decoder's causal mask hides every key after the query.
 */
export function stepMask(t: number, query: number, causal: boolean): Float64Array {
  const mask = new Float64Array(t);
  if (causal) for (let j = query + 1; j < t; j++) mask[j] = -Infinity;
  return mask;
}

/**
 * @param q the query vector (length dk), read at qOff
 * @param keys T keys of length dk, flat, read from kOff
 * @param values T values of length dk, flat, read from vOff
 */
export function attentionSteps(
  q: ArrayLike<number>,
  qOff: number,
  keys: ArrayLike<number>,
  kOff: number,
  values: ArrayLike<number>,
  vOff: number,
  t: number,
  dk: number,
  scale: number,
  mask?: ArrayLike<number>,
): AttentionSteps {
  const scores = new Float64Array(t);
  for (let j = 0; j < t; j++) scores[j] = dot(q, qOff, keys, kOff + j * dk, dk);
  const scaled = scores.map((s) => s / scale);
  const masked = scaled.map((s, j) => s + (mask ? mask[j] : 0));
  const weights = softmax(masked);
  const output = new Float64Array(dk);
  for (let j = 0; j < t; j++) for (let i = 0; i < dk; i++) output[i] += weights[j] * values[vOff + j * dk + i];
  return { scores, scaled, masked, weights, output };
}
