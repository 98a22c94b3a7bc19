import * as assert from 'node:assert';
import { onnx } from 'onnx-proto';
import { fusedAttentionProblem, inspectGraph, vocabularyMismatch } from '../../src/host/encoder/graphInspection';
import { attentionAs4d } from '../../src/host/encoder/graphRun';
import { type ModelProblem, modelProblemEnglish } from '../../src/shared/modelProblem';

const englishOf = (p: ModelProblem | undefined) => (p ? modelProblemEnglish(p) : '');

const table = (name: string, rows: number, cols = 4) =>
  onnx.TensorProto.create({ name, dims: [rows, cols], dataType: onnx.TensorProto.DataType.FLOAT });
const node = (opType: string, input: string[], output: string[], domain = '') => onnx.NodeProto.create({ opType, input, output, domain });

suite('graph inspection before the first run', () => {
  suite('the embedding table the token ids index', () => {
    test('Gather(table, input_ids)', () => {
      const g = onnx.GraphProto.create({
        initializer: [table('pos', 512), table('tok', 30522)],
        node: [node('Gather', ['pos', 'p'], ['a']), node('Gather', ['tok', 'input_ids'], ['b'])],
      });
      assert.strictEqual(inspectGraph(g, 'input_ids').embeddingRows, 30522, 'the table the ids index, not the first one');
    });

    test('through a Cast (int32 inputs) and a Reshape', () => {
      const g = onnx.GraphProto.create({
        initializer: [table('tok', 1000)],
        node: [node('Cast', ['input_ids:0'], ['c']), node('Reshape', ['c', 'shape'], ['r']), node('Gather', ['tok', 'r'], ['e'])],
      });
      assert.strictEqual(inspectGraph(g, 'input_ids:0').embeddingRows, 1000);
    });

    test('a table held in a Constant node', () => {
      const constant = onnx.NodeProto.create({
        opType: 'Constant',
        output: ['tok'],
        attribute: [onnx.AttributeProto.create({ name: 'value', t: table('', 777) })],
      });
      const g = onnx.GraphProto.create({ node: [constant, node('Gather', ['tok', 'input_ids'], ['e'])] });
      assert.strictEqual(inspectGraph(g, 'input_ids').embeddingRows, 777);
    });

    test("ONNX Runtime's EmbedLayerNormalization", () => {
      const g = onnx.GraphProto.create({
        initializer: [table('word', 8192)],
        node: [node('EmbedLayerNormalization', ['input_ids', 'segment_ids', 'word', 'pos', 'seg'], ['x'], 'com.microsoft')],
      });
      assert.strictEqual(inspectGraph(g, 'input_ids').embeddingRows, 8192);
    });

    test('no table found: undefined, and nothing is compared', () => {
      assert.strictEqual(
        inspectGraph(onnx.GraphProto.create({ node: [node('Relu', ['input_ids'], ['y'])] }), 'input_ids').embeddingRows,
        undefined,
      );
    });
  });

  suite('fused attention, in any domain', () => {
    test('com.microsoft Attention, MultiHeadAttention in a custom domain, the ONNX Attention: counted by kind', () => {
      const g = onnx.GraphProto.create({
        node: [
          node('Attention', ['x'], ['a0'], 'com.microsoft'),
          node('Attention', ['a0'], ['a1'], 'com.microsoft'),
          node('MultiHeadAttention', ['a1'], ['a2'], 'ai.onnx.contrib'),
          node('Attention', ['a2'], ['a3']),
          node('Softmax', ['a3'], ['s']),
        ],
      });
      const facts = inspectGraph(g, 'input_ids');
      assert.deepStrictEqual(facts.fusedAttention, [
        { opType: 'Attention', domain: 'com.microsoft', count: 2 },
        { opType: 'MultiHeadAttention', domain: 'ai.onnx.contrib', count: 1 },
        { opType: 'Attention', domain: 'ai.onnx', count: 1 },
      ]);
      assert.match(
        modelProblemEnglish(fusedAttentionProblem(facts.fusedAttention)),
        /^its attention is fused into 2 com\.microsoft Attention nodes and 1 ai\.onnx\.contrib MultiHeadAttention node and 1 ai\.onnx Attention node, which compute/,
      );
    });

    test('a node merely named after attention is not fused attention', () => {
      const g = onnx.GraphProto.create({
        node: [onnx.NodeProto.create({ name: '/layer.0/attention/Softmax', opType: 'Softmax', input: ['x'], output: ['y'] })],
      });
      assert.deepStrictEqual(inspectGraph(g, 'input_ids').fusedAttention, []);
    });
  });

  suite('tokenizer against the embedding table', () => {
    test('equal sizes, or a table padded by a few rows, fit', () => {
      assert.strictEqual(vocabularyMismatch(30522, 30522), undefined);
      assert.strictEqual(vocabularyMismatch(50257, 50304), undefined, 'padded to a multiple of 64');
      assert.strictEqual(vocabularyMismatch(8192, 8192 + 128), undefined);
    });

    test('a table smaller than the tokenizer: ids would fall outside it', () => {
      assert.match(
        englishOf(vocabularyMismatch(30522, 8192)),
        /30,522 entries but the model's embedding table has 8,192 rows, so ids from 8,192 on would fall outside it/,
      );
    });

    test("a table much larger: another model's tokenizer", () => {
      assert.match(
        englishOf(vocabularyMismatch(8192, 30522)),
        /8,192 entries but the model's embedding table has 30,522 rows, so the tokenizer belongs to another model/,
      );
      assert.match(englishOf(vocabularyMismatch(28996, 30522)), /belongs to another model/, 'bert-base-cased with bert-base-uncased');
    });
  });

  suite('attention outputs as [batch, heads, queries, keys] over the tokens', () => {
    test('[batch x heads, T, T] (PyTorch nn.MultiheadAttention) is read as [batch, heads, T, T], without a copy', () => {
      const data = Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i);
      const out = attentionAs4d({ data, dims: [6, 2, 2] }, 2, 2, 2);
      assert.deepStrictEqual(out.dims, [2, 3, 2, 2]);
      assert.strictEqual(out.data, data);
    });

    test('a fixed length: the rows and columns past the tokens are cropped off', () => {
      // one head, width 4, 2 tokens: value = 10 * query + key
      const data = Float32Array.from({ length: 16 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4));
      const out = attentionAs4d({ data, dims: [1, 1, 4, 4] }, 1, 4, 2);
      assert.deepStrictEqual(out.dims, [1, 1, 2, 2]);
      assert.deepStrictEqual([...out.data], [0, 1, 10, 11]);
    });

    test('a shape that is not attention is passed on for the shape check to name', () => {
      const o = { data: new Float32Array(6), dims: [1, 6] };
      assert.deepStrictEqual(attentionAs4d(o, 1, 3, 3).dims, [1, 6]);
    });
  });
});
