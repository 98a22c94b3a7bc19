import * as assert from 'node:assert';
import type { PreparedItem } from '../../src/shared/quiz/askedItem';
import {
  answered,
  dueBuckets,
  dueKeys,
  emptyProgress,
  mergeProgress,
  nextDueAfter,
  type Progress,
  questionProgress,
  withItem,
} from '../../src/shared/quiz/progress';
import {
  EXPORT_FORMAT,
  exportProgress,
  importDecision,
  type LoadedProgress,
  parseExport,
  parseProgress,
  PROGRESS_PROBLEM_TEXT,
  progressProblemEnglish,
} from '../../src/shared/quiz/progressFormat';
import { planReview, planRun } from '../../src/shared/quiz/quizPlan';
import { QuizRun } from '../../src/shared/quiz/quizRun';
import { Rating, review } from '../../src/shared/quiz/scheduling';
import { untranslated } from './l10nBundle';

const T0 = Date.UTC(2025, 2, 3, 8, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;
const english = (loaded: LoadedProgress) => loaded.problems.map(progressProblemEnglish);

function sample(): Progress {
  let p = emptyProgress();
  p = withItem(p, 'padding-mask#which-axis', answered(undefined, true, Rating.Good, T0)); // due T0 + 10 min
  p = withItem(p, 'padding-mask#all-masked', answered(undefined, false, Rating.Again, T0)); // due T0 + 1 min
  p = withItem(p, 'why-scale-sqrt-dk#variance', answered(undefined, true, Rating.Easy, T0)); // due in days
  return p;
}

suite('quiz progress: model', () => {
  test('due keys, next due and buckets', () => {
    const p = sample();
    assert.deepStrictEqual(dueKeys(p, T0), []);
    assert.deepStrictEqual(dueKeys(p, T0 + 30 * MIN), ['padding-mask#all-masked', 'padding-mask#which-axis'], 'earliest first');
    assert.deepStrictEqual(
      dueKeys(p, T0 + 30 * MIN, new Set(['padding-mask#which-axis'])),
      ['padding-mask#which-axis'],
      'items no longer in the bank do not count',
    );
    assert.strictEqual(nextDueAfter(p, T0), T0 + MIN);
    assert.deepStrictEqual(dueBuckets(p, T0 + 5 * MIN), {
      now: 1,
      hour: 1,
      day: 0,
      week: p.items['why-scale-sqrt-dk#variance'].card.due - T0 <= 7 * DAY ? 1 : 0,
      later: p.items['why-scale-sqrt-dk#variance'].card.due - T0 > 7 * DAY ? 1 : 0,
    });
  });

  test('progress for the questions tree', () => {
    const p = sample();
    assert.deepStrictEqual(questionProgress(p, 'positional-encoding'), { seen: false });
    assert.deepStrictEqual(questionProgress(p, 'padding-mask'), { seen: true, score: 0.5, due: T0 + MIN });
    assert.strictEqual(questionProgress(p, 'why-scale-sqrt-dk').score, 1);
  });

  test('merge keeps whichever answer is newer, item by item', () => {
    const a = sample();
    let b = emptyProgress();
    b = withItem(b, 'padding-mask#which-axis', answered(a.items['padding-mask#which-axis'], false, Rating.Again, T0 + DAY));
    b = withItem(b, 'padding-mask#all-masked', { ...a.items['padding-mask#all-masked'], lastAnsweredAt: T0 - DAY });
    b = withItem(b, 'causal-mask#shape', answered(undefined, true, Rating.Good, T0));
    const { progress, taken } = mergeProgress(a, b);
    assert.strictEqual(taken, 2);
    assert.strictEqual(progress.items['padding-mask#which-axis'].attempts, 2);
    assert.deepStrictEqual(progress.items['padding-mask#all-masked'], a.items['padding-mask#all-masked']);
    assert.deepStrictEqual(
      progress.items['padding-mask#which-axis'].log.map((e) => e.rating),
      [Rating.Good, Rating.Again],
      'the answers of both logs',
    );
    assert.ok(progress.items['causal-mask#shape']);
  });
});

suite('quiz progress: a run', () => {
  const item = (key: string, answer = 0): PreparedItem => {
    const [questionId, itemId] = key.split('#');
    return { kind: 'single', prompt: 'p', choices: ['a', 'b'], answer, key, questionId, itemId, explain: 'e' };
  };

  test('an item is graded once per run: a second answer is refused and changes neither score nor schedule', () => {
    const before = sample();
    const run = new QuizRun([item('padding-mask#which-axis'), item('attention#new')]);
    const first = run.answer(0, { kind: 'single', choice: 1 }, 3000, T0 + DAY, before);
    assert.strictEqual(first.correct, false);
    assert.strictEqual(first.rating, Rating.Again);
    assert.ok(run.isAnswered(0));
    assert.throws(() => run.answer(0, { kind: 'single', choice: 0 }, 3000, T0 + DAY + 5000, first.progress), /already answered/);
    const it = first.progress.items['padding-mask#which-axis'];
    assert.strictEqual(it.attempts, before.items['padding-mask#which-axis'].attempts + 1, 'one attempt');
    assert.deepStrictEqual(it.card, review(before.items['padding-mask#which-axis'].card, Rating.Again, T0 + DAY));
    const o = run.outcomes[0];
    assert.ok(o.status === 'answered' && o.answer.kind === 'single' && o.answer.choice === 1, 'the recorded answer stays the first one');
    run.skip(1);
    run.skip(0); // already answered: the answer stands
    assert.deepStrictEqual(run.score(), { right: 0, wrong: 1, skipped: 1, total: 2 });
  });

  test('a run asks due items first, then new ones, then the rest; reviews only what is due', () => {
    const p = sample();
    const candidates = ['why-scale-sqrt-dk#variance', 'padding-mask#which-axis', 'x#new-1', 'padding-mask#all-masked', 'x#new-2'];
    assert.deepStrictEqual(planRun(candidates, p, T0 + 5 * MIN), [
      'padding-mask#all-masked',
      'x#new-1',
      'x#new-2',
      'padding-mask#which-axis',
      'why-scale-sqrt-dk#variance',
    ]);
    assert.deepStrictEqual(planRun(candidates, p, T0 + 5 * MIN, 2), ['padding-mask#all-masked', 'x#new-1']);
    assert.deepStrictEqual(planReview(candidates, p, T0 + 30 * MIN), ['padding-mask#all-masked', 'padding-mask#which-axis']);
    assert.deepStrictEqual(planReview(candidates, p, T0), []);
  });
});

suite('quiz progress: stored data, migration and corruption', () => {
  test('nothing stored is an empty start, not a problem', () => {
    for (const raw of [undefined, null])
      assert.deepStrictEqual(parseProgress(raw), { progress: emptyProgress(), outcome: 'empty', problems: [] });
  });

  test('current data survives a JSON round trip unchanged (globalState, sync, export)', () => {
    const p = sample();
    const back = parseProgress(JSON.parse(JSON.stringify(p)));
    assert.strictEqual(back.outcome, 'ok');
    assert.deepStrictEqual(back.progress, p);
    assert.deepStrictEqual(parseProgress(JSON.stringify(p)).progress, p, 'also when stored as a JSON string');
  });

  test('damaged items are dropped and named; the valid ones are kept', () => {
    const p = JSON.parse(JSON.stringify(sample()));
    p.items['padding-mask#all-masked'].card.due = 'tomorrow';
    p.items['why-scale-sqrt-dk#variance'].correct = 99;
    p.items['not a key'] = p.items['padding-mask#which-axis'];
    p.items['causal-mask#x'] = null;
    p.items['padding-mask#which-axis'].extra = 'junk';
    const r = parseProgress(p);
    assert.strictEqual(r.outcome, 'recovered');
    assert.deepStrictEqual(Object.keys(r.progress.items), ['padding-mask#which-axis']);
    assert.strictEqual('extra' in r.progress.items['padding-mask#which-axis'], false, 'unknown fields are not carried on');
    assert.strictEqual(r.problems.length, 4);
    assert.ok(
      english(r).some((m) => m.startsWith('padding-mask#all-masked: card.due')),
      english(r).join('\n'),
    );
    assert.ok(english(r).some((m) => m.startsWith('why-scale-sqrt-dk#variance: attempts/correct')));
    assert.ok(english(r).some((m) => m.startsWith('not a key: the key')));
  });

  test('unreadable data starts afresh with a reason, and never throws', () => {
    const cases: [unknown, RegExp][] = [
      [42, /number, not an object/],
      [[1, 2], /a list/],
      ['{not json', /not JSON/],
      [{ items: {} }, /no known format version/],
      [{ version: 2, items: [] }, /no "items" object/],
      [{ version: 7, items: {} }, /newer version of Transformer Tutor \(format 7/],
    ];
    for (const [raw, why] of cases) {
      const r = parseProgress(raw);
      assert.strictEqual(r.outcome, 'unreadable', JSON.stringify(raw));
      assert.deepStrictEqual(r.progress, emptyProgress());
      assert.match(english(r)[0], why);
    }
  });

  test('version 1 (ts-fsrs cards as JSON) is migrated with its schedule intact', () => {
    const due = new Date(T0 + 3 * DAY).toISOString();
    const v1 = {
      version: 1,
      cards: {
        'padding-mask#which-axis': {
          due,
          stability: 3.2,
          difficulty: 5.1,
          elapsed_days: 0,
          scheduled_days: 3,
          learning_steps: 0,
          reps: 2,
          lapses: 0,
          state: 'Review',
          last_review: new Date(T0).toISOString(),
        },
        'padding-mask#all-masked': {
          due,
          stability: 0.5,
          difficulty: 7,
          scheduled_days: 0,
          reps: 3,
          lapses: 1,
          state: 3,
          last_review: new Date(T0).toISOString(),
        },
        'causal-mask#broken': { due: 'never', stability: 1, difficulty: 1, scheduled_days: 0, reps: 1, lapses: 0, state: 1 },
      },
      results: { 'padding-mask#which-axis': { right: 2, wrong: 0 }, 'padding-mask#all-masked': { right: 1, wrong: 2 } },
    };
    const r = parseProgress(v1);
    assert.strictEqual(r.outcome, 'recovered', 'migrated, but one card was broken');
    assert.deepStrictEqual(english(r), ['causal-mask#broken: card.due is not a time']);
    const a = r.progress.items['padding-mask#which-axis'];
    assert.deepStrictEqual(a.card, {
      due: T0 + 3 * DAY,
      stability: 3.2,
      difficulty: 5.1,
      scheduledDays: 3,
      learningSteps: 0,
      reps: 2,
      lapses: 0,
      state: 2,
      lastReview: T0,
    });
    assert.deepStrictEqual([a.attempts, a.correct, a.lastCorrect, a.lastAnsweredAt], [2, 2, true, T0]);
    const b = r.progress.items['padding-mask#all-masked'];
    assert.deepStrictEqual([b.attempts, b.correct, b.lastCorrect, b.card.state], [3, 1, false, 3]);
    delete (v1.cards as Record<string, unknown>)['causal-mask#broken'];
    assert.strictEqual(parseProgress(v1).outcome, 'migrated');
    // the migrated card schedules on with ts-fsrs
    assert.ok(review(a.card, Rating.Good, T0 + 3 * DAY).due > T0 + 3 * DAY);
  });

  test('every problem with stored or imported progress has an English text and a Chinese translation with the same placeholders', () => {
    assert.deepStrictEqual(untranslated(PROGRESS_PROBLEM_TEXT), []);
  });

  test('export files round-trip; other JSON is refused with a reason', () => {
    const p = sample();
    const file = JSON.parse(JSON.stringify(exportProgress(p, T0)));
    assert.strictEqual(file.format, EXPORT_FORMAT);
    assert.strictEqual(file.exportedAt, new Date(T0).toISOString());
    const back = parseExport(file);
    assert.strictEqual(back.outcome, 'ok');
    assert.deepStrictEqual(back.progress, p);
    const other = parseExport({ format: 'anki-deck', version: 2, items: {} });
    assert.strictEqual(other.outcome, 'unreadable');
    assert.match(english(other)[0], /not a Transformer Tutor progress export/);
  });

  test('import: a file with no valid item is refused before anything is offered; damaged items are named before the choice', () => {
    const good = sample().items['padding-mask#which-axis'];
    const onlyDamaged = parseExport({ format: EXPORT_FORMAT, version: 2, items: { 'padding-mask#which-axis': { card: 'gone' } } });
    assert.deepStrictEqual(importDecision(onlyDamaged), {
      type: 'refuse',
      why: 'damaged',
      problems: [{ code: 'cardMissing', args: ['padding-mask#which-axis'] }],
    });
    assert.deepStrictEqual(importDecision(parseExport({ format: EXPORT_FORMAT, version: 2, items: {} })), {
      type: 'refuse',
      why: 'empty',
      problems: [],
    });
    const some = parseExport({
      format: EXPORT_FORMAT,
      version: 2,
      items: { 'padding-mask#which-axis': good, 'padding-mask#all-masked': { card: 'gone' } },
    });
    assert.deepStrictEqual(importDecision(some), {
      type: 'ask',
      count: 1,
      problems: [{ code: 'cardMissing', args: ['padding-mask#all-masked'] }],
    });
  });

  test('every answer is logged; version 2 progress is migrated with empty logs; a damaged log costs only the log', () => {
    const p = sample();
    assert.deepStrictEqual(p.items['padding-mask#all-masked'].log, [{ at: T0, rating: Rating.Again }]);
    const again = answered(p.items['padding-mask#all-masked'], true, Rating.Good, T0 + DAY);
    assert.deepStrictEqual(
      again.log.map((e) => e.at),
      [T0, T0 + DAY],
    );

    const v2 = JSON.parse(JSON.stringify({ ...p, version: 2 }));
    for (const it of Object.values(v2.items) as { log?: unknown }[]) delete it.log;
    const migrated = parseProgress(v2);
    assert.strictEqual(migrated.outcome, 'migrated');
    assert.strictEqual(migrated.progress.version, 3);
    assert.deepStrictEqual(migrated.progress.items['padding-mask#which-axis'], { ...p.items['padding-mask#which-axis'], log: [] });

    const damaged = JSON.parse(JSON.stringify(p));
    damaged.items['padding-mask#which-axis'].log = [{ at: T0, rating: 9 }];
    const r = parseProgress(damaged);
    assert.strictEqual(r.outcome, 'recovered');
    assert.deepStrictEqual(
      r.progress.items['padding-mask#which-axis'],
      { ...p.items['padding-mask#which-axis'], log: [] },
      'the schedule is kept',
    );
    assert.match(english(r)[0], /^padding-mask#which-axis: the review log/);
  });

  test('fitted parameters travel with the progress (sync, export); damaged ones are named and dropped', () => {
    const fitted = {
      w: Array.from({ length: 21 }, (_, i) => 0.1 + i / 10),
      fittedAt: T0,
      reviews: 250,
      logLoss: { default: 0.34, fitted: 0.31 },
    };
    const p = { ...sample(), fitted };
    const back = parseExport(JSON.parse(JSON.stringify(exportProgress(p, T0))));
    assert.strictEqual(back.outcome, 'ok');
    assert.deepStrictEqual(back.progress, p);
    const bad = parseProgress(JSON.parse(JSON.stringify({ ...p, fitted: { ...fitted, w: [1, 2] } })));
    assert.strictEqual(bad.outcome, 'recovered');
    assert.strictEqual(bad.progress.fitted, undefined);
    assert.match(english(bad)[0], /fitted scheduling parameters are damaged/);
    const newer = { ...fitted, fittedAt: T0 + DAY };
    assert.deepStrictEqual(mergeProgress(p, { ...emptyProgress(), fitted: newer }).progress.fitted, newer, 'the newer fit wins a merge');
  });
});
