import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DecoderCore } from '../../src/host/decoder/decoderCore';
import { loadRuntime } from '../../src/host/encoder/runtime';
import { attentionSteps, stepMask } from '../../src/shared/stepMath';
import { DECODER } from './modelFiles';

const DIR = path.dirname(DECODER.modelPath);

interface Ref {
  cases: { input_ids: number[][]; past: number; text_ids: number[]; outputs: Record<string, { dims: number[]; data: number[] }> }[];
}
const ref: Ref = JSON.parse(readFileSync(path.join(DIR, 'reference.json'), 'utf8'));

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.strictEqual(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

suite('the bundled decoder', () => {
  let core: DecoderCore;
  suiteSetup(async () => {
    core = await DecoderCore.load(DECODER, await loadRuntime());
  });
  suiteTeardown(() => core.release());

  test('ONNX Runtime reproduces PyTorch, on a whole text and on a step that reads the cache', async () => {
    for (const c of ref.cases) {
      const cache = c.past ? (await core.run(c.text_ids.slice(0, c.past))).cache : undefined;
      const names = ['q_0', 'k_1', 'v_2', 'hidden_0', `hidden_${core.numLayers}`];
      const run = await core.run(c.input_ids[0], cache, names);
      for (let l = 0; l < core.numLayers; l++) {
        assert.deepStrictEqual([...run.outputs[`attn_${l}`].dims], c.outputs[`attn_${l}`].dims);
        assert.ok(maxDiff(run.attention[l], c.outputs[`attn_${l}`].data) < 1e-5, `attn_${l} at past ${c.past}`);
      }
      for (const n of names) assert.ok(maxDiff(run.outputs[n].data as Float32Array, c.outputs[n].data) < 1e-4, n);
      assert.ok(maxDiff(run.cache.key.data as Float32Array, c.outputs.present_key.data) < 1e-4, 'present_key');
      const v = run.logits.length / run.fresh;
      const slice = Array.from({ length: run.fresh }, (_, r) => Array.from(run.logits.subarray(r * v, r * v + 64))).flat();
      assert.ok(maxDiff(slice, c.outputs.next_logits.data) < 1e-4, 'next_logits');
      const top = Array.from(DecoderCore.lastLogits(run).keys()).sort(
        (a, b) => DecoderCore.lastLogits(run)[b] - DecoderCore.lastLogits(run)[a],
      );
      assert.deepStrictEqual(top.slice(0, 3), c.outputs.next_top.data.slice(0, 3));
    }
  });

  test('attention above the diagonal is exactly zero, and every row sums to 1', async () => {
    const ids = [core.config.special_tokens.cls, ...core.tokenize('She put the kettle on and we talked until midnight.').map((t) => t.id)];
    const run = await core.run(ids);
    const T = ids.length;
    for (const a of run.attention)
      for (let h = 0; h < core.numHeads; h++)
        for (let q = 0; q < T; q++) {
          let sum = 0;
          for (let k = 0; k < T; k++) {
            const w = a[(h * T + q) * T + k];
            if (k > q) assert.strictEqual(w, 0, `head ${h} row ${q} key ${k}`);
            sum += w;
          }
          assert.ok(Math.abs(sum - 1) < 1e-5);
        }
  });

  test('generation with the cache equals generation without it, token for token, greedy and sampled', async () => {
    const prompt = [core.config.special_tokens.cls, ...core.tokenize('我们明天早上一起去').map((t) => t.id)];
    const withCache = await core.generate(prompt, 8, true);
    const without = await core.generate(prompt, 8, false);
    assert.deepStrictEqual(
      withCache.map((g) => g.id),
      without.map((g) => g.id),
    );
    // the cache computes the prompt once, then one key per step; without it every step computes them all
    assert.deepStrictEqual(
      withCache.map((g) => g.computed),
      [prompt.length, 1, 1, 1, 1, 1, 1, 1],
    );
    assert.deepStrictEqual(
      without.map((g) => g.computed),
      withCache.map((_, s) => prompt.length + s),
    );
    for (let s = 0; s < 8; s++) assert.ok(maxDiff(withCache[s].lastAttention, without[s].lastAttention) < 1e-5, `step ${s + 1}`);
    const opts = { temperature: 1.2, topK: 50, topP: 0.95 };
    const a = await core.generate(prompt, 8, true, opts, 7);
    const b = await core.generate(prompt, 8, false, opts, 7);
    assert.deepStrictEqual(
      a.map((g) => g.id),
      b.map((g) => g.id),
    );
  });

  test('sampling with the same seed repeats, another seed differs', async () => {
    const prompt = [core.config.special_tokens.cls, ...core.tokenize('The weather today is').map((t) => t.id)];
    const opts = { temperature: 1.5 };
    const one = (await core.generate(prompt, 12, true, opts, 3)).map((g) => g.id);
    const again = (await core.generate(prompt, 12, true, opts, 3)).map((g) => g.id);
    const other = (await core.generate(prompt, 12, true, opts, 4)).map((g) => g.id);
    assert.deepStrictEqual(one, again);
    assert.notDeepStrictEqual(one, other);
  });

  test('the step view’s arithmetic with the causal mask reproduces the decoder’s own attention row; without it, it does not', async () => {
    const p = await core.encode({ text: 'We watched the rain from the kitchen window.' });
    const t = p.tokens.length;
    const dk = p.headDim;
    const [layer, head, query] = [1, 2, 4];
    const base = (layer * p.numHeads + head) * t * dk;
    const row = p.attention.subarray(((layer * p.numHeads + head) * t + query) * t, ((layer * p.numHeads + head) * t + query + 1) * t);
    const masked = attentionSteps(p.q!, base + query * dk, p.k!, base, p.v!, base, t, dk, Math.sqrt(dk), stepMask(t, query, true));
    assert.ok(maxDiff(masked.weights, row) < 1e-5);
    assert.deepStrictEqual(Array.from(stepMask(4, 1, true)), [0, 0, -Infinity, -Infinity]);
    assert.deepStrictEqual(Array.from(stepMask(4, 1, false)), [0, 0, 0, 0]);
    const open = attentionSteps(p.q!, base + query * dk, p.k!, base, p.v!, base, t, dk, Math.sqrt(dk), stepMask(t, query, false));
    assert.ok(maxDiff(open.weights, row) > 1e-3, 'the encoder’s (unmasked) arithmetic would not match a decoder');
  });

  test('the panel payload is causal: [CLS] and the tokens, no [SEP], with the next-token logits after the text', async () => {
    const p = await core.encode({ text: 'My sister bakes bread on Sundays.' });
    assert.strictEqual(p.causal, true);
    assert.strictEqual(p.tokens[0].text, '[CLS]');
    assert.ok(!p.tokens.some((t) => t.text === '[SEP]'));
    assert.strictEqual(p.attention.length, core.numLayers * core.numHeads * p.tokens.length ** 2);
    assert.strictEqual(p.q?.length, core.numLayers * core.numHeads * p.tokens.length * core.headDim);
    assert.strictEqual(p.next?.logits.length, core.config.vocab_size);
    assert.strictEqual(p.next?.top.length, 10);
    const best = p.next!.top[0].id;
    assert.ok(p.next!.logits.every((x) => x <= p.next!.logits[best]));
  });
});
