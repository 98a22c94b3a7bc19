import * as assert from 'node:assert/strict';
import type { TokenInfo } from '../../src/shared/encoding';
import { attentionFlow, attentionRollout, rolloutRows } from '../../src/shared/beyond/attentionRollout';
import { firstPieceOfWord, groupWords, mergeAttention, wordOfPiece, wordPayload } from '../../src/shared/beyond/wordGroups';
import type { EncodingPayload } from '../../src/shared/encoding';

/** Tokens for `text` from piece strings: a `##` piece continues at the previous end, others after spaces. */
function tokensOf(text: string, pieces: string[]): TokenInfo[] {
  let at = 0;
  return pieces.map((p) => {
    if (p === '[CLS]' || p === '[SEP]') return { text: p, start: at, end: at, segment: 0, special: true };
    const bare = p.replace(/^##/, '');
    const start = text.indexOf(bare, at);
    at = start + bare.length;
    return { text: p, start, end: at, segment: 0, special: false };
  });
}

/** Attention of one layer and head from rows. */
const flat = (...rows: number[][]) => Float32Array.from(rows.flat());

suite('beyond raw attention: words and rollout', () => {
  test('word pieces join the word before them; specials and punctuation stay words of their own', () => {
    const text = "The animal didn't cross.";
    const toks = tokensOf(text, ['[CLS]', 'The', 'an', '##imal', 'didn', "'", 't', 'cross', '.', '[SEP]']);
    const words = groupWords(toks, text).map((g) => g.text);
    assert.deepEqual(words, ['[CLS]', 'The', 'animal', 'didn', "'", 't', 'cross', '.', '[SEP]']);
  });

  test('Chinese characters are joined into the words Intl.Segmenter finds', () => {
    const text = '昨天妈妈买了苹果';
    const toks = tokensOf(text, ['[CLS]', ...text, '[SEP]']);
    const expected = [...new Intl.Segmenter('zh', { granularity: 'word' }).segment(text)].map((s) => s.segment);
    const groups = groupWords(toks, text);
    assert.deepEqual(
      groups.slice(1, -1).map((g) => g.text),
      expected,
    );
    assert.ok(
      groups.some((g) => g.text === '妈妈' && g.tokens.length === 2),
      'a two-character word is one group',
    );
  });

  test('attention between words: to a word sums its pieces, from a word averages them, rows still sum to 1', () => {
    const text = 'an animal';
    const toks = tokensOf(text, ['an', 'an', '##imal']);
    const groups = groupWords(toks, text);
    assert.equal(groups.length, 2);
    const att = flat([0.2, 0.5, 0.3], [0.6, 0.1, 0.3], [0.0, 0.4, 0.6]);
    const w = mergeAttention(att, 1, 1, groups);
    // word 0 ("an") attends to word 1 with 0.5 + 0.3; word 1 is the mean of rows 1 and 2
    assert.deepEqual(
      Array.from(w).map((x) => +x.toFixed(6)),
      [0.2, 0.8, 0.3, 0.7],
    );
    for (let r = 0; r < 2; r++) assert.ok(Math.abs(w[r * 2] + w[r * 2 + 1] - 1) < 1e-6);
  });

  test('rollout multiplies the residual-mixed layers: 0.5·A + 0.5·I, head-averaged, rows sum to 1', () => {
    // one head per layer, two tokens, both layers attend fully to token 0
    const layer = [
      [1, 0],
      [1, 0],
    ];
    const r = attentionRollout(flat(...layer, ...layer), 2, 1, 2);
    // Â = [[1, 0], [0.5, 0.5]]; Â·Â = [[1, 0], [0.75, 0.25]]
    assert.deepEqual(Array.from(r.subarray(0, 4)), [1, 0, 0.5, 0.5]);
    assert.deepEqual(Array.from(r.subarray(4, 8)), [1, 0, 0.75, 0.25]);
    // two heads that disagree average out
    const two = attentionRollout(flat([1, 0], [0, 1], [0, 1], [1, 0]), 1, 2, 2);
    assert.deepEqual(Array.from(two), [0.75, 0.25, 0.25, 0.75]);
  });

  test('attention flow: one layer gives the residual-mixed weight itself; two layers are capped by the narrowest cut', () => {
    const att = flat([0.9, 0.1], [0.2, 0.8]);
    const one = attentionFlow(att, 1, 1, 2, 0, 1);
    assert.ok(Math.abs(one[0] - 0.1) < 1e-6 && Math.abs(one[1] - 0.9) < 1e-6, `got ${Array.from(one)}`);
    // layer 1 sends token 1 nothing from token 0 (Â₁ = I); layer 2 mixes
    const stacked = flat([1, 0], [0, 1], [0.5, 0.5], [0.5, 0.5]);
    const flow = attentionFlow(stacked, 2, 1, 2, 1, 1);
    // paths from (2,1) to (0,0): via (1,0) capacity min(0.25, 1) = 0.25; via (1,1) then (0,0): Â₁[1][0] = 0
    assert.ok(Math.abs(flow[0] - 0.25) < 1e-6, `got ${flow[0]}`);
    const rollout = attentionRollout(stacked, 2, 1, 2);
    assert.ok(flow[0] <= rollout[4 + 2] + 1e-12, 'flow never exceeds what rollout routes here');
  });

  /** A payload of one layer and `heads` heads over these tokens, with random rows that sum to 1. */
  function payloadOf(text: string, tokens: TokenInfo[], heads = 2, textOffset = 0): EncodingPayload {
    const t = tokens.length;
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const attention = new Float32Array(heads * t * t);
    for (let r = 0; r < heads * t; r++) {
      const row = Array.from({ length: t }, rand);
      const sum = row.reduce((a, b) => a + b, 0);
      row.forEach((x, k) => (attention[r * t + k] = x / sum));
    }
    return { text, textOffset, source: 'selection', tokens, numLayers: 1, numHeads: heads, headDim: 4, attention, modelName: 'test' };
  }

  test('in words, a text whose every word is one piece draws exactly the pieces view', () => {
    const text = 'the cat sat';
    const p = payloadOf(text, tokensOf(text, ['[CLS]', 'the', 'cat', 'sat', '[SEP]']));
    const { payload: w } = wordPayload(p, 'en');
    assert.deepEqual(
      w.tokens.map((t) => t.text),
      ['[CLS]', 'the', 'cat', 'sat', '[SEP]'],
    );
    assert.deepEqual(Array.from(w.attention), Array.from(p.attention));
  });

  test('in words, every row sums to 1, q/k/v (per piece) are left out, and a locked word maps to its first piece and back', () => {
    const text = 'The animal didn’t cross';
    const toks = tokensOf(text, ['[CLS]', 'The', 'an', '##imal', 'didn', '’', 't', 'cr', '##oss', '[SEP]']);
    const p = { ...payloadOf(text, toks, 3), q: new Float32Array(1), k: new Float32Array(1), v: new Float32Array(1) };
    const { payload: w, groups } = wordPayload(p, 'en');
    assert.equal(w.tokens.length, 8);
    assert.equal(w.q, undefined);
    const n = w.tokens.length;
    for (let r = 0; r < 3 * n; r++) {
      const sum = w.attention.subarray(r * n, (r + 1) * n).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `row ${r} sums to ${sum}`);
    }
    assert.equal(w.tokens[2].text, 'animal');
    assert.equal(wordOfPiece(groups, 3), 2, '##imal is in "animal"');
    assert.equal(firstPieceOfWord(groups, 2), 2, '"animal" starts at "an"');
    assert.equal(w.tokens[6].text, 'cross');
  });

  test('in words, a later window of a long text (offsets counted from the whole text) groups its own words', () => {
    const whole = 'skip this part. 我的妈妈很忙';
    const offset = whole.indexOf('我');
    const windowText = whole.slice(offset);
    const toks = tokensOf(whole, ['[CLS]', ...windowText, '[SEP]']).map((t) => (t.special ? { ...t, start: offset, end: offset } : t));
    const { payload: w } = wordPayload(payloadOf(windowText, toks, 1, offset), 'zh');
    assert.ok(
      w.tokens.some((t) => t.text === '妈妈'),
      w.tokens.map((t) => t.text).join('|'),
    );
  });

  test('one token’s rollout rows, as a chain of vector products, are the whole rollout’s rows for that token', () => {
    const t = 9;
    const layers = 4;
    const heads = 3;
    // rows of random weights summing to 1, as a softmax gives
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) ** 3;
    const att = new Float32Array(layers * heads * t * t);
    for (let r = 0; r < layers * heads * t; r++) {
      const row = Array.from({ length: t }, rand);
      const sum = row.reduce((a, b) => a + b, 0);
      row.forEach((x, k) => (att[r * t + k] = x / sum));
    }
    const whole = attentionRollout(att, layers, heads, t);
    for (let q = 0; q < t; q++) {
      const rows = rolloutRows(att, layers, heads, t, q);
      for (let l = 0; l < layers; l++)
        for (let k = 0; k < t; k++)
          assert.ok(Math.abs(rows[l * t + k] - whole[(l * t + q) * t + k]) < 1e-12, `token ${q}, layer ${l}, input ${k}`);
    }
  });

  test('rollout of identity attention is the identity after every layer', () => {
    const t = 3;
    const eye = Array.from({ length: t }, (_, i) => Array.from({ length: t }, (_, j) => (i === j ? 1 : 0)));
    const layers = 3;
    const heads = 2;
    const att = Float32Array.from(Array.from({ length: layers * heads }, () => eye.flat()).flat());
    const r = attentionRollout(att, layers, heads, t);
    assert.deepEqual(Array.from(r), Array.from({ length: layers }, () => eye.flat()).flat());
  });
});
