import * as assert from 'node:assert';
import {
  isModelProblem,
  MODEL_PROBLEM_TEXT,
  ModelFormatError,
  modelProblem,
  modelProblemEnglish,
  problemOf,
} from '../../src/shared/modelProblem';
import { untranslated } from './l10nBundle';

suite("model problems: codes the host says in the user's language", () => {
  test('every code has an English text and a Chinese translation with the same placeholders', () => {
    assert.deepStrictEqual(untranslated(MODEL_PROBLEM_TEXT), []);
  });

  test('the English fills each argument, the same one as often as the text names it', () => {
    assert.strictEqual(
      modelProblemEnglish(modelProblem('vocabularyTooLarge', '30,522', '8,192')),
      "the tokenizer has 30,522 entries but the model's embedding table has 8,192 rows, so ids from 8,192 on would fall outside it: use the tokenizer.json exported with this model",
    );
    assert.strictEqual(modelProblemEnglish(modelProblem('batchDisagrees', 1, 2)), 'its inputs disagree on the batch size (1 and 2)');
  });

  test('a ModelFormatError carries its problem, with the English as its message', () => {
    const err = new ModelFormatError(modelProblem('modelEmpty', '/models/m.onnx'));
    assert.ok(err instanceof Error);
    assert.deepStrictEqual(err.problem, { code: 'modelEmpty', args: ['/models/m.onnx'] });
    assert.strictEqual(err.message, 'the model file /models/m.onnx is empty');
  });

  test('any other load error becomes a problem that keeps its message as detail', () => {
    assert.deepStrictEqual(problemOf(new ModelFormatError(modelProblem('noGraph'))), { code: 'noGraph', args: [] });
    assert.deepStrictEqual(problemOf(new Error('Load model failed')), { code: 'loadFailed', args: ['Load model failed'] });
  });

  test('only a known code with string arguments counts as a problem (what crosses the process boundary)', () => {
    assert.ok(isModelProblem({ code: 'noSoftmax', args: [] }));
    assert.ok(!isModelProblem({ code: 'toString', args: [] }), 'an inherited property is no code');
    assert.ok(!isModelProblem({ code: 'modelEmpty', args: [1] }));
    assert.ok(!isModelProblem('the model file is empty'));
    assert.ok(!isModelProblem(null));
  });
});
