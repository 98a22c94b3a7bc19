import * as assert from 'node:assert';
import {
  asymmetry,
  attentionFromScores,
  bpeSteps,
  corrupt,
  dotVariance,
  gram,
  meanEntropy,
  meanJsDistance,
  meanSelf,
  meanSoftmaxGradNorm,
  permutationError,
  scoreMatrix,
  sinusoidTable,
  toeplitzDeviation,
} from '../../src/shared/labs/labMath';
import { seededRandom } from '../../src/shared/quiz/rng';

const rng = seededRandom(42);
const randn = (n: number) => Float64Array.from({ length: n }, () => rng() * 2 - 1);

suite('lab math', () => {
  const T = 7,
    dk = 16;
  const q = randn(T * dk),
    k = randn(T * dk);

  test('Q = K gives a symmetric score matrix (and real Q, K need not)', () => {
    assert.ok(asymmetry(scoreMatrix(k, 0, k, 0, T, dk, 4), T) < 1e-12);
    assert.ok(asymmetry(scoreMatrix(q, 0, k, 0, T, dk, 4), T) > 1e-3);
  });

  test('with Q = K each token is drawn to itself more than with random keys', () => {
    const self = meanSelf(attentionFromScores(scoreMatrix(k, 0, k, 0, T, dk, 1), T), T);
    const other = meanSelf(attentionFromScores(scoreMatrix(q, 0, k, 0, T, dk, 1), T), T);
    assert.ok(self > other, `${self} > ${other}`);
  });

  test('−∞ masking gives exactly zero weight; 0 is no mask at all', () => {
    const s = scoreMatrix(q, 0, k, 0, T, dk, 4);
    const mask = [0, 0, 0, 0, 0, -Infinity, -Infinity];
    const a = attentionFromScores(s, T, mask);
    for (let i = 0; i < T; i++) {
      assert.strictEqual(a[i * T + 5], 0);
      assert.strictEqual(a[i * T + 6], 0);
      assert.ok(Math.abs(a.subarray(i * T, (i + 1) * T).reduce((x, y) => x + y, 0) - 1) < 1e-12);
    }
    assert.deepStrictEqual(attentionFromScores(s, T, new Array(T).fill(0)), attentionFromScores(s, T));
  });

  test('entropy falls, and the softmax gradient shrinks, as the scale on the scores grows', () => {
    const raw = scoreMatrix(q, 0, k, 0, T, dk, 1);
    const at = (scale: number) =>
      attentionFromScores(
        raw.map((v) => v * scale),
        T,
      );
    const scales = [0.1, 0.5, 1, 4, 16];
    const h = scales.map((s) => meanEntropy(at(s), T));
    const g = scales.map((s) => meanSoftmaxGradNorm(at(s), T));
    for (let i = 1; i < scales.length; i++) assert.ok(h[i] < h[i - 1], `entropy ${h}`);
    assert.ok(g[g.length - 1] < g[1], `gradient ${g}`);
  });

  test('var(q·k) of unit-variance components grows like d_k', () => {
    for (const d of [4, 64]) {
      const v = dotVariance(d, 4000, seededRandom(d));
      assert.ok(Math.abs(v / d - 1) < 0.15, `d=${d}: ${v}`);
    }
  });

  test('a causal mask leaves nothing above the diagonal', () => {
    const a = attentionFromScores(scoreMatrix(q, 0, k, 0, T, dk, 4), T, undefined, true);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) assert.strictEqual(a[i * T + j], 0);
    assert.strictEqual(a[0], 1);
  });

  test('sinusoid dot products depend only on the offset', () => {
    const n = 40,
      d = 32;
    assert.ok(toeplitzDeviation(gram(sinusoidTable(n, d), n, d), n) < 1e-9);
    assert.ok(toeplitzDeviation(gram(randn(n * d), n, d), n) > 0.1);
  });

  test('permutation error is zero for an exactly permuted matrix', () => {
    const a = attentionFromScores(scoreMatrix(q, 0, k, 0, T, dk, 4), T);
    const perm = [0, 3, 1, 2, 5, 4, 6];
    const b = new Float64Array(T * T);
    for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) b[i * T + j] = a[perm[i] * T + perm[j]];
    assert.ok(permutationError(a, b, perm) < 1e-15);
    assert.ok(permutationError(a, a, perm) > 1e-3);
  });

  test('Jensen–Shannon distance: 0 for identical heads, 1 for disjoint ones', () => {
    const one = Float64Array.from([1, 0, 0, 1]),
      other = Float64Array.from([0, 1, 1, 0]);
    assert.strictEqual(meanJsDistance(one, 0, one, 0, 2), 0);
    assert.ok(Math.abs(meanJsDistance(one, 0, other, 0, 2) - 1) < 1e-12);
  });

  test('BERT corruption: about 15% chosen, of which about 80/10/10', () => {
    const n = 20000;
    const ids = Array.from({ length: n }, (_, i) => 10 + (i % 50));
    const out = corrupt(
      ids,
      ids.map(() => false),
      8192,
      5,
      4,
      seededRandom(1),
    );
    const chosen = out.filter((o) => o.chosen);
    const frac = (how: string) => chosen.filter((o) => o.chosen && o.how === how).length / chosen.length;
    assert.ok(Math.abs(chosen.length / n - 0.15) < 0.01);
    assert.ok(Math.abs(frac('mask') - 0.8) < 0.03 && Math.abs(frac('random') - 0.1) < 0.03 && Math.abs(frac('same') - 0.1) < 0.03);
    assert.ok(
      out.every((o, i) => (o.chosen && o.how === 'mask' ? o.id === 4 : o.chosen && o.how === 'random' ? o.id >= 5 : o.id === ids[i])),
    );
  });

  test('special tokens are never corrupted', () => {
    const out = corrupt([2, 10, 3], [true, false, true], 100, 5, 4, () => 0);
    assert.strictEqual(out[0].id, 2);
    assert.strictEqual(out[2].id, 3);
    assert.strictEqual(out[1].chosen, true);
  });

  test('BPE applies merges in rank order', () => {
    const rank = new Map([
      ['ab', 0],
      ['abc', 1],
      ['bc', 2],
    ]);
    assert.deepStrictEqual(bpeSteps('abc', rank), [['a', 'b', 'c'], ['ab', 'c'], ['abc']]);
    assert.deepStrictEqual(bpeSteps('xy', rank), [['x', 'y']]);
  });
});
