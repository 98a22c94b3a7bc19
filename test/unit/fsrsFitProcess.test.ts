import * as assert from 'node:assert';
import * as path from 'node:path';
import { fitInChildProcess } from '../../src/host/quiz/fsrsFitProcess';
import { histories, spacedExamples, trainingItems } from '../../src/shared/quiz/fsrsTraining';
import { simulateLearner } from '../fixtures/simulatedLearner';

const ENTRY = path.join(__dirname, '..', '..', 'src', 'host', 'quiz', 'fsrsFitMain.ts');
const TSX = ['--import', 'tsx'];

suite('the FSRS fit process', function () {
  // each test starts a Node process that loads TypeScript through tsx: seconds on a busy machine
  this.timeout(60_000);

  test('fits in a process of its own and hands back the parameters and both held-out log losses', async () => {
    const items = spacedExamples(simulateLearner({ items: 120, days: 90, seed: 1, start: Date.UTC(2025, 0, 1) }), 0).map((x) => x.history);
    const r = await fitInChildProcess(ENTRY, items, TSX);
    assert.ok(r.adopted, JSON.stringify(r));
    assert.strictEqual(r.w.length, 21);
    assert.ok(r.logLoss.fitted < r.logLoss.default, JSON.stringify(r.logLoss));
  });

  test('an input that makes the optimizer abort ends only its process, with a clear error', async () => {
    // an item whose last review is on the same day as the one before: binding 0.5.0 panics and aborts
    const items = trainingItems(histories(simulateLearner({ items: 40, days: 40, seed: 2, start: Date.UTC(2025, 0, 1) }), 0));
    await assert.rejects(
      fitInChildProcess(
        ENTRY,
        [
          [
            { rating: 3, deltaT: 0 },
            { rating: 3, deltaT: 0 },
          ],
          ...items,
        ],
        TSX,
      ),
      /the FSRS optimizer stopped \((SIGABRT|exit code \d+)\)/,
    );
  });
});
