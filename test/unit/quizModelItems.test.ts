import * as assert from 'node:assert';
import { DecoderCore } from '../../src/host/decoder/decoderCore';
import { EncoderCore } from '../../src/host/encoder/encoderCore';
import { loadRuntime } from '../../src/host/encoder/runtime';
import { attentionAt, type EncodingPayload, type TokenInfo } from '../../src/shared/encoding';
import { LEAK_THRESHOLD, MIN_MARGIN, mostAttended, paddingLeak } from '../../src/shared/quiz/modelItems/attentionItems';
import { causalSees, DISTRACTOR_RANKS, kvCacheKeys, MAX_STEP, nextToken } from '../../src/shared/quiz/modelItems/decoderItems';
import { NotApplicable } from '../../src/shared/quiz/modelItems/facts';
import { meanRowEntropy, qkSymmetry, scaleEntropy } from '../../src/shared/quiz/modelItems/scoreItems';
import { chooseMaskPosition, mlmTop1, segmentOf } from '../../src/shared/quiz/modelItems/tokenItems';
import { seededRandom } from '../../src/shared/quiz/rng';
import { LiveItemSource } from '../../src/host/quiz/liveItems';
import { BUNDLED, DECODER } from './modelFiles';

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

suite('decoder quiz items on hand-made inputs', () => {
  const tok = (text: string, special = false) => ({ text, special });
  /** Causal attention spread evenly over tokens 0..i in every head of `layers` layers. */
  const uniformCausal = (T: number, layers: number, heads: number) =>
    Array.from({ length: layers }, () => {
      const a = new Float32Array(heads * T * T);
      for (let h = 0; h < heads; h++) for (let i = 0; i < T; i++) for (let k = 0; k <= i; k++) a[(h * T + i) * T + k] = 1 / (i + 1);
      return a;
    });

  test('causal-sees: the one choice before the query is the answer; three later tokens are the others', () => {
    // [CLS] a b c d e: only token 2 has one token before it and three after it, so every seed asks the same
    const tokens = [tok('[CLS]', true), tok('a'), tok('b'), tok('c'), tok('d'), tok('e')];
    for (const seed of [1, 2, 3, 4]) {
      const f = causalSees({ tokens, attention: uniformCausal(6, 2, 2), numHeads: 2 }, seededRandom(seed));
      assert.deepStrictEqual(f.query, { index: 2, text: 'b' });
      assert.deepStrictEqual(f.options[f.answer], { index: 1, text: 'a', weight: Math.fround(1 / 3) });
      assert.deepStrictEqual(f.options.map((o) => o.text).sort(), ['a', 'c', 'd', 'e']);
      for (const o of f.options) if (o.index > 2) assert.strictEqual(o.weight, 0, 'a later token gets no attention');
      assert.strictEqual(f.heads, 4);
    }
  });

  test('causal-sees: a token text on both sides of the query, or the query’s own, is never a choice', () => {
    // "the" is at 1 and 3. Query 2 ("cat") would have only "the" before it, which is also after it: not asked.
    // Query 3 ("the"): before it only "cat" (its own text is left out). Query 4 ("dog"): "the" or "cat".
    // Queries 5 and 6 have fewer than three later tokens, so they lose to 3 and 4.
    const tokens = ['[CLS]', 'the', 'cat', 'the', 'dog', 'sat', 'mat', 'ran'].map((t, i) => tok(t, i === 0));
    const queries = new Set<number>();
    for (let seed = 1; seed <= 20; seed++) {
      const f = causalSees({ tokens, attention: uniformCausal(8, 1, 1), numHeads: 1 }, seededRandom(seed));
      queries.add(f.query.index);
      const answer = f.options[f.answer];
      if (f.query.index === 3) assert.strictEqual(answer.text, 'cat');
      else assert.ok(f.query.index === 4 && ['the', 'cat'].includes(answer.text), `seed ${seed}: query ${f.query.index}`);
      assert.ok(answer.index < f.query.index && answer.weight === Math.fround(1 / (f.query.index + 1)));
      const others = f.options.filter((_, i) => i !== f.answer);
      assert.strictEqual(others.length, 3);
      for (const o of others) assert.ok(o.index > f.query.index && ['dog', 'sat', 'mat', 'ran'].includes(o.text) && o.weight === 0);
    }
    assert.deepStrictEqual([...queries].sort(), [3, 4], 'both possible queries are asked');
    const again = causalSees({ tokens, attention: uniformCausal(8, 1, 1), numHeads: 1 }, seededRandom(7));
    assert.deepStrictEqual(causalSees({ tokens, attention: uniformCausal(8, 1, 1), numHeads: 1 }, seededRandom(7)), again);
  });

  test('causal-sees: a text with nothing distinct on both sides of any token says so', () => {
    for (const words of [
      ['a', 'b'],
      ['the', 'cat', 'the'],
    ]) {
      const tokens = [tok('[CLS]', true), ...words.map((w) => tok(w))];
      assert.throws(
        () => causalSees({ tokens, attention: uniformCausal(tokens.length, 1, 1), numHeads: 1 }, seededRandom(1)),
        NotApplicable,
      );
    }
  });

  test('next-token: the prefix ends where the top choice is a clear word; the answer is that top choice', () => {
    // vocabulary: the five specials, ".", "##s", then words
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '.', '##s', ...Array.from({ length: 53 }, (_, i) => `w${i + 7}`)];
    vocab[10] = 'cat';
    vocab[11] = 'sat';
    vocab[12] = 'down';
    vocab[20] = 'tea';
    const V = vocab.length;
    const tokens = [
      { text: '[CLS]', special: true, id: 2, start: 0, end: 0 },
      { text: 'cat', special: false, id: 10, start: 0, end: 3 },
      { text: 'sat', special: false, id: 11, start: 4, end: 7 },
      { text: 'down', special: false, id: 12, start: 8, end: 12 },
    ];
    const logits = new Float32Array(4 * V);
    // after "cat": "." is far ahead (punctuation, a worse place to cut)
    logits[1 * V + 5] = 5;
    // after "cat sat": "tea" 4, three words at 3.5, "down" 1, the rest 0 (the place to cut)
    logits[2 * V + 20] = 4;
    for (const id of [21, 22, 23]) logits[2 * V + id] = 3.5;
    logits[2 * V + 12] = 1;
    // after the whole text: [UNK] is the model's own top (a worse place to cut)
    logits[3 * V + 1] = 9;
    logits[3 * V + 30] = 3;
    const specialIds = new Set([0, 1, 2, 3, 4]);
    const pTea = Math.exp(4) / (Math.exp(4) + 3 * Math.exp(3.5) + Math.exp(1) + (V - 5));
    for (const seed of [1, 2, 3, 4, 5]) {
      const f = nextToken({ tokens, logits, tokenText: (id) => vocab[id], specialIds }, seededRandom(seed));
      assert.deepStrictEqual(f.prefix, { index: 2, text: 'sat' });
      const answer = f.options[f.answer];
      assert.strictEqual(answer.token, 'tea');
      assert.strictEqual(answer.rank, 1);
      assert.ok(Math.abs(answer.probability - pTea) < 1e-12, `${answer.probability} vs ${pTea}`);
      assert.deepStrictEqual(
        f.top.map((t) => t.token),
        ['tea', 'w21', 'w22', 'w23', 'down'],
      );
      assert.deepStrictEqual(f.actual, { token: 'down', rank: 5 }, 'the text goes on with “down”, fifth');
      assert.strictEqual(f.options.length, 4);
      assert.strictEqual(new Set(f.options.map((o) => o.token)).size, 4);
      for (const o of f.options.filter((_, i) => i !== f.answer)) {
        assert.ok(o.rank >= DISTRACTOR_RANKS.from, `${o.token} ranks ${o.rank}`);
        assert.ok(!['.', '##s', '[UNK]', '[PAD]'].includes(o.token));
        assert.ok(o.probability < answer.probability);
      }
    }
  });

  test('kv-cache-keys: step 1 computes the whole prompt, every later step one key per head and layer', () => {
    const steps = new Set<number>();
    for (let seed = 1; seed <= 24; seed++) {
      const f = kvCacheKeys({ prompt: 6, layers: 4, heads: 4, maxPositions: 512 }, seededRandom(seed));
      steps.add(f.step);
      assert.ok(f.step >= 1 && f.step <= MAX_STEP);
      assert.strictEqual(f.options.length, 4);
      assert.strictEqual(new Set(f.options).size, 4);
      if (f.step === 1) {
        // prefill: 6 keys (with or without a cache), none read back; the wrong choices include the one of a later step
        assert.deepStrictEqual([f.options[f.answer], f.withCache, f.withoutCache, f.fromCache], [6, 6, 6, 0]);
        assert.ok(f.options.includes(1));
      } else {
        // step t: 1 new key; 6 + t − 1 without the cache; 6 + t − 2 read back
        assert.deepStrictEqual([f.options[f.answer], f.withoutCache, f.fromCache], [1, 6 + f.step - 1, 6 + f.step - 2]);
        assert.ok(f.options.includes(6 + f.step - 1), 'the count without a cache is a choice');
      }
    }
    assert.ok(steps.has(1) && [...steps].some((s) => s >= 2), `steps asked: ${[...steps]}`);
    const three = Array.from({ length: 50 }, (_, seed) =>
      kvCacheKeys({ prompt: 6, layers: 4, heads: 4, maxPositions: 512 }, seededRandom(seed)),
    ).find((f) => f.step === 3);
    assert.ok(three);
    assert.deepStrictEqual([three.withCache, three.withoutCache, three.fromCache], [1, 8, 7]);
  });

  test('kv-cache-keys: a prompt that fills the positions is asked only about step 1; an empty text or an overfull one is not asked', () => {
    for (let seed = 1; seed <= 8; seed++)
      assert.strictEqual(kvCacheKeys({ prompt: 6, layers: 4, heads: 4, maxPositions: 6 }, seededRandom(seed)).step, 1);
    assert.throws(() => kvCacheKeys({ prompt: 1, layers: 4, heads: 4, maxPositions: 512 }, seededRandom(1)), NotApplicable);
    assert.throws(() => kvCacheKeys({ prompt: 7, layers: 4, heads: 4, maxPositions: 6 }, seededRandom(1)), NotApplicable);
  });
});

suite('decoder quiz items, live on the bundled decoder', () => {
  const TEXTS = ['She put the kettle on and we talked until midnight.', '我们明天早上一起去公园散步，然后吃午饭。'];
  let encoder: EncoderCore;
  let decoder: DecoderCore;
  suiteSetup(async () => {
    const runtime = await loadRuntime();
    [encoder, decoder] = await Promise.all([EncoderCore.load(BUNDLED, runtime), DecoderCore.load(DECODER, runtime)]);
  });
  suiteTeardown(async () => {
    await encoder?.release();
    await decoder?.release();
  });
  const source = (text: string, seed: number) =>
    new LiveItemSource(encoder, { text, source: 'selection', cut: false }, seededRandom(seed), () => Promise.resolve(decoder));
  const sequenceOf = (text: string) => decoder.sequence(decoder.tokenize(text));

  test('causal-sees: the later choices get exactly 0 attention in every layer and head, the earlier one more', async () => {
    for (const text of TEXTS) {
      const seq = sequenceOf(text);
      const run = await decoder.run(seq.map((t) => t.id));
      const T = seq.length;
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const { facts: f, tokens } = await source(text, seed).facts('causal-sees');
        assert.ok(f.template === 'causal-sees');
        assert.deepStrictEqual(
          tokens.map((t) => t.text),
          seq.map((t) => t.text),
        );
        const q = f.query.index;
        assert.ok(q >= 2 && !seq[q].special);
        assert.strictEqual(f.options.length, 4, `${text}: seed ${seed}`);
        assert.strictEqual(new Set(f.options.map((o) => o.text)).size, 4);
        const upTo = new Set(seq.slice(0, q + 1).map((t) => t.text));
        const after = new Set(seq.slice(q + 1).map((t) => t.text));
        for (const [i, o] of f.options.entries()) {
          let most = 0;
          for (const a of run.attention) for (let h = 0; h < decoder.numHeads; h++) most = Math.max(most, a[(h * T + q) * T + o.index]);
          assert.strictEqual(o.weight, most);
          assert.strictEqual(seq[o.index].text, o.text);
          if (i === f.answer) {
            assert.ok(o.index < q && most > 0 && !after.has(o.text), `${o.text} is seen and occurs only before the query`);
          } else {
            assert.ok(o.index > q && !upTo.has(o.text), `${o.text} occurs only after the query`);
            assert.strictEqual(most, 0, `${o.text} is masked`);
          }
        }
      }
    }
  });

  test('next-token: the answer is the argmax of the decoder’s logits after the prefix', async () => {
    for (const text of TEXTS) {
      const seq = sequenceOf(text);
      const V = decoder.config.vocab_size;
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const { facts: f } = await source(text, seed).facts('next-token');
        assert.ok(f.template === 'next-token');
        const j = f.prefix.index;
        assert.ok(j >= 1 && seq[j].text === f.prefix.text);
        // the decoder on the prefix alone, not the whole text: causal, so the same row
        const run = await decoder.run(seq.slice(0, j + 1).map((t) => t.id));
        const row = DecoderCore.lastLogits(run);
        assert.strictEqual(row.length, V);
        let best = 0;
        for (let id = 1; id < V; id++) if (row[id] > row[best]) best = id;
        assert.strictEqual(f.options[f.answer].token, decoder.idToToken(best), `${text}: seed ${seed}, after “${f.prefix.text}”`);
        assert.match(f.options[f.answer].token, /^[\p{L}\p{N}]/u, 'a word, not punctuation, on these sentences');
        assert.strictEqual(f.top[0].token, f.options[f.answer].token);
        assert.strictEqual(f.options.length, 4);
        assert.strictEqual(new Set(f.options.map((o) => o.token)).size, 4);
        for (const o of f.options.filter((_, i) => i !== f.answer))
          assert.ok(o.rank >= DISTRACTOR_RANKS.from && o.probability < f.top[0].probability);
      }
    }
  });

  test('kv-cache-keys: the answer is the number of keys the decoder’s cache grows by at that step', async () => {
    for (const text of TEXTS) {
      const ids = sequenceOf(text).map((t) => t.id);
      const p = ids.length;
      const steps = new Set<number>();
      for (let seed = 1; !(steps.has(1) && steps.size >= 3) && seed <= 40; seed++) {
        const { facts: f } = await source(text, seed).facts('kv-cache-keys');
        assert.ok(f.template === 'kv-cache-keys');
        if (steps.has(f.step)) continue;
        steps.add(f.step);
        assert.strictEqual(f.prompt, p);
        // generate greedily with the cache, step by step, and count the keys each step adds per head and layer
        let cache = decoder.emptyCache();
        let feed = ids;
        let added = 0;
        for (let s = 1; s <= f.step; s++) {
          const run = await decoder.run(feed, cache);
          added = (run.cache.key.dims[3] as number) - (cache.key.dims[3] as number);
          assert.deepStrictEqual(run.cache.key.dims.slice(0, 3), [decoder.numLayers, 1, decoder.numHeads]);
          cache = run.cache;
          feed = [argmaxOf(DecoderCore.lastLogits(run))];
        }
        assert.strictEqual(f.options[f.answer], added, `${text}: step ${f.step}`);
        assert.strictEqual(added, f.step === 1 ? p : 1);
        // without the cache the step runs every token so far
        if (f.step > 1) assert.ok(f.options.includes(p + f.step - 1));
        assert.deepStrictEqual(f.measured && [f.measured.computed, f.measured.reused], [added, cache.length - added]);
      }
      assert.ok(steps.has(1) && steps.size >= 3, `${text}: steps ${[...steps]}`);
    }
  });
});

function argmaxOf(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}
