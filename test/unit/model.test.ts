import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import { decodeModel, loadOnnxProto } from '../../src/host/encoder/onnxGraph';
import { BUNDLED } from './modelFiles';

interface Ref {
  cases: {
    input_ids: number[][];
    token_type_ids: number[][];
    attention_mask: number[][];
    head_mask: number[][];
    lens_position: number[];
    outputs: Record<string, { dims: number[]; data: number[] }>;
  }[];
  tokenization: { text: string; ids: number[] }[];
}
const ref: Ref = JSON.parse(readFileSync(BUNDLED.modelPath.replace('model.onnx', 'reference.json'), 'utf8'));
const config = JSON.parse(readFileSync(BUNDLED.configPath!, 'utf8'));
const ONE = new ort.Tensor('float32', Float32Array.of(1), [1]);
const L = config.num_layers;
const H = config.num_heads;
/** head_mask (1 keeps a head) and lens_position, which every run of the bundled graph must feed */
const heads = (keep: number[][] = config.input_defaults.head_mask) => new ort.Tensor('float32', Float32Array.from(keep.flat()), [L, H]);
const lensAt = (p = 0) => new ort.Tensor('int64', BigInt64Array.of(BigInt(p)), [1]);
const i64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0].length]);

suite('the committed model', () => {
  let session: ort.InferenceSession;
  suiteSetup(async () => {
    session = await ort.InferenceSession.create(BUNDLED.modelPath, { logSeverityLevel: 3 });
  });

  test('config.json describes the graph', () => {
    for (const k of ['num_layers', 'num_heads', 'hidden_size', 'max_position_embeddings', 'vocab_size'])
      assert.ok(Number.isInteger(config[k]), k);
    const outs = new Set(session.outputNames);
    for (let l = 0; l < config.num_layers; l++)
      for (const p of ['attn', 'q', 'k', 'v', 'hidden']) assert.ok(outs.has(`${p}_${l}`), `${p}_${l}`);
    for (const n of ['mlm_logits', 'nsp_logits', 'emb_token', 'emb_position', 'emb_segment']) assert.ok(outs.has(n), n);
    assert.deepStrictEqual([...session.inputNames].sort(), [
      'attention_mask',
      'head_mask',
      'input_ids',
      'lens_position',
      'pos_scale',
      'token_type_ids',
    ]);
    assert.deepStrictEqual(config.input_defaults.pos_scale, [1]);
    assert.deepStrictEqual(
      config.input_defaults.head_mask,
      Array.from({ length: L }, () => Array<number>(H).fill(1)),
    );
    assert.deepStrictEqual(config.input_defaults.lens_position, [0]);
  });

  test('with pos_scale = 0, shuffling the tokens just shuffles the attention matrix', async () => {
    const ids = ref.cases[0].input_ids[0];
    const T = ids.length;
    const perm = ids.map((_, i) => (i * 5 + 3) % T); // a fixed permutation (T and 5 coprime in practice)
    if (new Set(perm).size !== T) perm.splice(0, T, ...ids.map((_, i) => T - 1 - i));
    const run = async (seq: number[], posScale: number) => {
      const zeros = seq.map(() => 0);
      const ones = seq.map(() => 1);
      const r = await session.run(
        {
          input_ids: i64([seq]),
          token_type_ids: i64([zeros]),
          attention_mask: i64([ones]),
          pos_scale: new ort.Tensor('float32', Float32Array.of(posScale), [1]),
          head_mask: heads(),
          lens_position: lensAt(),
        },
        ['attn_1'],
      );
      return r.attn_1.data as Float32Array;
    };
    const maxPermDiff = (a: Float32Array, b: Float32Array) => {
      let worst = 0;
      for (let h = 0; h < H; h++)
        for (let i = 0; i < T; i++)
          for (let j = 0; j < T; j++) worst = Math.max(worst, Math.abs(b[(h * T + i) * T + j] - a[(h * T + perm[i]) * T + perm[j]]));
      return worst;
    };
    const shuffled = perm.map((p) => ids[p]);
    assert.ok(maxPermDiff(await run(ids, 0), await run(shuffled, 0)) <= 1e-5, 'no positions: permutation-equivariant');
    assert.ok(maxPermDiff(await run(ids, 1), await run(shuffled, 1)) > 1e-3, 'with positions: not just a shuffle');
  });

  test('ONNX Runtime reproduces PyTorch on the stored references (max abs diff ≤ 1e-4)', async () => {
    for (const c of ref.cases) {
      const feeds = {
        input_ids: i64(c.input_ids),
        token_type_ids: i64(c.token_type_ids),
        attention_mask: i64(c.attention_mask),
        pos_scale: ONE,
        head_mask: heads(c.head_mask),
        lens_position: lensAt(c.lens_position[0]),
      };
      const sliced = ['mlm_logits', 'lens_logits']; // the references keep the first 64 entries of the vocabulary
      const names = Object.keys(c.outputs).filter((n) => !sliced.includes(n));
      const res = await session.run(feeds, [...names, ...sliced]);
      for (const n of names) {
        assert.deepStrictEqual([...res[n].dims], c.outputs[n].dims, `${n} dims`);
        const got = res[n].data as Float32Array;
        let worst = 0;
        c.outputs[n].data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]))));
        assert.ok(worst <= 1e-4, `${n}: max abs diff ${worst}`);
      }
      for (const n of sliced) {
        const got = res[n];
        const vocab = got.dims[2];
        const want = c.outputs[n];
        let worst = 0;
        for (let i = 0; i < got.dims[0] * got.dims[1]; i++)
          for (let j = 0; j < 64; j++) worst = Math.max(worst, Math.abs((got.data as Float32Array)[i * vocab + j] - want.data[i * 64 + j]));
        assert.ok(worst <= 1e-4, `${n}: max abs diff ${worst}`);
      }
    }
  });

  test('shapes, rows summing to 1, and exactly zero attention on padded keys', async () => {
    const c = ref.cases[1]; // a padded batch of three
    const feeds = {
      input_ids: i64(c.input_ids),
      token_type_ids: i64(c.token_type_ids),
      attention_mask: i64(c.attention_mask),
      pos_scale: ONE,
      head_mask: heads(),
      lens_position: lensAt(),
    };
    const res = await session.run(feeds, ['attn_0', `attn_${config.num_layers - 1}`, 'q_0', 'nsp_logits']);
    const [B, T] = [c.input_ids.length, c.input_ids[0].length];
    assert.deepStrictEqual([...res.attn_0.dims], [B, config.num_heads, T, T]);
    assert.deepStrictEqual([...res.q_0.dims], [B, config.num_heads, T, config.hidden_size / config.num_heads]);
    assert.deepStrictEqual([...res.nsp_logits.dims], [B, 2]);
    for (const name of ['attn_0', `attn_${config.num_layers - 1}`]) {
      const a = res[name].data as Float32Array;
      for (let b = 0; b < B; b++)
        for (let h = 0; h < config.num_heads; h++)
          for (let q = 0; q < T; q++) {
            let sum = 0;
            for (let k = 0; k < T; k++) {
              const w = a[((b * config.num_heads + h) * T + q) * T + k];
              if (c.attention_mask[b][k] === 0) assert.strictEqual(w, 0, `${name} b${b} h${h} q${q} → padded key ${k}`);
              sum += w;
            }
            assert.ok(Math.abs(sum - 1) < 1e-5, `${name} row sums to ${sum}`);
          }
    }
  });

  test('the tokenizer in TypeScript gives the same ids as the training pipeline', () => {
    const tok = new Tokenizer(JSON.parse(readFileSync(BUNDLED.tokenizerPath, 'utf8')), {});
    for (const r of ref.tokenization) assert.deepStrictEqual(tok.encode(r.text, { add_special_tokens: false }).ids, r.ids, r.text);
  });

  test('the export computes no shapes at run time, and projects q, k and v with one matmul per layer', async () => {
    // models/train/lean_graph.py folds every reshape target into a constant; export.py traces q, k, v
    // as one MatMul and a Split. Each saves ONNX Runtime nodes that would run on every call.
    const model = decodeModel(await loadOnnxProto(), readFileSync(BUNDLED.modelPath));
    const stored = new Set((model.graph.initializer ?? []).map((t) => t.name));
    const nodes = model.graph.node;
    const reshapes = nodes.filter((n) => n.opType === 'Reshape');
    assert.ok(reshapes.length >= 2 * config.num_layers, `${reshapes.length} Reshape nodes`);
    for (const r of reshapes)
      assert.ok(stored.has(r.input![1]), `${r.name} reads its target shape from ${r.input![1]}, not a stored constant`);
    assert.strictEqual(nodes.filter((n) => n.opType === 'Split').length, config.num_layers);
    assert.strictEqual(nodes.filter((n) => n.opType === 'ConstantOfShape').length, 0, 'the padding mask is built with no shape arithmetic');
  });

  suite('head_mask and the logit lens', () => {
    const c = () => ref.cases[0];
    const run = (keep: number[][], names: string[], lens = 0) =>
      session.run(
        {
          input_ids: i64(c().input_ids),
          token_type_ids: i64(c().token_type_ids),
          attention_mask: i64(c().attention_mask),
          pos_scale: ONE,
          head_mask: heads(keep),
          lens_position: lensAt(lens),
        },
        names,
      );
    const allKept = () => Array.from({ length: L }, () => Array<number>(H).fill(1));
    const maxDiff = (a: ort.Tensor, b: ort.Tensor) =>
      (a.data as Float32Array).reduce((m, x, i) => Math.max(m, Math.abs(x - (b.data as Float32Array)[i])), 0);

    test("switching a head off zeroes that head's attention and changes its layer's output, and nothing before it or beside it", async () => {
      const names = ['attn_1', 'attn_delta_1', 'hidden_1', 'attn_0', 'mlm_logits'];
      const off = allKept();
      off[1][2] = 0;
      const [kept, cut] = [await run(allKept(), names), await run(off, names)];
      const T = c().input_ids[0].length;
      const a = cut.attn_1.data as Float32Array;
      const b = kept.attn_1.data as Float32Array;
      for (let h = 0; h < H; h++) {
        const block = (x: Float32Array) => x.subarray(h * T * T, (h + 1) * T * T);
        if (h === 2)
          assert.ok(
            block(a).every((x) => x === 0),
            'the head switched off reports no attention',
          );
        else assert.deepStrictEqual(block(a), block(b), `head ${h} of the same layer is untouched`);
      }
      assert.strictEqual(maxDiff(cut.hidden_1, kept.hidden_1), 0, 'what comes before the layer is untouched');
      assert.strictEqual(maxDiff(cut.attn_0, kept.attn_0), 0);
      assert.ok(maxDiff(cut.attn_delta_1, kept.attn_delta_1) > 1e-3, "the layer's output loses the head's share");
      assert.ok(maxDiff(cut.mlm_logits, kept.mlm_logits) > 1e-3, 'and the prediction moves');
    });

    test('the default head_mask (all ones) is the unmasked run', async () => {
      const names = ['attn_3', 'mlm_logits'];
      const [withDefault, ref0] = [await run(config.input_defaults.head_mask, names), await run(allKept(), names)];
      assert.strictEqual(maxDiff(withDefault.mlm_logits, ref0.mlm_logits), 0);
    });

    test("the logit lens after the last layer is the model's own MLM output at that token", async () => {
      const p = 3;
      const res = await run(allKept(), ['lens_logits', 'mlm_logits'], p);
      const [, layers, vocab] = res.lens_logits.dims;
      assert.strictEqual(layers, L + 1, 'after the embeddings and after each layer');
      const lens = (res.lens_logits.data as Float32Array).subarray((layers - 1) * vocab, layers * vocab);
      const mlm = (res.mlm_logits.data as Float32Array).subarray(p * vocab, (p + 1) * vocab);
      assert.ok(
        lens.every((x, i) => Math.abs(x - mlm[i]) < 1e-4),
        'last row = mlm_logits at the position',
      );
      const first = (res.lens_logits.data as Float32Array).subarray(0, vocab);
      assert.ok(
        first.some((x, i) => Math.abs(x - mlm[i]) > 1e-2),
        'earlier rows differ',
      );
    });
  });

  test('the model file stays within 16 MB', () => {
    assert.ok(readFileSync(BUNDLED.modelPath).length <= 16 * 1024 * 1024);
  });
});
