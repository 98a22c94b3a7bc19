import * as assert from 'node:assert';
import { histories, spacedReviews } from '../../src/shared/quiz/fsrsTraining';
import { measuredRetention, predictedReviews } from '../../src/shared/quiz/workload';
import { FORGETFUL_LEARNER, simulateLearner } from '../fixtures/simulatedLearner';

const START = Date.UTC(2025, 0, 6);
const DAY = 86_400_000;

suite('quiz workload and retention', () => {
  const p = simulateLearner({ items: 80, days: 60, seed: 4, start: START });
  const now = START + 60 * DAY;

  test('the retention shown counts the spaced reviews the fit counts, and a forgetful learner falls short of 0.9 on default parameters', () => {
    const r = measuredRetention(p, 0);
    assert.strictEqual(r.total, spacedReviews(histories(p, 0)));
    assert.ok(r.share !== undefined && r.share < 0.9 && r.share > 0.6, `retention ${r.share}`);
    assert.strictEqual(measuredRetention(p, 0, now + DAY).share, undefined, 'none after the last answer');
  });

  test('predicted reviews grow with the desired retention and differ with other parameters', () => {
    const at = (desiredRetention: number, w?: readonly number[]) => predictedReviews(p, { desiredRetention, ...(w ? { w } : {}) }, now, 30);
    assert.ok(at(0.8) < at(0.9) && at(0.9) < at(0.95), `${at(0.8)} < ${at(0.9)} < ${at(0.95)}`);
    assert.ok(at(0.9, FORGETFUL_LEARNER) > at(0.9), 'a learner who forgets faster is asked more often');
    assert.strictEqual(predictedReviews(p, { desiredRetention: 0.9 }, now, 30), at(0.9), 'seeded: the same figure every time');
  });
});
