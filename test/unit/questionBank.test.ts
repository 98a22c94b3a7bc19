import * as assert from 'node:assert';
import { bankTerms, buildBank, pickText } from '../../src/shared/questions/bank';
import type { QuestionText } from '../../src/shared/questions/types';
import { parsed } from './questionFixtures';

/** A pair of valid files for one question, each optionally changed after parsing. */
function pair(id: string, change: { en?: Partial<QuestionText>; zh?: Partial<QuestionText> } = {}): QuestionText[] {
  return [
    { ...parsed(id, 'en'), ...change.en },
    { ...parsed(id, 'zh-cn'), ...change.zh },
  ];
}

const messages = (texts: QuestionText[]) => buildBank(texts).problems.map((p) => `${p.path}:${p.line ?? ''}: ${p.message}`);

suite('question bank: cross-checks', () => {
  test('a complete pair gives one question with both texts and no problems', () => {
    const bank = buildBank(pair('why-scale'));
    assert.deepStrictEqual(bank.problems, []);
    assert.deepStrictEqual(Object.keys(bank.questions.get('why-scale')?.texts ?? {}), ['en', 'zh-cn']);
  });

  test('a missing language is a problem, and the question still loads', () => {
    const bank = buildBank([parsed('why-scale', 'en')]);
    assert.deepStrictEqual(
      bank.problems.map((p) => p.message),
      ['question "why-scale" has no zh-cn version: add zh-cn/why-scale.md beside en/'],
    );
    assert.ok(bank.questions.has('why-scale'));
  });

  test('related ids must exist and not point at the question itself', () => {
    const found = messages(
      pair('why-scale', { en: { related: ['why-multi-head', 'why-scale'], lines: { related: 9, 'related.0': 10, 'related.1': 11 } } }),
    );
    assert.deepStrictEqual(found, [
      'questions/en/why-scale.md:10: related: no question has the id "why-multi-head"',
      'questions/en/why-scale.md:11: related: "why-scale" is this question itself',
    ]);
  });

  test('quiz items must match across languages: ids, kinds and answers', () => {
    const en = parsed('why-scale', 'en');
    const zh = parsed('why-scale', 'zh-cn');
    const reordered = messages([en, { ...zh, quiz: [...zh.quiz].reverse() }]);
    assert.match(
      reordered[0],
      /zh-cn\/why-scale\.md:14: quiz item ids \[live, ranking, statements, jacobian, variance\] differ from the en file's/,
    );
    const answer = messages([en, { ...zh, quiz: zh.quiz.map((q) => (q.kind === 'single' ? { ...q, answer: 1 } : q)) }]);
    assert.deepStrictEqual(answer, [
      'questions/zh-cn/why-scale.md:20: quiz item "jacobian" does not match the en file: answer 1 here, 0 there',
    ]);
    const kind = messages([
      en,
      {
        ...zh,
        quiz: zh.quiz.map((q) => (q.id === 'ranking' ? { id: 'ranking', kind: 'model', template: 'qk-symmetry', explain: '' } : q)),
      },
    ]);
    assert.deepStrictEqual(kind, [
      'questions/zh-cn/why-scale.md:32: quiz item "ranking" does not match the en file: kind "model" here, "truefalse" there',
    ]);
  });

  test('topic, order and demo must agree across languages', () => {
    const found = messages(pair('why-scale', { zh: { topic: 'bert', order: 2, demo: 'mlm' } }));
    assert.strictEqual(found.length, 3);
    assert.match(found[0], /topic "bert" differs from the en file's "attention"/);
  });

  test('a term claimed by two questions is reported at the later claim (in display order), in any case or language', () => {
    const found = messages([
      ...pair('why-scale'),
      ...pair('zz-question', { en: { terms: ['Scaled Dot-Product Attention', 'fresh term'] }, zh: { terms: ['缩放点积注意力'] } }),
    ]);
    assert.deepStrictEqual(found, [
      'questions/en/zz-question.md:7: term "Scaled Dot-Product Attention" is already claimed by question "why-scale" (questions/en/why-scale.md)',
      'questions/zh-cn/zz-question.md:7: term "缩放点积注意力" is already claimed by question "why-scale" (questions/zh-cn/why-scale.md)',
    ]);
  });

  test('code identifiers differing only in case are different terms', () => {
    const found = messages([
      ...pair('why-scale', { en: { terms: ['LayerNorm'] } }),
      ...pair('other-question', { en: { terms: ['layerNorm'] }, zh: { terms: [] } }),
    ]);
    assert.deepStrictEqual(found, []);
  });

  test('the same id twice in one language keeps the first file', () => {
    const first = parsed('why-scale', 'en');
    const second = { ...first, path: 'extra/en/why-scale.md', title: 'Another' };
    const bank = buildBank([first, second, parsed('why-scale', 'zh-cn')]);
    assert.strictEqual(bank.questions.get('why-scale')?.texts.en?.title, first.title);
    assert.match(bank.problems[0].message, /is already defined in questions\/en\/why-scale\.md; this file is ignored/);
  });

  test('problems of files that did not parse are kept', () => {
    const bank = buildBank(pair('why-scale'), [{ path: 'questions/en/bad.md', line: 3, message: 'topic: wrong' }]);
    assert.deepStrictEqual(bank.problems, [{ path: 'questions/en/bad.md', line: 3, message: 'topic: wrong' }]);
  });
});

suite('question bank: reading it', () => {
  test('questions come in topic order, then by order', () => {
    const bank = buildBank([
      ...pair('b-later', { en: { topic: 'bert', order: 1 }, zh: { topic: 'bert', order: 1 } }),
      ...pair('a-second', { en: { order: 2, terms: ['x2'] }, zh: { order: 2, terms: ['y2'] } }),
      ...pair('c-first', { en: { order: 1, terms: ['x1'] }, zh: { order: 1, terms: ['y1'] } }),
    ]);
    assert.deepStrictEqual([...bank.questions.keys()], ['c-first', 'a-second', 'b-later']);
  });

  test('pickText falls back to the other language and says so', () => {
    const bank = buildBank([parsed('why-scale', 'en')]);
    const q = bank.questions.get('why-scale');
    assert.ok(q);
    assert.deepStrictEqual([pickText(q, 'zh-cn').text.language, pickText(q, 'zh-cn').fallback], ['en', true]);
    assert.deepStrictEqual([pickText(q, 'en').text.language, pickText(q, 'en').fallback], ['en', false]);
  });

  test("bankTerms lists every language's terms once, with their question", () => {
    const terms = bankTerms(buildBank(pair('why-scale')));
    assert.deepStrictEqual(terms, [
      { term: 'scaled dot-product attention', questionId: 'why-scale' },
      { term: '缩放点积注意力', questionId: 'why-scale' },
    ]);
  });
});
