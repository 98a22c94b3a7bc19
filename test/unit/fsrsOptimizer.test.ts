import * as assert from 'node:assert';
import { checkedFit, evaluateLogLoss, fitParameters, loadOptimizer, optimizerPackage } from '../../src/host/quiz/fsrsOptimizer';
import { logLoss } from '../../src/shared/quiz/fsrsLogLoss';
import { histories, spacedExamples, trainingItems } from '../../src/shared/quiz/fsrsTraining';
import { DEFAULT_W } from '../../src/shared/quiz/scheduling';
import { simulateLearner } from '../fixtures/simulatedLearner';

suite('the FSRS optimizer (@open-spaced-repetition/binding)', () => {
  test("each platform's binary comes from its own package, and an unbuilt platform names none", () => {
    assert.strictEqual(optimizerPackage('linux', 'x64'), '@open-spaced-repetition/binding-linux-x64-gnu');
    assert.strictEqual(optimizerPackage('win32', 'x64'), '@open-spaced-repetition/binding-win32-x64-msvc');
    assert.strictEqual(optimizerPackage('freebsd', 'x64'), undefined);
  });

  test('loads in Node and fits a simulated forgetful learner: other parameters than the defaults, a lower log loss on their reviews', async () => {
    const items = trainingItems(histories(simulateLearner({ items: 120, days: 90, seed: 1, start: Date.UTC(2025, 0, 1) }), 0));
    const w = await fitParameters(items);
    assert.strictEqual(w.length, DEFAULT_W.length);
    assert.ok(
      w.some((x, i) => Math.abs(x - DEFAULT_W[i]) > 1e-3),
      'parameters of its own',
    );
    const [before, after] = [await evaluateLogLoss(items), await evaluateLogLoss(items, w)];
    assert.ok(before !== undefined && after !== undefined && after < before, `log loss ${before} → ${after}`);
  });

  test('a fit is adopted only when parameters fitted to the earlier reviews predict the latest ones better than the defaults', async () => {
    const start = Date.UTC(2025, 0, 1);
    const forgetful = spacedExamples(simulateLearner({ items: 120, days: 90, seed: 1, start }), 0).map((x) => x.history);
    const adopted = await checkedFit(forgetful);
    assert.ok(adopted.adopted && adopted.logLoss.fitted < adopted.logLoss.default, JSON.stringify(adopted));
    // the same kind of learner, another draw: here the earlier reviews mislead the fit, and the defaults stay
    const misleading = spacedExamples(simulateLearner({ items: 120, days: 90, seed: 4, start }), 0).map((x) => x.history);
    const kept = await checkedFit(misleading);
    assert.ok(
      !kept.adopted && kept.why === 'no-better' && kept.logLoss && kept.logLoss.fitted >= kept.logLoss.default,
      JSON.stringify(kept),
    );
  });
});

suite('the FSRS optimizer where no native build exists (WebAssembly)', () => {
  const items = trainingItems(histories(simulateLearner({ items: 120, days: 90, seed: 1, start: Date.UTC(2025, 0, 1) }), 0));

  test('the vendored WebAssembly build loads and fits the simulated learner to parameters that predict their reviews better', async () => {
    const { build } = await loadOptimizer('wasm');
    assert.strictEqual(build, 'wasm');
    const w = await fitParameters(items, 'wasm');
    assert.strictEqual(w.length, DEFAULT_W.length);
    const [before, after] = [await evaluateLogLoss(items, undefined, 'wasm'), await evaluateLogLoss(items, w, 'wasm')];
    assert.ok(before !== undefined && after !== undefined && after < before, `log loss ${before} → ${after}`);
  });

  test("its stand-in for evaluate (ts-fsrs's memory model) agrees with the native optimizer's log loss to 0.03 and ranks fits the same way", async () => {
    const w = await fitParameters(items, 'native');
    const native = [await evaluateLogLoss(items, undefined, 'native'), await evaluateLogLoss(items, w, 'native')] as number[];
    const ours = [logLoss(items, DEFAULT_W), logLoss(items, w)] as number[];
    native.forEach((x, i) => assert.ok(Math.abs(x - ours[i]) < 0.03, `native ${x} vs ts-fsrs ${ours[i]}`));
    assert.strictEqual(ours[1] < ours[0], native[1] < native[0]);
  });

  test('a history with nothing to predict scores nothing', () => {
    assert.strictEqual(logLoss([[{ rating: 3, deltaT: 0 }]], DEFAULT_W), undefined);
    assert.strictEqual(logLoss([], DEFAULT_W), undefined);
  });
});
