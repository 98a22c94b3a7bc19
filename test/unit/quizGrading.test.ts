import * as assert from 'node:assert';
import type { AskedItem } from '../../src/shared/quiz/askedItem';
import { gradeAnswer, parseNumericAnswer } from '../../src/shared/quiz/grading';
import { askedFromFacts, type ModelFacts } from '../../src/shared/quiz/modelItems/facts';

const single: AskedItem = { kind: 'single', prompt: 'p', choices: ['a', 'b', 'c'], answer: 1 };
const multiple: AskedItem = { kind: 'multiple', prompt: 'p', choices: ['a', 'b', 'c', 'd'], answer: [0, 2] };
const tf: AskedItem = { kind: 'truefalse', prompt: 'p', answer: false };
const numeric: AskedItem = { kind: 'numeric', prompt: 'p', answer: 0.333, tolerance: 0.001 };

suite('quiz grading', () => {
  test('single choice: only the right index', () => {
    assert.ok(gradeAnswer(single, { kind: 'single', choice: 1 }));
    assert.ok(!gradeAnswer(single, { kind: 'single', choice: 0 }));
    assert.ok(!gradeAnswer(single, { kind: 'single', choice: -1 }));
    assert.ok(!gradeAnswer(single, { kind: 'truefalse', value: true }), 'another kind of answer is wrong');
  });

  test('multiple choice: exactly the right set, in any order', () => {
    assert.ok(gradeAnswer(multiple, { kind: 'multiple', choices: [2, 0] }));
    assert.ok(gradeAnswer(multiple, { kind: 'multiple', choices: [0, 2, 2] }), 'duplicates do not matter');
    assert.ok(!gradeAnswer(multiple, { kind: 'multiple', choices: [0] }), 'too few');
    assert.ok(!gradeAnswer(multiple, { kind: 'multiple', choices: [0, 1, 2] }), 'too many');
    assert.ok(!gradeAnswer(multiple, { kind: 'multiple', choices: [] }));
    const none: AskedItem = { kind: 'multiple', prompt: 'p', choices: ['a'], answer: [] };
    assert.ok(gradeAnswer(none, { kind: 'multiple', choices: [] }), '"none of them" can be right');
  });

  test('true/false', () => {
    assert.ok(gradeAnswer(tf, { kind: 'truefalse', value: false }));
    assert.ok(!gradeAnswer(tf, { kind: 'truefalse', value: true }));
  });

  test('numeric: within the absolute tolerance, boundaries included', () => {
    assert.ok(gradeAnswer(numeric, { kind: 'numeric', value: 0.333 }));
    assert.ok(gradeAnswer(numeric, { kind: 'numeric', value: 1 / 3 }));
    assert.ok(gradeAnswer(numeric, { kind: 'numeric', value: 0.334 }), 'the edge of the tolerance counts');
    assert.ok(!gradeAnswer(numeric, { kind: 'numeric', value: 0.335 }));
    assert.ok(!gradeAnswer(numeric, { kind: 'numeric', value: NaN }));
    const exact: AskedItem = { kind: 'numeric', prompt: 'p', answer: 0.3, tolerance: 0 };
    assert.ok(gradeAnswer(exact, { kind: 'numeric', value: 0.1 + 0.2 }), 'float noise is forgiven');
  });

  test('numeric input is read leniently but never guessed', () => {
    const cases: [string, number | undefined][] = [
      ['0.333', 0.333],
      [' .5 ', 0.5],
      ['-2', -2],
      ['1e-3', 0.001],
      ['1/3', 1 / 3],
      ['0,25', 0.25],
      ['０．５', 0.5],
      ['−1', -1],
      ['8', 8],
      ['', undefined],
      ['abc', undefined],
      ['1/0', undefined],
      ['1,000,000', undefined],
      ['0.5 0.6', undefined],
    ];
    for (const [text, want] of cases) assert.strictEqual(parseNumericAnswer(text), want, JSON.stringify(text));
  });

  test('model items grade as the single-choice or true/false item they become', () => {
    const attended: ModelFacts = {
      template: 'most-attended',
      layer: 0,
      head: 1,
      query: { index: 3, text: 'it' },
      options: [
        { index: 1, text: 'the', weight: 0.1 },
        { index: 2, text: 'cat', weight: 0.7 },
      ],
      answer: 1,
    };
    const asked = askedFromFacts(attended, { prompt: 'which?', choices: ['“the”', '“cat”'] });
    assert.strictEqual(asked.kind, 'single');
    assert.ok(gradeAnswer(asked, { kind: 'single', choice: 1 }));
    assert.ok(!gradeAnswer(asked, { kind: 'single', choice: 0 }));
    const leak: ModelFacts = {
      template: 'padding-leak',
      variant: 'kept',
      layer: 0,
      head: 0,
      query: { index: 1, text: 'a' },
      padCount: 4,
      shareWithoutMask: 0.2,
      shareWithMask: 0,
      answer: false,
    };
    const tfAsked = askedFromFacts(leak, { prompt: 'leak?' });
    assert.strictEqual(tfAsked.kind, 'truefalse');
    assert.ok(gradeAnswer(tfAsked, { kind: 'truefalse', value: false }));
    assert.ok(!gradeAnswer(tfAsked, { kind: 'truefalse', value: true }));
  });
});
