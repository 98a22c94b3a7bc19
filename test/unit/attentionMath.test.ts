import * as assert from 'node:assert';
import { topK } from '../../src/shared/attentionMath';

/** What topK promises, the slow way: every index sorted by value, largest first, a stable sort keeping ties in order. */
const bySorting = (values: number[], k: number) =>
  Array.from(values.keys())
    .sort((a, b) => values[b] - values[a])
    .slice(0, k);

suite('attention math', () => {
  test('topK: the k largest, largest first, ties in index order, as a full sort gives them', () => {
    let seed = 11;
    // few distinct values, so ties are common
    const rand = () => ((seed = (seed * 48271) % 2147483647) % 7) / 7;
    for (const n of [0, 1, 2, 5, 48, 513]) {
      const values = Array.from({ length: n }, rand);
      for (const k of [0, 1, 3, 6, n, n + 4]) assert.deepStrictEqual(topK(values, k), bySorting(values, k), `n ${n}, k ${k}`);
    }
    assert.deepStrictEqual(topK(Float32Array.from([0.1, 0.5, 0.5, 0.9, 0.2]), 3), [3, 1, 2]);
  });
});
