import * as assert from 'node:assert';
import { headStats, isPunctuation } from '../../src/shared/headPatterns';

/** One layer, one head, T tokens with [CLS] first and [SEP] last; row i from `row(i)`. */
function payload(t: number, row: (i: number) => number[], text: (i: number) => string = (i) => `w${i}`) {
  const tokens = Array.from({ length: t }, (_, i) => ({
    text: i === 0 ? '[CLS]' : i === t - 1 ? '[SEP]' : text(i),
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
  test('a head that reads the next few tokens, none of them most, is a local window, well above a uniform head', () => {
    const T2 = 60;
    // 0.3 on each of the tokens two and three ahead, 0.2 on the next, 0.2 spread over the rest
    const row = (i: number) => {
      const ahead = [i + 1, i + 2, i + 3].filter((k) => k < T2);
      const w = Array.from({ length: T2 }, (_, k): number => (k === i + 1 ? 0.2 : k === i + 2 || k === i + 3 ? 0.3 : 0));
      const rest = 1 - w.reduce((a, b) => a + b, 0);
      return w.map((x, k) => (ahead.includes(k) ? x : rest / (T2 - ahead.length)));
    };
    const s = headStats(payload(T2, row), 0, 0);
    assert.strictEqual(s.pattern, 'local');
    assert.ok(s.strength > 0.7 && s.strength === s.near, `near ${s.near}`);
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
  test('a head that rests on punctuation is named for it, with the share it puts there', () => {
    // tokens 3 and 7 are a comma and a full stop; every query splits its attention between them
    const text = (i: number) => (i === 3 ? '，' : i === 7 ? '.' : `w${i}`);
    const s = headStats(
      payload(T, () => Array.from({ length: T }, (_, k) => (k === 3 || k === 7 ? 0.4 : 0.2 / (T - 2))), text),
      0,
      0,
    );
    assert.strictEqual(s.pattern, 'punct');
    assert.ok(Math.abs(s.punct - 0.8) < 1e-6, `punct ${s.punct}`);
    assert.ok(Math.abs(s.strength - 0.8) < 1e-6);
  });
  test("punctuation is one mark, by BERT's rule: ASCII symbols and Unicode punctuation, not letters, ideographs or pieces", () => {
    for (const p of [',', '.', '(', ')', '=', '>', '_', '~', '，', '。', '、', '“', '》', '…', '—']) assert.ok(isPunctuation(p), p);
    for (const w of ['a', '妈', '1', '##.', '..', '[SEP]', '', '€']) assert.ok(!isPunctuation(w), w);
  });
});
