import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { tapAttention } from '../../src/host/encoder/attentionTap';
import { EncoderCore } from '../../src/host/encoder/encoderCore';
import { type LoadedRuntime, loadRuntime } from '../../src/host/encoder/runtime';
import { BUNDLED } from './modelFiles';
import { ModelVariants, plainExport, rejectsFormat, renameTensor } from './modelVariants';
import { assertOffsets } from './offsets';

const TEXTS = ['The cat sat on the mat because it was tired.', 'def forward(self, x):\n    return self.norm(x)\n\nSecond segment here.'];

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.strictEqual(a.length, b.length, 'same length');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

suite('attention tapping', () => {
  let runtime: LoadedRuntime;
  let bundled: EncoderCore;
  const variants = new ModelVariants();
  suiteSetup(async () => {
    runtime = await loadRuntime();
    bundled = await EncoderCore.load(BUNDLED, runtime);
  });
  suiteTeardown(async () => {
    await bundled?.release();
    variants.dispose();
  });

  test('an export without attention outputs: its Softmax outputs are tapped and equal the bundled attn_N', async () => {
    const modelPath = variants.model('plain.onnx', plainExport);
    const core = await EncoderCore.load(variants.files(modelPath), runtime);
    try {
      assert.deepStrictEqual(
        core.attentionOutputs,
        [0, 1, 2, 3].map((l) => `/encoder/layer.${l}/attention/Softmax_output_0`),
      );
      assert.strictEqual(core.capabilities.qkv, false);
      assert.strictEqual(core.capabilities.mlm, false);
      assert.strictEqual(core.capabilities.positionSwitch, false);
      for (const text of TEXTS) {
        const [mine, ref] = [await core.encode({ text }), await bundled.encode({ text })];
        assert.deepStrictEqual(mine.tokens, ref.tokens, 'same tokens, ranges and segments');
        assert.strictEqual(mine.numLayers, ref.numLayers);
        assert.strictEqual(mine.numHeads, ref.numHeads);
        const diff = maxAbsDiff(mine.attention, ref.attention);
        assert.ok(diff <= 1e-5, `max abs diff ${diff}`);
        assert.strictEqual(mine.q, undefined, 'no q/k/v for a model that has none');
        assertOffsets(text, mine);
      }
    } finally {
      await core.release();
    }
  });

  test('tapAttention names one Softmax per layer, in graph order, and the inputs', async () => {
    const tapped = await tapAttention(readFileSync(variants.model('plain2.onnx', plainExport)));
    assert.strictEqual(tapped.attentionOutputs.length, 4);
    assert.ok(tapped.attentionOutputs[0].includes('layer.0') && tapped.attentionOutputs[3].includes('layer.3'));
    assert.deepStrictEqual(tapped.inputNames, ['input_ids', 'token_type_ids', 'attention_mask']);
    const outputs = onnx.ModelProto.decode(tapped.bytes).graph!.output!.map((o) => o.name);
    for (const name of tapped.attentionOutputs) assert.ok(outputs.includes(name), `${name} is a graph output`);
  });

  test('a graph without an attention Softmax is refused with a reason (and the runtime keeps working)', async () => {
    const modelPath = variants.model('no-softmax.onnx', (m) => {
      plainExport(m);
      for (const n of m.graph!.node!) if (n.opType === 'Softmax') n.opType = 'LogSoftmax';
    });
    await rejectsFormat(EncoderCore.load(variants.files(modelPath), runtime), /no attention Softmax/);
    assert.ok((await bundled.encode({ text: TEXTS[0] })).attention.length > 0, 'the bundled model still encodes');
  });

  test('attention fused into one operator is named as the reason', async () => {
    const g = onnx.GraphProto.create({
      name: 'fused',
      node: [onnx.NodeProto.create({ opType: 'Attention', domain: 'com.microsoft', input: ['x', 'w', 'b'], output: ['y'] })],
      input: [onnx.ValueInfoProto.create({ name: 'x' })],
      output: [onnx.ValueInfoProto.create({ name: 'y' })],
    });
    const bytes = onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, graph: g })).finish();
    await rejectsFormat(tapAttention(bytes), /fused into 1 com.microsoft Attention node, .*export it again without attention fusion/);
  });

  test('bytes that are not a protobuf are refused', async () => {
    await rejectsFormat(tapAttention(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])), /not an ONNX model|no graph/);
  });
});

suite('bring-your-own model files', () => {
  let runtime: LoadedRuntime;
  const variants = new ModelVariants();
  suiteSetup(async () => {
    runtime = await loadRuntime();
  });
  suiteTeardown(() => variants.dispose());

  test('random bytes', async () => {
    let seed = 7;
    const junk = Uint8Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    await rejectsFormat(
      EncoderCore.load(variants.files(variants.bytes('random.onnx', junk)), runtime),
      /ONNX Runtime cannot load .*random\.onnx.*(corrupt|truncated)/,
    );
  });

  test('a truncated model', async () => {
    const cut = variants.bundled.subarray(0, Math.floor(variants.bundled.length * 0.6));
    await rejectsFormat(
      EncoderCore.load(variants.files(variants.bytes('truncated.onnx', cut)), runtime),
      /ONNX Runtime cannot load .*truncated\.onnx/,
    );
  });

  test('an empty model file', async () => {
    await rejectsFormat(EncoderCore.load(variants.files(variants.bytes('empty.onnx', new Uint8Array())), runtime), /is empty/);
  });

  test('a missing model file', async () => {
    const missing = path.join(variants.dir, 'nowhere', 'model.onnx');
    await rejectsFormat(EncoderCore.load(variants.files(missing), runtime), /cannot read the model file .*nowhere/);
  });

  test('a missing tokenizer file', async () => {
    await rejectsFormat(
      EncoderCore.load({ name: 'x', modelPath: BUNDLED.modelPath, tokenizerPath: path.join(variants.dir, 'none.json') }, runtime),
      /cannot read the tokenizer file/,
    );
  });

  test('a tokenizer.json that is not WordPiece (BPE)', async () => {
    const bpe = {
      version: '1.0',
      model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] },
      normalizer: null,
      pre_tokenizer: null,
    };
    await rejectsFormat(EncoderCore.load(variants.files(BUNDLED.modelPath, variants.tokenizer('bpe.json', bpe)), runtime), /WordPiece/);
  });

  test('a tokenizer file that is not JSON', async () => {
    const file = variants.bytes('broken.json', new TextEncoder().encode('{"model": {"type": "WordPiece"'));
    await rejectsFormat(EncoderCore.load(variants.files(BUNDLED.modelPath, file), runtime), /not valid JSON/);
  });

  test('a model with an input this extension cannot feed', async () => {
    const modelPath = variants.model('unique-ids.onnx', (m) => renameTensor(m.graph!, 'token_type_ids', 'unique_ids'));
    await rejectsFormat(EncoderCore.load(variants.files(modelPath), runtime), /cannot provide: unique_ids \(it feeds token ids/);
  });

  test('a model without input_ids', async () => {
    const modelPath = variants.model('ids.onnx', (m) => renameTensor(m.graph!, 'input_ids', 'ids'));
    await rejectsFormat(EncoderCore.load(variants.files(modelPath), runtime), /inputs are \[ids, .*expected input_ids/);
  });

  test('an uncased tokenizer (lowercase, accents stripped) keeps offsets right', async () => {
    const json = JSON.parse(readFileSync(BUNDLED.tokenizerPath, 'utf8'));
    json.normalizer = { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true };
    const core = await EncoderCore.load(variants.files(BUNDLED.modelPath, variants.tokenizer('uncased.json', json)), runtime);
    try {
      const text = 'THE Cat, ÉCOLE Straße and cafe\u0301 — 한국어 İstanbul.';
      const p = await core.encode({ text });
      p.tokens.forEach((t, i) => {
        if (t.special) return;
        const piece = text.slice(t.start, t.end);
        const folded = piece
          .toLowerCase()
          .normalize('NFD')
          .replace(/\p{Mn}/gu, '');
        assert.ok(t.text === '[UNK]' || folded.includes(t.text.replace(/^##/, '')), `token ${i} "${t.text}" over "${piece}"`);
      });
      const the = p.tokens.find((t) => t.text === 'the')!;
      assert.deepStrictEqual([the.start, the.end], [0, 3]);
      const last = p.tokens.at(-2)!;
      assert.strictEqual(text.slice(last.start, last.end), '.');
    } finally {
      await core.release();
    }
  });
});
