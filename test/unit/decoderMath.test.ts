import * as assert from 'node:assert';
import { inductionScore, inductionTargets, previousTokenScore } from '../../src/shared/decoder/induction';
import { cacheCosts, cacheTotals } from '../../src/shared/decoder/kvCache';
import { decodingDistribution, entropy, keptTokens, sampleToken, temperatureSoftmax } from '../../src/shared/decoder/sampling';
import { seededRandom } from '../../src/shared/quiz/rng';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

suite('decoding strategies', () => {
  const logits = [2, 1, 0, -1];

  test('temperature 1 is the softmax; lower sharpens, higher flattens', () => {
    const p = temperatureSoftmax(logits, 1);
    const z = logits.reduce((s, x) => s + Math.exp(x), 0);
    p.forEach((x, i) => close(x, Math.exp(logits[i]) / z));
    assert.ok(entropy(temperatureSoftmax(logits, 0.5)) < entropy(p));
    assert.ok(entropy(temperatureSoftmax(logits, 2)) > entropy(p));
    // near 0 every weight goes to the most likely token: greedy
    close(temperatureSoftmax(logits, 0)[0], 1, 1e-6);
  });

  test('top-k keeps k tokens; top-p keeps the smallest set that reaches p, the crossing token included', () => {
    const p = temperatureSoftmax(logits, 1); // ≈ 0.644, 0.237, 0.087, 0.032
    assert.deepStrictEqual(keptTokens(p, { topK: 2 }), [0, 1]);
    assert.deepStrictEqual(keptTokens(p, { topP: 0.5 }), [0]);
    assert.deepStrictEqual(keptTokens(p, { topP: 0.85 }), [0, 1]);
    assert.deepStrictEqual(keptTokens(p, { topP: 0.9 }), [0, 1, 2]);
    assert.deepStrictEqual(keptTokens(p, { topK: 2, topP: 0.99 }), [0, 1]);
    assert.deepStrictEqual(keptTokens(p, {}), [0, 1, 2, 3]);
  });

  test('what is kept is renormalised, the rest is zero', () => {
    const d = decodingDistribution(logits, { temperature: 1, topK: 2 });
    close(d[0] + d[1], 1);
    close(d[0] / d[1], Math.E);
    assert.strictEqual(d[2], 0);
    assert.strictEqual(d[3], 0);
  });

  test('sampling follows the distribution and repeats with its seed', () => {
    const d = decodingDistribution(logits, { temperature: 1 });
    const rng = seededRandom(11);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[sampleToken(d, rng)]++;
    counts.forEach((c, i) => close(c / 20000, d[i], 0.015));
    const draw = (seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 20 }, () => sampleToken(d, r));
    };
    assert.deepStrictEqual(draw(5), draw(5));
    // a token with probability 0 is never drawn
    const k1 = decodingDistribution(logits, { temperature: 1, topK: 1 });
    assert.ok(Array.from({ length: 200 }, () => sampleToken(k1, rng)).every((t) => t === 0));
  });
});

suite('the KV cache, counted', () => {
  test('step 1 computes the prompt either way; later steps compute one key with the cache, all without', () => {
    const c = cacheCosts(5, 4);
    assert.deepStrictEqual(
      c.map((s) => [s.length, s.computedWithCache, s.computedWithoutCache, s.fromCache]),
      [
        [5, 5, 5, 0],
        [6, 1, 6, 5],
        [7, 1, 7, 6],
        [8, 1, 8, 7],
      ],
    );
    // dot products: the whole causal triangle without the cache, only the new row with it
    assert.deepStrictEqual(
      c.map((s) => [s.dotsWithCache, s.dotsWithoutCache]),
      [
        [15, 15],
        [6, 21],
        [7, 28],
        [8, 36],
      ],
    );
    assert.deepStrictEqual(cacheTotals(c), { keysWith: 8, keysWithout: 26, dotsWith: 36, dotsWithout: 100 });
  });
});

suite('induction heads, measured', () => {
  test('the target of a repeated token is the token after its earlier occurrence', () => {
    // A B C A B C: the second A looks at the first B (1), the second B at the first C (2), the second C at the second A (3)
    assert.deepStrictEqual(inductionTargets([7, 8, 9, 7, 8, 9]), [-1, -1, -1, 1, 2, 3]);
    // a token right after itself has no earlier successor to look at yet
    assert.deepStrictEqual(inductionTargets([5, 5]), [-1, -1]);
    assert.deepStrictEqual(inductionTargets([2, 7, 2, 7], new Set([2])), [-1, -1, -1, 2]);
  });

  test('a head that attends exactly to the targets scores 1; a previous-token head scores 0 there and 1 on its own measure', () => {
    const ids = [7, 8, 9, 7, 8, 9];
    const targets = inductionTargets(ids);
    const T = ids.length;
    const induction = new Array(T * T).fill(0);
    const prev = new Array(T * T).fill(0);
    for (let q = 0; q < T; q++) {
      induction[q * T + (targets[q] >= 0 ? targets[q] : q)] = 1;
      prev[q * T + Math.max(0, q - 1)] = 1;
    }
    close(inductionScore(induction, T, targets), 1);
    close(inductionScore(prev, T, targets), 0);
    close(previousTokenScore(prev, T), 1);
    assert.ok(Number.isNaN(inductionScore(prev, T, [-1, -1])));
  });
});
