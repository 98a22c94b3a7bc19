import * as assert from 'node:assert';
import {
  dayOf,
  fitStatus,
  histories,
  MIN_SPACED_REVIEWS,
  REFIT_AFTER,
  reschedule,
  shouldFitNow,
  spacedReviews,
  trainingItems,
} from '../../src/shared/quiz/fsrsTraining';
import { answered, emptyProgress, type Progress, withItem } from '../../src/shared/quiz/progress';
import { Rating } from '../../src/shared/quiz/scheduling';
import { FORGETFUL_LEARNER, simulateLearner } from '../fixtures/simulatedLearner';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2025, 0, 6, 0, 0, 0);

suite('quiz FSRS training data', () => {
  test('days are the learner’s calendar days, starting at 4 am in their time zone', () => {
    const beijing = -480; // UTC+8, as Date.getTimezoneOffset gives it
    const at = (localHour: number) => START + (localHour - 8) * HOUR;
    assert.strictEqual(dayOf(at(3.9), beijing), dayOf(at(-1), beijing), '3:54 am belongs to the day before');
    assert.strictEqual(dayOf(at(4.1), beijing), dayOf(at(3.9), beijing) + 1);
    assert.strictEqual(dayOf(at(23), beijing), dayOf(at(4.1), beijing), 'one evening is one day');
  });

  test('histories carry the days between answers; logs missing earlier answers are left out', () => {
    let it = answered(undefined, true, Rating.Good, START + 10 * HOUR);
    it = answered(it, false, Rating.Again, START + 3 * DAY + 10 * HOUR);
    it = answered(it, true, Rating.Good, START + 3 * DAY + 10 * HOUR + 60_000);
    let p: Progress = withItem(emptyProgress(), 'a#whole', it);
    p = withItem(p, 'a#migrated', { ...it, attempts: 7 });
    const hs = histories(p, 0);
    assert.deepStrictEqual(hs, [
      [
        { rating: 3, deltaT: 0 },
        { rating: 1, deltaT: 3 },
        { rating: 3, deltaT: 0 },
      ],
    ]);
    assert.deepStrictEqual(
      trainingItems(hs),
      [
        [
          { rating: 3, deltaT: 0 },
          { rating: 1, deltaT: 3 },
        ],
      ],
      'one item per spaced review, never one ending on a same-day answer',
    );
    assert.strictEqual(spacedReviews(hs), 1);
  });

  test('a fit waits for enough spaced reviews, then comes again every REFIT_AFTER more', () => {
    const none = fitStatus(emptyProgress(), 0);
    assert.deepStrictEqual([none.spaced, none.needed], [0, MIN_SPACED_REVIEWS]);
    assert.ok(!shouldFitNow(none));
    const p = simulateLearner({ items: 100, days: 80, seed: 3, start: START });
    const s = fitStatus(p, 0);
    assert.ok(s.spaced >= MIN_SPACED_REVIEWS && s.needed === 0, `${s.spaced} spaced reviews`);
    assert.ok(shouldFitNow(s), 'the first fit');
    const fitted = { w: [...FORGETFUL_LEARNER], fittedAt: START, reviews: s.spaced - REFIT_AFTER + 1 };
    assert.ok(!shouldFitNow(fitStatus({ ...p, fitted }, 0)), 'too few new reviews since');
    assert.ok(shouldFitNow(fitStatus({ ...p, fitted: { ...fitted, reviews: s.spaced - REFIT_AFTER } }, 0)));
  });

  test('rescheduling replays whole histories with new parameters: a forgetful learner’s items come back sooner', () => {
    const p = simulateLearner({ items: 60, days: 60, seed: 5, start: START });
    const partial = Object.keys(p.items)[0];
    const withPartial = withItem(p, partial, { ...p.items[partial], attempts: p.items[partial].attempts + 3 });
    const r = reschedule(withPartial, { desiredRetention: 0.9, w: FORGETFUL_LEARNER });
    assert.strictEqual(r.replayed, Object.keys(p.items).length - 1);
    assert.strictEqual(r.progress.items[partial], withPartial.items[partial], 'an item missing earlier answers keeps its card');
    assert.ok(r.earlier > r.later, `${r.earlier} earlier, ${r.later} later`);
    assert.ok(
      (r.medianIntervalAfter ?? 0) < (r.medianIntervalBefore ?? 0),
      `median interval ${r.medianIntervalBefore} → ${r.medianIntervalAfter} days`,
    );
    const same = reschedule(p, { desiredRetention: 0.9 });
    assert.deepStrictEqual([same.earlier, same.later], [0, 0], 'replaying with the parameters that made the schedule changes nothing');
  });
});
