import * as assert from 'node:assert';
import { type DeclaredInput, mapModelInputs, type ModelInputs } from '../../src/shared/modelInputs';
import { modelProblemEnglish } from '../../src/shared/modelProblem';

const dyn = ['batch', 'sequence'];
const input = (name: string, type = 'int64', dims: readonly (number | string)[] = dyn): DeclaredInput => ({ name, type, dims });

function mapped(declared: DeclaredInput[]): ModelInputs {
  const r = mapModelInputs(declared);
  if ('problem' in r) assert.fail(`refused: ${modelProblemEnglish(r.problem)}`);
  return r.inputs;
}

function problem(declared: DeclaredInput[]): string {
  const r = mapModelInputs(declared);
  if (!('problem' in r)) assert.fail(`accepted: ${JSON.stringify(r.inputs)}`);
  return modelProblemEnglish(r.problem);
}

suite('mapModelInputs: which input takes what, from the graph alone', () => {
  test('Hugging Face names, int64, dynamic axes', () => {
    const m = mapped([input('input_ids'), input('attention_mask'), input('token_type_ids')]);
    assert.deepStrictEqual(m, {
      ids: 'input_ids',
      mask: 'attention_mask',
      segments: 'token_type_ids',
      positions: undefined,
      posScale: undefined,
      intTypes: { input_ids: 'int64', attention_mask: 'int64', token_type_ids: 'int64' },
      fixedLength: undefined,
      fixedBatch: undefined,
    });
  });

  test('a decoder with a KV cache (Hugging Face’s past_key_values.N.key, or past_key / past_value) is named as a decoder, not as unknown inputs', () => {
    const cache = (name: string) => input(name, 'float32', ['batch', 4, 'past', 8]);
    assert.match(
      problem([
        input('input_ids'),
        input('attention_mask'),
        cache('past_key_values.0.key'),
        cache('past_key_values.0.value'),
        cache('past_key_values.1.key'),
      ]),
      /GPT-style decoder export \(its inputs past_key_values\.0\.key, past_key_values\.0\.value, … carry a KV cache\)/,
    );
    assert.match(
      problem([input('input_ids'), cache('past_key'), cache('past_value')]),
      /GPT-style decoder export \(its inputs past_key, past_value carry/,
    );
    // other unknown inputs stay what they were
    assert.match(problem([input('input_ids'), input('pixel_values', 'float32')]), /inputs this extension cannot provide: pixel_values/);
  });

  test('the original BERT names with a TensorFlow ":0" suffix, int32, fixed at [1, 128]', () => {
    const m = mapped([
      input('input_ids:0', 'int32', [1, 128]),
      input('input_mask:0', 'int32', [1, 128]),
      input('segment_ids:0', 'int32', [1, 128]),
    ]);
    assert.strictEqual(m.ids, 'input_ids:0');
    assert.strictEqual(m.mask, 'input_mask:0');
    assert.strictEqual(m.segments, 'segment_ids:0');
    assert.deepStrictEqual(m.intTypes, { 'input_ids:0': 'int32', 'input_mask:0': 'int32', 'segment_ids:0': 'int32' });
    assert.strictEqual(m.fixedLength, 128);
    assert.strictEqual(m.fixedBatch, 1);
  });

  test('TF Hub names (input_word_ids, input_type_ids) and a scope before the name', () => {
    const m = mapped([input('bert/input_word_ids'), input('input_mask'), input('input_type_ids')]);
    assert.deepStrictEqual([m.ids, m.mask, m.segments], ['bert/input_word_ids', 'input_mask', 'input_type_ids']);
  });

  test('no segment input and no mask: ids alone are enough', () => {
    const m = mapped([input('input_ids')]);
    assert.strictEqual(m.segments, undefined);
    assert.strictEqual(m.mask, undefined);
  });

  test('each input keeps its own integer type', () => {
    const m = mapped([input('input_ids', 'int32'), input('attention_mask', 'int64')]);
    assert.deepStrictEqual(m.intTypes, { input_ids: 'int32', attention_mask: 'int64' });
  });

  test('position_ids and the bundled pos_scale are fed', () => {
    const m = mapped([input('input_ids'), input('position_ids'), input('pos_scale', 'float32', [1])]);
    assert.strictEqual(m.positions, 'position_ids');
    assert.strictEqual(m.posScale, 'pos_scale');
  });

  test('a fixed length on one input fixes it for all', () => {
    assert.strictEqual(mapped([input('input_ids', 'int64', ['batch', 64]), input('attention_mask')]).fixedLength, 64);
  });

  suite('refused, saying what was found and what would work', () => {
    test('no input takes token ids', () => {
      assert.match(
        problem([input('ids'), input('attention_mask')]),
        /inputs are \[ids, attention_mask\], and none of them takes token ids \(expected input_ids/,
      );
    });

    test('an input nobody feeds', () => {
      assert.match(
        problem([input('input_ids'), input('unique_ids')]),
        /cannot provide: unique_ids \(it feeds token ids \(input_ids\), an attention mask/,
      );
    });

    test('two inputs for one role', () => {
      assert.match(
        problem([input('input_ids'), input('attention_mask'), input('input_mask')]),
        /attention_mask and input_mask, both look like the mask input/,
      );
    });

    test('float ids', () => {
      assert.match(problem([input('input_ids', 'float32')]), /token id input input_ids takes float32, where int64 or int32 would work/);
    });

    test('a mask that is not a tensor', () => {
      assert.match(
        problem([input('input_ids'), { name: 'attention_mask', type: undefined, dims: [] }]),
        /mask input attention_mask takes a non-tensor value/,
      );
    });

    test('ids of the wrong rank', () => {
      assert.match(
        problem([input('input_ids', 'int64', ['sequence'])]),
        /input_ids has shape \[sequence\], where \[batch, sequence\] would work/,
      );
    });

    test('inputs fixed to different lengths', () => {
      assert.match(
        problem([input('input_ids', 'int64', [1, 128]), input('attention_mask', 'int64', [1, 64])]),
        /disagree on the sequence length \(128 and 64\)/,
      );
    });

    test('a fixed length too short for [CLS] x [SEP]', () => {
      assert.match(problem([input('input_ids', 'int64', [1, 2])]), /sequences of 2 tokens.*export it with a dynamic sequence axis/);
    });
  });
});
