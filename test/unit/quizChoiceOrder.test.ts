import * as assert from 'node:assert';
import type { PreparedItem } from '../../src/shared/quiz/askedItem';
import { itemSeed, presentItem } from '../../src/shared/quiz/choiceOrder';
import { gradeAnswer } from '../../src/shared/quiz/grading';

const base = { key: 'padding-mask#which-axis', questionId: 'padding-mask', itemId: 'which-axis', explain: 'e', prompt: 'p' };
type Single = Extract<PreparedItem, { kind: 'single' }>;
type Multiple = Extract<PreparedItem, { kind: 'multiple' }>;
const single: Single = { ...base, kind: 'single', choices: ['right', 'w1', 'w2', 'w3'], answer: 0 };
const multiple: Multiple = {
  ...base,
  key: 'padding-mask#full-rows',
  itemId: 'full-rows',
  kind: 'multiple',
  choices: ['r1', 'r2', 'w1', 'w2'],
  answer: [0, 1],
};

const shownSingle = (seed: number) => presentItem(single, seed) as Single & { order: number[] };

suite('quiz choice order', () => {
  test('the same run seed and item show the same order (Back), other seeds other orders', () => {
    assert.deepStrictEqual(shownSingle(42).choices, shownSingle(42).choices);
    const orders = new Set(Array.from({ length: 50 }, (_, s) => shownSingle(s).choices.join()));
    assert.ok(orders.size >= 15, `only ${orders.size} distinct orders of 4 choices in 50 runs`);
    assert.notStrictEqual(itemSeed(7, 'a#b'), itemSeed(7, 'a#c'), 'items of one run are drawn apart');
  });

  test('the right answer lands in every position about equally often', () => {
    const at = [0, 0, 0, 0];
    for (let s = 0; s < 4000; s++) at[shownSingle(s).answer]++;
    for (const n of at) assert.ok(Math.abs(n - 1000) < 120, `positions ${at.join(', ')} of 4000 runs`);
  });

  test('grading and the right-answer text follow the shown order', () => {
    for (let s = 0; s < 20; s++) {
      const shown = shownSingle(s);
      assert.strictEqual(shown.choices[shown.answer], 'right');
      assert.deepStrictEqual(
        shown.order.map((from) => single.choices[from]),
        shown.choices,
      );
      assert.ok(gradeAnswer(shown, { kind: 'single', choice: shown.answer }));
      if (shown.answer !== 0)
        assert.ok(!gradeAnswer(shown, { kind: 'single', choice: 0 }), 'the authored index is not the answer any more');
      const m = presentItem(multiple, s) as Multiple;
      assert.deepStrictEqual(m.answer.map((i) => m.choices[i]).sort(), ['r1', 'r2']);
      assert.deepStrictEqual(
        m.answer,
        [...m.answer].sort((a, b) => a - b),
        'listed in shown order',
      );
      assert.ok(gradeAnswer(m, { kind: 'multiple', choices: m.answer }));
    }
  });

  test('with shuffling off, and for items without choices, nothing moves', () => {
    const kept = presentItem(single, 3, false) as Single;
    assert.deepStrictEqual(kept.choices, single.choices);
    assert.strictEqual(kept.answer, 0);
    const tf: PreparedItem = { ...base, kind: 'truefalse', answer: true };
    assert.strictEqual(presentItem(tf, 3), tf);
  });
});
