import * as assert from 'node:assert';
import { nextLabParams } from '../../src/shared/labs/labParams';

suite('lab parameters', () => {
  test('another sample keeps the token the learner masked and counts up by one', () => {
    const masked = nextLabParams({}, { kind: 'token', index: 4 });
    const once = nextLabParams(masked, { kind: 'anotherSample' });
    assert.deepStrictEqual(once, { token: 4, seed: 1 });
    assert.deepStrictEqual(nextLabParams(once, { kind: 'anotherSample' }), { token: 4, seed: 2 });
  });

  test('masking another token keeps the sample drawn', () => {
    assert.deepStrictEqual(nextLabParams({ token: 4, seed: 3 }, { kind: 'token', index: 7 }), { token: 7, seed: 3 });
  });
});
