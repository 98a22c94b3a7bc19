import * as assert from 'node:assert';
import { answered, emptyProgress, withItem } from '../../src/shared/quiz/progress';
import { planRun } from '../../src/shared/quiz/quizPlan';
import { seededRandom } from '../../src/shared/quiz/rng';
import { Rating } from '../../src/shared/quiz/scheduling';

const T0 = Date.UTC(2025, 2, 3, 8, 0, 0);
const DAY = 86_400_000;

/** A bank-shaped list of keys in bank order: 7 topics of 3 questions, 5 items each. */
const TOPICS = ['attention', 'embeddings', 'architecture', 'decoder', 'training', 'bert', 'tokenization'];
const topicOf = (questionId: string) => questionId.split('-')[0];
const candidates = TOPICS.flatMap((t) => [1, 2, 3].flatMap((q) => [1, 2, 3, 4, 5].map((i) => `${t}-q${q}#item-${i}`)));
const questionOf = (key: string) => key.split('#')[0];

suite('quiz plan: which items a run asks', () => {
  test('new items are spread over every topic and question, not taken from the first questions in bank order', () => {
    const run = planRun(candidates, emptyProgress(), T0, 10, { topicOf, random: seededRandom(1) });
    assert.strictEqual(run.length, 10);
    assert.strictEqual(new Set(run.map(questionOf)).size, 10, `questions: ${run.map(questionOf).join(', ')}`);
    assert.strictEqual(new Set(run.map((k) => topicOf(questionOf(k)))).size, 7, 'every topic');
    const other = planRun(candidates, emptyProgress(), T0, 10, { topicOf, random: seededRandom(2) });
    assert.notDeepStrictEqual(other, run, 'another run seed, another mix');
    assert.deepStrictEqual(
      planRun(candidates, emptyProgress(), T0, 10, { topicOf, random: seededRandom(1) }),
      run,
      'the same seed, the same run',
    );
  });

  test('due items still come first, then the new ones; a run as long as the scope asks every item once', () => {
    let p = emptyProgress();
    p = withItem(p, 'bert-q3#item-5', answered(undefined, true, Rating.Good, T0 - 3 * DAY));
    p = withItem(p, 'attention-q1#item-1', answered(undefined, true, Rating.Easy, T0));
    const run = planRun(candidates, p, T0 + DAY, 10, { topicOf, random: seededRandom(3) });
    assert.strictEqual(run[0], 'bert-q3#item-5');
    assert.ok(!run.includes('attention-q1#item-1'), 'an item not yet due waits while new ones remain');
    const all = planRun(candidates, emptyProgress(), T0, candidates.length, { topicOf, random: seededRandom(3) });
    assert.deepStrictEqual([...all].sort(), [...candidates].sort());
  });
});
