import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EncoderCore, type ModelFiles } from '../../src/host/encoder/encoderCore';
import { type LoadedRuntime, loadRuntime } from '../../src/host/encoder/runtime';
import type { EncodingPayload } from '../../src/shared/encoding';
import { BUNDLED } from './modelFiles';
import { onnx } from 'onnx-proto';
import { ModelVariants, plainExport, rejectsFormat } from './modelVariants';
import { assertOffsets } from './offsets';

/** test/fixtures/byo-models: exports made by PyTorch's exporter and ONNX Runtime's optimiser (see its README). */
const FIXTURES = path.resolve(__dirname, '../fixtures/byo-models');
/** The WordPiece vocabulary of 8,192 entries the fixtures were made for (this project's earlier one). */
const FIXTURE_TOKENIZER = path.join(FIXTURES, 'tokenizer-8192.json');
const fixture = (name: string, tokenizerPath = FIXTURE_TOKENIZER): ModelFiles => ({
  name,
  modelPath: path.join(FIXTURES, name, 'model.onnx'),
  tokenizerPath,
});

const PAIR = 'The cat sat on the mat because it was tired.\n\nIt fell asleep in the sun.';

/** Every attention row over the tokens sums to 1: the weights of a softmax over exactly these keys. */
function assertRowsSumToOne(p: EncodingPayload): void {
  const T = p.tokens.length;
  assert.strictEqual(p.attention.length, p.numLayers * p.numHeads * T * T, 'attention is [layer][head][query][key]');
  for (let row = 0; row < p.numLayers * p.numHeads * T; row++) {
    const sum = p.attention.subarray(row * T, (row + 1) * T).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4, `row ${row} sums to ${sum}`);
  }
}

suite('bring-your-own exports from other tools (test/fixtures/byo-models)', () => {
  let runtime: LoadedRuntime;
  const variants = new ModelVariants();
  suiteSetup(async () => {
    runtime = await loadRuntime();
  });
  suiteTeardown(() => variants.dispose());

  test('torch-encoder (PyTorch nn.TransformerEncoder, no segment input, attention as [batch x heads, T, T]) works end to end', async () => {
    const core = await EncoderCore.load(fixture('torch-encoder'), runtime);
    try {
      assert.strictEqual(core.attentionOutputs.length, 2);
      assert.strictEqual(core.config.num_heads, 4, 'the head count read off a first run');
      assert.deepStrictEqual(core.capabilities, {
        qkv: false,
        mlm: false,
        nsp: false,
        hidden: false,
        positionSwitch: false,
        headMask: false,
        logitLens: false,
      });
      const p = await core.encode({ text: PAIR });
      assert.strictEqual(p.numLayers, 2);
      assert.strictEqual(p.numHeads, 4);
      assert.ok(
        p.tokens.some((t) => t.segment === 1),
        'a sentence pair is still split into A and B, though the model has no segment input',
      );
      assertRowsSumToOne(p);
      assertOffsets(PAIR, p);
    } finally {
      await core.release();
    }
  });

  test('ort-optimized (the same export rewritten by ONNX Runtime: the Softmax feeds a FusedMatMul) gives the same attention', async () => {
    const [plain, optimized] = [
      await EncoderCore.load(fixture('torch-encoder'), runtime),
      await EncoderCore.load(fixture('ort-optimized'), runtime),
    ];
    try {
      for (const text of [PAIR, 'def forward(self, x):\n    return self.norm(x)']) {
        const [a, b] = [await plain.encode({ text }), await optimized.encode({ text })];
        assert.deepStrictEqual(b.tokens, a.tokens);
        const worst = a.attention.reduce((m, v, i) => Math.max(m, Math.abs(v - b.attention[i])), 0);
        assert.ok(worst < 1e-5, `max abs diff ${worst}`);
      }
    } finally {
      await plain.release();
      await optimized.release();
    }
  });

  test('tf-style-int32-fixed (int32 input_ids:0 / input_mask:0 / segment_ids:0, fixed at [1, 128]) works end to end within 128 tokens', async () => {
    const core = await EncoderCore.load(fixture('tf-style-int32-fixed'), runtime);
    try {
      assert.strictEqual(core.maxTokens, 128, 'a window holds what the export was traced for');
      const feeds = core.feeds([2, 5, 3], [0, 0, 0]);
      assert.deepStrictEqual(Object.keys(feeds).sort(), ['input_ids:0', 'input_mask:0', 'segment_ids:0']);
      for (const t of Object.values(feeds)) {
        assert.strictEqual(t.type, 'int32');
        assert.deepStrictEqual(t.dims, [1, 128]);
      }
      assert.deepStrictEqual([...(feeds['input_mask:0'].data as Int32Array).slice(0, 5)], [1, 1, 1, 0, 0], 'the padding is masked');
      const p = await core.encode({ text: PAIR });
      assert.ok(p.tokens.length < 128);
      // cropped to the tokens: the rows still sum to 1 only because the padding got no weight
      assertRowsSumToOne(p);
      assertOffsets(PAIR, p);
      const long = Array.from({ length: 60 }, (_, i) => `Sentence ${i} is here.`).join(' ');
      const w = await core.encode({ text: long, window: 1 });
      assert.ok(w.window && w.window.count > 2 && w.tokens.length <= 128, `${w.tokens.length} tokens in window 2 of ${w.window?.count}`);
      assertRowsSumToOne(w);
      assertOffsets(long, w);
    } finally {
      await core.release();
    }
  });

  test('uncased-vocab (an embedding table of 30,522 rows) is refused with the bundled tokenizer, and works with one of its size', async () => {
    await rejectsFormat(
      EncoderCore.load(fixture('uncased-vocab'), runtime),
      /tokenizer has 8,192 entries but the model's embedding table has 30,522 rows.*use the tokenizer\.json exported with this model/,
    );
    // a tokenizer of the table's size (the bundled vocabulary and unused entries): accepted
    const json = JSON.parse(readFileSync(FIXTURE_TOKENIZER, 'utf8'));
    for (let id = 8192; id < 30522; id++) json.model.vocab[`[unused${id}]`] = id;
    const core = await EncoderCore.load(fixture('uncased-vocab', variants.tokenizer('uncased-size.json', json)), runtime);
    try {
      assertRowsSumToOne(await core.encode({ text: PAIR }));
    } finally {
      await core.release();
    }
  });

  test('fused-attention (com.microsoft Attention nodes, as an O2 optimisation writes) is refused, naming the nodes and the export that would work', async () => {
    await rejectsFormat(
      EncoderCore.load(fixture('fused-attention'), runtime),
      /fused into 2 com\.microsoft Attention nodes.*without attention fusion \(optimum-cli export onnx without --optimize/,
    );
  });

  test('gpt-style-cache (a causal decoder with past_key_values inputs, as GPT-2 exports come) is refused as a decoder, pointing at the bundled one', async () => {
    await rejectsFormat(
      EncoderCore.load(fixture('gpt-style-cache'), runtime),
      /GPT-style decoder export \(its inputs past_key_values\.0\.key, past_key_values\.0\.value, … carry a KV cache\).*model switch/,
    );
  });

  test('a Softmax that multiplies something but is not attention over the tokens is refused by the first run at load', async () => {
    // a plain export plus a Softmax over the embeddings ([1, T, 128]) feeding a MatMul: tapped like attention
    const modelPath = variants.model('softmax-elsewhere.onnx', (m) => {
      plainExport(m);
      const g = m.graph!;
      g.initializer!.push(
        onnx.TensorProto.create({
          name: 'extra_w',
          dataType: onnx.TensorProto.DataType.FLOAT,
          dims: [128, 128],
          floatData: new Array(128 * 128).fill(0),
        }),
      );
      g.node!.push(
        onnx.NodeProto.create({
          opType: 'Softmax',
          input: ['emb_sum'],
          output: ['extra_softmax'],
          attribute: [onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 })],
        }),
        onnx.NodeProto.create({ opType: 'MatMul', input: ['extra_softmax', 'extra_w'], output: ['extra_out'] }),
      );
      g.output!.push(
        onnx.ValueInfoProto.create({ name: 'extra_out', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }),
      );
    });
    await rejectsFormat(
      EncoderCore.load(variants.files(modelPath), runtime),
      /on three tokens its attention output extra_softmax has shape \[1, 3, 128\], where \[1, heads, 3, 3\].*does not look like attention over the tokens/,
    );
  });

  test('the bundled model with TensorFlow input names and int32 inputs gives the bundled attention', async () => {
    const modelPath = variants.model('tf-names.onnx', (m) => {
      const g = m.graph!;
      const names: Record<string, string> = { input_ids: 'input_ids:0', attention_mask: 'input_mask:0', token_type_ids: 'segment_ids:0' };
      for (const input of g.input ?? []) {
        const to = names[input.name ?? ''];
        if (!to) continue;
        input.type!.tensorType!.elemType = 6; // INT32
        // the graph reads the int64 it had before through a Cast
        for (const n of g.node ?? []) n.input = (n.input ?? []).map((x) => (x === input.name ? `${to}/int64` : x));
        g.node!.unshift({ opType: 'Cast', input: [to], output: [`${to}/int64`], attribute: [{ name: 'to', type: 2, i: 7 }] });
        input.name = to;
      }
    });
    const [mine, bundled] = [await EncoderCore.load({ ...BUNDLED, modelPath }, runtime), await EncoderCore.load(BUNDLED, runtime)];
    try {
      const [a, b] = [await mine.encode({ text: PAIR }), await bundled.encode({ text: PAIR })];
      assert.deepStrictEqual(a.tokens, b.tokens);
      assert.deepStrictEqual(a.attention, b.attention);
      assert.strictEqual(mine.feeds([2, 5, 3], [0, 0, 0])['segment_ids:0'].type, 'int32');
    } finally {
      await mine.release();
      await bundled.release();
    }
  });
});
