import * as assert from 'node:assert';
import { createEmptyCard, fsrs, type Grade } from 'ts-fsrs';
import { ANSWER_TIME, isDue, newCard, Rating, ratingFor, review } from '../../src/shared/quiz/scheduling';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;
const reference = fsrs({ enable_fuzz: false });

suite('quiz scheduling (FSRS)', () => {
  test('the rating comes from correctness and answer time, per kind', () => {
    assert.strictEqual(ratingFor(false, 1_000, 'single'), Rating.Again, 'wrong is Again, however fast');
    assert.strictEqual(ratingFor(false, 100_000, 'numeric'), Rating.Again);
    assert.strictEqual(ratingFor(true, ANSWER_TIME.single.fast, 'single'), Rating.Easy);
    assert.strictEqual(ratingFor(true, ANSWER_TIME.single.fast + 1, 'single'), Rating.Good);
    assert.strictEqual(ratingFor(true, ANSWER_TIME.single.slow - 1, 'single'), Rating.Good);
    assert.strictEqual(ratingFor(true, ANSWER_TIME.single.slow, 'single'), Rating.Hard);
    // a number takes longer to work out: 12 s is fast there, Good for a single choice
    assert.strictEqual(ratingFor(true, 12_000, 'numeric'), Rating.Easy);
    assert.strictEqual(ratingFor(true, 12_000, 'single'), Rating.Good);
    for (const k of Object.values(ANSWER_TIME)) assert.ok(k.fast < k.slow);
  });

  test('a new item is due at once; each rating moves the due date exactly as ts-fsrs says', () => {
    assert.ok(isDue(newCard(T0), T0));
    const ratings: Grade[] = [Rating.Again, Rating.Hard, Rating.Good, Rating.Easy];
    const dues = ratings.map((r) => {
      const ours = review(undefined, r, T0);
      const theirs = reference.next(createEmptyCard(new Date(T0)), new Date(T0), r).card;
      assert.strictEqual(ours.due, theirs.due.getTime(), `rating ${Rating[r]}`);
      assert.strictEqual(ours.reps, 1);
      assert.strictEqual(ours.lastReview, T0);
      return ours.due - T0;
    });
    // FSRS defaults: learning steps of 1 min and 10 min; Easy graduates to days
    assert.strictEqual(dues[0], 1 * MIN, 'Again: 1 minute');
    assert.ok(dues[1] > dues[0] && dues[1] < dues[2], 'Hard between Again and Good');
    assert.strictEqual(dues[2], 10 * MIN, 'Good: 10 minutes');
    assert.ok(dues[3] >= DAY, 'Easy: at least a day');
  });

  test('a history of reviews follows ts-fsrs step by step; a lapse counts and shortens the interval', () => {
    const history: [Grade, number][] = [
      [Rating.Good, 0],
      [Rating.Good, 10 * MIN],
      [Rating.Good, 3 * DAY],
      [Rating.Easy, 15 * DAY],
      [Rating.Again, 60 * DAY],
      [Rating.Good, 60 * DAY + 10 * MIN],
    ];
    let ours = undefined as ReturnType<typeof review> | undefined;
    let theirs = createEmptyCard(new Date(T0));
    let lastInterval = 0;
    for (const [r, at] of history) {
      const now = T0 + at;
      ours = review(ours, r, now);
      theirs = reference.next(theirs, new Date(now), r).card;
      assert.strictEqual(ours.due, theirs.due.getTime(), `${Rating[r]} at +${at / DAY} d`);
      assert.strictEqual(ours.state, theirs.state);
      assert.ok(Math.abs(ours.stability - theirs.stability) < 1e-9);
      if (r === Rating.Again) {
        assert.strictEqual(ours.lapses, 1);
        assert.ok(ours.due - now < lastInterval, 'forgetting brings the item back sooner');
      }
      lastInterval = ours.due - now;
    }
    assert.strictEqual(ours?.reps, history.length);
  });

  test('review() does not touch the card it is given', () => {
    const c = review(undefined, Rating.Good, T0);
    const copy = JSON.stringify(c);
    review(c, Rating.Easy, c.due);
    assert.strictEqual(JSON.stringify(c), copy);
  });
});

suite('quiz scheduling: desired retention', () => {
  test('a higher desired retention brings the next review sooner; the default is 0.9', () => {
    const t0 = Date.UTC(2025, 2, 3, 8, 0, 0);
    const day = 86_400_000;
    // a card in review: learnt, then answered Good a few days later
    const learnt = review(review(undefined, Rating.Good, t0), Rating.Good, t0 + 600_000);
    const interval = (desiredRetention: number) => review(learnt, Rating.Good, learnt.due, { desiredRetention }).due - learnt.due;
    assert.ok(
      interval(0.8) > interval(0.9) && interval(0.9) > interval(0.95),
      `${[0.8, 0.9, 0.95].map((r) => interval(r) / day).join(' > ')} days`,
    );
    assert.strictEqual(review(learnt, Rating.Good, learnt.due).due - learnt.due, interval(0.9));
  });
});
