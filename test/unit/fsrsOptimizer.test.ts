import * as assert from 'node:assert';
import { evaluateLogLoss, fitParameters } from '../../src/host/quiz/fsrsOptimizer';
import { histories, trainingItems } from '../../src/shared/quiz/fsrsTraining';
import { DEFAULT_W } from '../../src/shared/quiz/scheduling';
import { simulateLearner } from '../fixtures/simulatedLearner';

suite('the FSRS optimizer (@open-spaced-repetition/binding)', () => {
  test('loads in Node and fits a simulated forgetful learner: other parameters than the defaults, a lower log loss on their reviews', async () => {
    const items = trainingItems(histories(simulateLearner({ items: 120, days: 90, seed: 1, start: Date.UTC(2025, 0, 1) }), 0));
    const w = await fitParameters(items);
    assert.strictEqual(w.length, DEFAULT_W.length);
    assert.ok(w.some((x, i) => Math.abs(x - DEFAULT_W[i]) > 1e-3), 'parameters of its own');
    assert.ok(w[0] < DEFAULT_W[0] && w[2] < DEFAULT_W[2], `first stabilities ${w.slice(0, 4).map((x) => x.toFixed(2))} below the defaults' (the learner forgets faster)`);
    const [before, after] = [await evaluateLogLoss(items), await evaluateLogLoss(items, w)];
    assert.ok(before !== undefined && after !== undefined && after < before, `log loss ${before} → ${after}`);
  });
});
