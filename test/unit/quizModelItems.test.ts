import * as assert from 'node:assert';
import { EncoderCore } from '../../src/host/encoder/encoderCore';
import { loadRuntime } from '../../src/host/encoder/runtime';
import { attentionAt, type EncodingPayload, type TokenInfo } from '../../src/shared/encoding';
import { LEAK_THRESHOLD, MIN_MARGIN, mostAttended, paddingLeak } from '../../src/shared/quiz/modelItems/attentionItems';
import { NotApplicable } from '../../src/shared/quiz/modelItems/facts';
import { meanRowEntropy, qkSymmetry, scaleEntropy } from '../../src/shared/quiz/modelItems/scoreItems';
import { chooseMaskPosition, mlmTop1, segmentOf } from '../../src/shared/quiz/modelItems/tokenItems';
import { seededRandom } from '../../src/shared/quiz/rng';
import { BUNDLED } from './modelFiles';

const TEXT = "The animal didn't cross the street because it was too tired.\n\nIt lay down and slept until the evening.";
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

suite('model-grounded quiz items on the committed model', () => {
  let core: EncoderCore;
  let p: EncodingPayload;
  let seq: (TokenInfo & { id: number })[];
  suiteSetup(async () => {
    core = await EncoderCore.load(BUNDLED, await loadRuntime());
    p = await core.encode({ text: TEXT });
    seq = core.buildSequence(core.tokenize(TEXT).tokens) as (TokenInfo & { id: number })[];
  });
  suiteTeardown(() => core?.release());

  test('most-attended: the answer is the argmax of that head’s row, with a clear margin, among distinct options', () => {
    for (const seed of SEEDS) {
      const f = mostAttended(p, seededRandom(seed));
      assert.strictEqual(f.query.text.toLowerCase(), 'it', 'asks about “it” when the text has one');
      const T = p.tokens.length;
      const row = Array.from({ length: T }, (_, k) => attentionAt(p, f.layer, f.head, f.query.index, k));
      const argmax = row.indexOf(Math.max(...row));
      assert.strictEqual(f.options[f.answer].index, argmax, `seed ${seed}`);
      const sorted = [...row].sort((a, b) => b - a);
      assert.ok(sorted[0] - sorted[1] >= MIN_MARGIN, 'no near tie');
      assert.strictEqual(new Set(f.options.map((o) => o.text)).size, f.options.length, 'options read differently');
      assert.ok(f.options.length >= 2 && f.options.length <= 4);
      for (const o of f.options) assert.strictEqual(o.weight, row[o.index]);
    }
    assert.deepStrictEqual(mostAttended(p, seededRandom(42)), mostAttended(p, seededRandom(42)), 'same seed, same item');
  });

  test('padding-leak: with the mask [PAD] gets exactly nothing, without it some; the answer follows the run', async () => {
    const pads = 4;
    const ids = [...seq.map((t) => t.id), ...Array(pads).fill(core.config.special_tokens.pad)];
    const tokens = [...seq, ...Array.from({ length: pads }, () => ({ text: '[PAD]', special: true }))];
    const T = ids.length;
    const segs = [...seq.map((t) => t.segment), ...Array(pads).fill(0)];
    const mask = [...ids.map(() => 1), ...ids.map((_, i) => (i < seq.length ? 1 : 0))];
    const out = await core.run(core.feeds([...ids, ...ids], [...segs, ...segs], mask, 2), ['attn_1']);
    const H = out.attn_1.dims[1];
    const size = H * T * T;
    const variants = new Set<string>();
    for (const seed of SEEDS) {
      const f = paddingLeak(
        {
          tokens,
          padFrom: seq.length,
          numHeads: H,
          layer: 1,
          withoutMask: out.attn_1.data.subarray(0, size),
          withMask: out.attn_1.data.subarray(size),
        },
        seededRandom(seed),
      );
      variants.add(f.variant);
      assert.strictEqual(f.shareWithMask, 0, 'masked [PAD] keys get exactly zero');
      assert.ok(f.shareWithoutMask > LEAK_THRESHOLD, `unmasked [PAD] keys get ${f.shareWithoutMask}`);
      assert.strictEqual(f.answer, f.variant === 'removed');
      assert.ok(f.query.index < seq.length && !seq[f.query.index].special);
    }
    assert.deepStrictEqual([...variants].sort(), ['kept', 'removed'], 'both phrasings occur');
  });

  test('qk-symmetry: QQᵀ is symmetric, the model’s QKᵀ is not', () => {
    const seen = new Set<string>();
    for (const seed of SEEDS) {
      const f = qkSymmetry(p, seededRandom(seed));
      seen.add(f.variant);
      if (f.variant === 'tied') assert.ok(f.answer && f.asymmetry === 0, 'S = QQᵀ is exactly symmetric');
      else assert.ok(!f.answer && f.asymmetry > 1e-2, `W_Q ≠ W_K: asymmetry ${f.asymmetry}`);
    }
    assert.strictEqual(seen.size, 2);
  });

  test('scale-entropy: the answer agrees with the entropies, recomputed independently', () => {
    for (const seed of SEEDS) {
      const f = scaleEntropy(p, seededRandom(seed));
      const T = p.tokens.length;
      const d = p.headDim;
      const s = new Float64Array(T * T);
      for (let i = 0; i < T; i++)
        for (let j = 0; j < T; j++) {
          let dot = 0;
          for (let x = 0; x < d; x++)
            dot += p.q![((f.layer * p.numHeads + f.head) * T + i) * d + x] * p.k![((f.layer * p.numHeads + f.head) * T + j) * d + x];
          s[i * T + j] = dot;
        }
      assert.ok(Math.abs(meanRowEntropy(s, T, Math.sqrt(d)) - f.entropyScaled) < 1e-9);
      const want = f.entropyUnscaled < f.entropyScaled ? 'down' : 'up';
      assert.strictEqual(f.options[f.answer], want, `seed ${seed}: ${f.entropyScaled} → ${f.entropyUnscaled}`);
      assert.ok(f.entropyScaled <= Math.log2(T) + 1e-9);
    }
  });

  test('mlm-top1: the answer is the model’s highest-scoring ordinary token at [MASK]', async () => {
    const vocabJson = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(BUNDLED.tokenizerPath, 'utf8'))).model
      .vocab as Record<string, number>;
    const vocab: string[] = [];
    for (const [t, id] of Object.entries(vocabJson)) vocab[id] = t;
    const s = core.config.special_tokens;
    for (const seed of SEEDS.slice(0, 4)) {
      const rng = seededRandom(seed);
      const at = chooseMaskPosition(seq, rng);
      assert.ok(at !== undefined && /^\p{L}{2,}$/u.test(seq[at].text));
      const ids = seq.map((t, i) => (i === at ? s.mask : t.id));
      const out = await core.run(
        core.feeds(
          ids,
          seq.map((t) => t.segment),
        ),
        ['mlm_logits'],
      );
      const V = out.mlm_logits.dims[2];
      const logits = out.mlm_logits.data.subarray(at * V, (at + 1) * V);
      const f = mlmTop1(
        {
          tokens: seq,
          maskIndex: at,
          original: { id: seq[at].id, text: seq[at].text },
          logits,
          vocab,
          specialIds: new Set([s.pad, s.unk, s.cls, s.sep, s.mask]),
        },
        rng,
      );
      let best = -1;
      for (let id = 0; id < V; id++)
        if (![s.pad, s.unk, s.cls, s.sep, s.mask].includes(id) && !/^\[.*\]$/.test(vocab[id]) && (best < 0 || logits[id] > logits[best]))
          best = id;
      assert.strictEqual(f.options[f.answer].token, vocab[best], `seed ${seed}`);
      assert.strictEqual(f.options.length, 4);
      assert.strictEqual(new Set(f.options.map((o) => o.token)).size, 4);
      assert.ok(f.options.every((o, i) => i === f.answer || o.probability <= f.options[f.answer].probability));
      assert.ok(f.originalRank >= 1);
    }
  });

  test('segment-of: the answer is the token’s segment; a pair gives questions about both', () => {
    const seen = new Set<number>();
    for (const seed of SEEDS) {
      const f = segmentOf(p.tokens, seededRandom(seed));
      assert.ok(f.pair);
      assert.strictEqual(f.answer, p.tokens[f.token.index].segment);
      seen.add(f.answer);
    }
    assert.deepStrictEqual([...seen].sort(), [0, 1]);
  });
});

suite('model-grounded items on hand-made inputs', () => {
  const tok = (text: string, special = false, segment: 0 | 1 = 0) => ({ text, special, segment, start: 0, end: 0 });

  test('most-attended picks the row maximum even when it is a special token', () => {
    const tokens = [tok('[CLS]', true), tok('it'), tok('cat'), tok('[SEP]', true)];
    // one layer, one head; the row of "it" puts 0.7 on [SEP]
    const attention = new Float32Array([0.25, 0.25, 0.25, 0.25, 0.1, 0.1, 0.1, 0.7, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25]);
    const f = mostAttended({ tokens, attention, numLayers: 1, numHeads: 1 }, seededRandom(3));
    assert.strictEqual(f.query.index, 1);
    assert.strictEqual(f.options[f.answer].text, '[SEP]');
  });

  test('texts that cannot carry an item say so instead of inventing one', () => {
    assert.throws(() => segmentOf([tok('[CLS]', true), tok('[SEP]', true)], seededRandom(1)), NotApplicable);
    assert.throws(
      () =>
        mostAttended(
          { tokens: [tok('[CLS]', true), tok('[SEP]', true)], attention: new Float32Array(4), numLayers: 1, numHeads: 1 },
          seededRandom(1),
        ),
      NotApplicable,
    );
    assert.strictEqual(chooseMaskPosition([tok('[CLS]', true), tok('42'), tok('[SEP]', true)], seededRandom(1)), undefined);
    assert.throws(() => qkSymmetry({ tokens: [tok('a')], numLayers: 1, numHeads: 1, headDim: 2 }, seededRandom(1)), NotApplicable);
  });

  test('a single sentence has every token in segment A', () => {
    const f = segmentOf([tok('[CLS]', true), tok('hello'), tok('world'), tok('[SEP]', true)], seededRandom(9));
    assert.strictEqual(f.pair, false);
    assert.strictEqual(f.answer, 0);
  });
});
