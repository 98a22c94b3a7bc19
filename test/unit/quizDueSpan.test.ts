import * as assert from 'node:assert';
import { dueSpan } from '../../src/shared/quiz/dueSpan';
import { answered, dueBuckets, emptyProgress, withItem } from '../../src/shared/quiz/progress';
import { Rating } from '../../src/shared/quiz/scheduling';

const T0 = Date.UTC(2025, 2, 3, 8, 0, 0);

suite('quiz due times in words', () => {
  test('a time still ahead is never "now": 20 seconds ahead is "in 1 minute"', () => {
    assert.deepStrictEqual(dueSpan(T0 + 20_000, T0), { unit: 'minute', count: 1 });
    assert.deepStrictEqual(dueSpan(T0 + 90_000, T0), { unit: 'minute', count: 2 });
    assert.deepStrictEqual(dueSpan(T0, T0), { unit: 'now' });
    assert.deepStrictEqual(dueSpan(T0 + 3 * 3_600_000, T0), { unit: 'hour', count: 3 });
    assert.deepStrictEqual(dueSpan(T0 + 8 * 86_400_000, T0), { unit: 'day', count: 8 });
    assert.deepStrictEqual(dueSpan(T0 + 90 * 86_400_000, T0), { unit: 'month', count: 3 });
  });

  test('the summary rows and its "Due now" header agree on which items are due now', () => {
    // wrong answers given over the last minute: each is due one minute after it was answered
    let p = emptyProgress();
    const answeredAt = [0, 15_000, 30_000, 45_000].map((ms) => T0 + ms);
    answeredAt.forEach((at, k) => (p = withItem(p, `padding-mask#item-${k}`, answered(undefined, false, Rating.Again, at))));
    const now = T0 + 80_000;
    const rowsSayNow = Object.values(p.items).filter((it) => dueSpan(it.card.due, now).unit === 'now').length;
    assert.strictEqual(rowsSayNow, dueBuckets(p, now).now);
  });
});
