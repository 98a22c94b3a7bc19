import * as assert from 'node:assert';
import { nextLabParams } from '../../src/shared/labs/labParams';

suite('lab parameters', () => {
  test('another sample keeps the token the learner masked and counts up by one', () => {
    const masked = nextLabParams({}, { kind: 'token', index: 4 });
    const once = nextLabParams(masked, { kind: 'anotherSample' });
    assert.deepStrictEqual(once, { token: 4, seed: 1 });
    assert.deepStrictEqual(nextLabParams(once, { kind: 'anotherSample' }), { token: 4, seed: 2 });
  });

  test('a decoding setting changes itself only: the other settings and the sample number stay', () => {
    const hot = nextLabParams({ topK: 50, seed: 2 }, { kind: 'setParam', param: 'temperature', value: 1.5 });
    assert.deepStrictEqual(hot, { topK: 50, seed: 2, temperature: 1.5 });
    assert.deepStrictEqual(nextLabParams(hot, { kind: 'setParam', param: 'topK', value: 0 }), { topK: 0, seed: 2, temperature: 1.5 });
  });

  test('masking another token keeps the sample drawn', () => {
    assert.deepStrictEqual(nextLabParams({ token: 4, seed: 3 }, { kind: 'token', index: 7 }), { token: 7, seed: 3 });
  });
});
