import * as assert from 'node:assert';
import { headStats } from '../../src/shared/headPatterns';

/** One layer, one head, T tokens with [CLS] first and [SEP] last; row i from `row(i)`. */
function payload(t: number, row: (i: number) => number[]) {
  const tokens = Array.from({ length: t }, (_, i) => ({
    text: i === 0 ? '[CLS]' : i === t - 1 ? '[SEP]' : `w${i}`,
    start: i,
    end: i + 1,
    segment: 0 as const,
    special: i === 0 || i === t - 1,
  }));
  return { tokens, numHeads: 1, attention: Float32Array.from(Array.from({ length: t }, (_, i) => row(i)).flat()) };
}
const oneHot = (t: number, j: number) => Array.from({ length: t }, (_, k) => (k === j ? 1 : 0));

suite('head patterns', () => {
  const T = 10;
  test('a previous-token head', () => {
    const s = headStats(
      payload(T, (i) => oneHot(T, Math.max(0, i - 1))),
      0,
      0,
    );
    assert.strictEqual(s.pattern, 'previous');
    assert.strictEqual(s.previous, 1);
  });
  test('a [SEP] head', () => {
    assert.strictEqual(
      headStats(
        payload(T, () => oneHot(T, T - 1)),
        0,
        0,
      ).pattern,
      'sep',
    );
  });
  test('a local window: no single neighbour dominates, together they do', () => {
    const s = headStats(
      payload(T, (i) => Array.from({ length: T }, (_, k) => (Math.abs(k - i) <= 1 ? 0.25 : 0.25 / (T - 3)))),
      0,
      0,
    );
    assert.strictEqual(s.pattern, 'local');
    assert.ok(s.strength > 0.6);
  });
  test('uniform attention is broad', () => {
    assert.strictEqual(
      headStats(
        payload(T, () => new Array(T).fill(1 / T)),
        0,
        0,
      ).pattern,
      'broad',
    );
  });
});
