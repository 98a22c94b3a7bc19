/**
 * The arithmetic behind the concept labs, on plain arrays so it is unit-tested without a model:
 * every replay (Q = K, other scales, other mask values, a causal mask) recomputes attention from the
 * model's own queries and keys.
 */
import { dot, softmax } from '../stepMath';
import type { Random } from '../quiz/rng';

/** Scores q_i·k_j / divisor for one head: q and k are [T][dk] flat. */
export function scoreMatrix(
  q: ArrayLike<number>,
  qOff: number,
  k: ArrayLike<number>,
  kOff: number,
  t: number,
  dk: number,
  divisor: number,
): Float64Array {
  const s = new Float64Array(t * t);
  for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) s[i * t + j] = dot(q, qOff + i * dk, k, kOff + j * dk, dk) / divisor;
  return s;
}

/** Row-wise softmax of a T×T score matrix after adding a per-key mask and, optionally, a causal mask. */
export function attentionFromScores(scores: Float64Array, t: number, keyMask?: ArrayLike<number>, causal = false): Float64Array {
  const out = new Float64Array(t * t);
  const row = new Float64Array(t);
  for (let i = 0; i < t; i++) {
    for (let j = 0; j < t; j++) row[j] = scores[i * t + j] + (keyMask ? keyMask[j] : 0) + (causal && j > i ? -Infinity : 0);
    out.set(softmax(row), i * t);
  }
  return out;
}

/** Shannon entropy (nats) of each row, averaged. */
export function meanEntropy(a: ArrayLike<number>, t: number, rows?: readonly number[]): number {
  const rs = rows ?? Array.from({ length: t }, (_, i) => i);
  let total = 0;
  for (const i of rs) {
    let h = 0;
    for (let j = 0; j < t; j++) {
      const w = a[i * t + j];
      if (w > 0) h -= w * Math.log(w);
    }
    total += h;
  }
  return total / Math.max(1, rs.length);
}

/** The largest weight of each row, averaged. */
export function meanRowMax(a: ArrayLike<number>, t: number): number {
  let total = 0;
  for (let i = 0; i < t; i++) {
    let m = 0;
    for (let j = 0; j < t; j++) m = Math.max(m, a[i * t + j]);
    total += m;
  }
  return total / t;
}

/**
 * How much gradient a row's softmax passes back: the Frobenius norm of its Jacobian
 * diag(a) − a aᵀ, averaged over rows. It shrinks towards 0 as a row saturates to one-hot.
 */
export function meanSoftmaxGradNorm(a: ArrayLike<number>, t: number): number {
  let total = 0;
  for (let i = 0; i < t; i++) {
    let sq = 0;
    for (let j = 0; j < t; j++) {
      const aj = a[i * t + j];
      for (let l = 0; l < t; l++) {
        const al = a[i * t + l];
        const v = (j === l ? aj : 0) - aj * al;
        sq += v * v;
      }
    }
    total += Math.sqrt(sq);
  }
  return total / t;
}

/** max |M − Mᵀ|: zero for a symmetric matrix. */
export function asymmetry(m: ArrayLike<number>, t: number): number {
  let worst = 0;
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) worst = Math.max(worst, Math.abs(m[i * t + j] - m[j * t + i]));
  return worst;
}

/** Mean attention of a token to itself (the diagonal). */
export function meanSelf(a: ArrayLike<number>, t: number): number {
  let s = 0;
  for (let i = 0; i < t; i++) s += a[i * t + i];
  return s / t;
}

/** Mean Jensen–Shannon distance (sqrt of the divergence, base 2, in [0, 1]) between two heads' rows. */
export function meanJsDistance(a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, t: number): number {
  let total = 0;
  for (let i = 0; i < t; i++) {
    let js = 0;
    for (let j = 0; j < t; j++) {
      const p = a[aOff + i * t + j];
      const q = b[bOff + i * t + j];
      const m = (p + q) / 2;
      if (p > 0) js += 0.5 * p * Math.log2(p / m);
      if (q > 0) js += 0.5 * q * Math.log2(q / m);
    }
    total += Math.sqrt(Math.max(0, js));
  }
  return total / t;
}

/** The measured variance of q·k for random vectors with independent unit-variance components. */
export function dotVariance(dk: number, samples: number, rng: Random): number {
  const gauss = () => {
    // Box–Muller
    const u = Math.max(1e-12, rng());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
  let sum = 0,
    sumSq = 0;
  for (let s = 0; s < samples; s++) {
    let d = 0;
    for (let i = 0; i < dk; i++) d += gauss() * gauss();
    sum += d;
    sumSq += d * d;
  }
  const mean = sum / samples;
  return sumSq / samples - mean * mean;
}

/** PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(…): [n][d] flat. */
export function sinusoidTable(n: number, d: number): Float64Array {
  const pe = new Float64Array(n * d);
  for (let pos = 0; pos < n; pos++)
    for (let i = 0; i < d; i += 2) {
      const angle = pos / Math.pow(10000, i / d);
      pe[pos * d + i] = Math.sin(angle);
      if (i + 1 < d) pe[pos * d + i + 1] = Math.cos(angle);
    }
  return pe;
}

/** Gram matrix of rows: G[i][j] = x_i·x_j for [n][d] flat rows. */
export function gram(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = dot(x, i * d, x, j * d, d);
  return g;
}

/** How far a matrix is from depending on j − i only: the largest spread along any diagonal. */
export function toeplitzDeviation(m: ArrayLike<number>, n: number): number {
  let worst = 0;
  for (let k = -(n - 1); k < n; k++) {
    let lo = Infinity,
      hi = -Infinity;
    for (let i = Math.max(0, -k); i < n && i + k < n; i++) {
      const v = m[i * n + i + k];
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    worst = Math.max(worst, hi - lo);
  }
  return worst;
}

/** Euclidean norm of each row of [n][d]. */
export function rowNorms(x: ArrayLike<number>, n: number, d: number, scale = 1): number[] {
  return Array.from({ length: n }, (_, i) => Math.sqrt(dot(x, i * d, x, i * d, d)) * scale);
}

/** max |B − P A Pᵀ| where B came from the permuted input: B[i][j] should equal A[perm[i]][perm[j]]. */
export function permutationError(a: ArrayLike<number>, b: ArrayLike<number>, perm: readonly number[]): number {
  const t = perm.length;
  let worst = 0;
  for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) worst = Math.max(worst, Math.abs(b[i * t + j] - a[perm[i] * t + perm[j]]));
  return worst;
}

export type Corruption = 'mask' | 'random' | 'same';

/**
 * BERT's MLM corruption on one sequence: each non-special position is chosen with probability 0.15;
 * a chosen one becomes [MASK] (80%), a random token (10%) or stays (10%).
 */
export function corrupt(
  ids: readonly number[],
  special: readonly boolean[],
  vocabSize: number,
  firstNormalId: number,
  maskId: number,
  rng: Random,
) {
  return ids.map((id, i) => {
    if (special[i] || rng() >= 0.15) return { id, chosen: false as const };
    const r = rng();
    if (r < 0.8) return { id: maskId, chosen: true as const, how: 'mask' as Corruption };
    if (r < 0.9)
      return { id: firstNormalId + Math.floor(rng() * (vocabSize - firstNormalId)), chosen: true as const, how: 'random' as Corruption };
    return { id, chosen: true as const, how: 'same' as Corruption };
  });
}

/**
 * Byte-pair encoding of one word with ranked merges (sentencepiece's pieces in score order): start
 * from characters and repeatedly merge the adjacent pair whose merged piece ranks best.
 * Returns every intermediate split, so the lab can show the merge sequence.
 */
export function bpeSteps(word: string, rank: ReadonlyMap<string, number>): string[][] {
  let parts = [...word];
  const steps = [parts];
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < parts.length; i++) {
      const r = rank.get(parts[i] + parts[i + 1]);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) return steps;
    parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
    steps.push(parts);
  }
}
