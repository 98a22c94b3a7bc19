import * as assert from 'node:assert';
import { parseQuestion } from '../../src/shared/questions/parseQuestion';
import type { BankProblem, Language } from '../../src/shared/questions/types';
import { body, frontMatter, parsed, path, questionFile } from './questionFixtures';

/** The problems of a file whose front matter went through `edit`; the file is lines 1.. of questionFile. */
function problems(edit: (fm: string) => string, language: Language = 'en', text = body(language)): BankProblem[] {
  const result = parseQuestion({
    path: path('why-scale', language),
    language,
    text: questionFile(edit(frontMatter('why-scale', language)), text),
  });
  assert.ok(!result.ok, 'the file should be rejected');
  return result.problems;
}

function onlyProblem(edit: (fm: string) => string, line: number, pattern: RegExp): void {
  const found = problems(edit);
  assert.strictEqual(found.length, 1, found.map((p) => `${p.line}: ${p.message}`).join('\n'));
  assert.strictEqual(found[0].path, 'questions/en/why-scale.md');
  assert.strictEqual(found[0].line, line, found[0].message);
  assert.match(found[0].message, pattern);
}

suite('question files: parsing', () => {
  test('a valid English file gives every field, section and quiz item', () => {
    const q = parsed();
    assert.strictEqual(q.id, 'why-scale');
    assert.strictEqual(q.language, 'en');
    assert.strictEqual(q.topic, 'attention');
    assert.deepStrictEqual(q.terms, ['scaled dot-product attention']);
    assert.strictEqual(q.demo, 'scale-sqrt-dk');
    assert.deepStrictEqual(
      q.quiz.map((i) => i.kind),
      ['numeric', 'single', 'multiple', 'truefalse', 'model'],
    );
    assert.deepStrictEqual(q.quiz[2], {
      id: 'statements',
      kind: 'multiple',
      prompt: 'Which are true?',
      choices: ['a', 'b', 'c'],
      answer: [0, 2],
      explain: 'a and c.',
    });
    assert.strictEqual(q.answer, 'The variance is $d_k$.');
    assert.match(q.deeper, /^\$\$\n\\operatorname/);
    assert.strictEqual(q.pitfalls, '- It is not about overflow.');
    assert.strictEqual(q.lines?.demo, 10);
    assert.strictEqual(q.lines?.quiz, 14, 'a list is found at its first entry');
    assert.strictEqual(q.lines?.['quiz.1'], 20);
  });

  test('a Chinese file uses the Chinese headings', () => {
    const q = parsed('why-scale', 'zh-cn');
    assert.strictEqual(q.answer, '方差是 $d_k$。');
    assert.strictEqual(q.pitfalls, '- 不是为了防止溢出。');
  });

  test('Windows line endings and a byte-order mark are accepted', () => {
    const text = '\uFEFF' + questionFile().replace(/\n/g, '\r\n');
    assert.ok(parseQuestion({ path: path(), language: 'en', text }).ok);
  });

  test('a missing field is reported at its parent', () => {
    onlyProblem((fm) => fm.replace(/^summary:.*\n/m, ''), 2, /^summary: is missing/);
    onlyProblem((fm) => fm.replace('    tolerance: 0\n', ''), 14, /^quiz\[0\]\.tolerance: is missing/);
  });

  test('wrong values are reported on their own line', () => {
    onlyProblem((fm) => fm.replace('topic: attention', 'topic: attenton'), 3, /^topic: "attenton" is not one of: attention, embeddings/);
    onlyProblem((fm) => fm.replace('order: 1', 'order: 1.5'), 4, /^order: must be an integer/);
    onlyProblem((fm) => fm.replace('demo: scale-sqrt-dk', 'demo: scale'), 10, /^demo: "scale" is not one of/);
    onlyProblem((fm) => fm.replace('related: []', 'related: [Why_Multi]'), 9, /^related\[0\]: "Why_Multi" is not a kebab-case id/);
    onlyProblem((fm) => fm.replace('sources:\n  - "Vaswani et al. 2017, §3.2.1"', 'sources: []'), 11, /^sources: needs at least 1 entries/);
  });

  test('the id must be the file name', () => {
    const found = parseQuestion({ path: 'extra/en/other-name.md', language: 'en', text: questionFile() });
    assert.ok(!found.ok);
    assert.deepStrictEqual(
      found.problems.map((p) => [p.line, p.message]),
      [[2, 'id: "why-scale" must equal the file name "other-name.md" without ".md"']],
    );
  });

  test('an unknown field is reported, so a misspelling is not silently ignored', () => {
    onlyProblem((fm) => fm.replace('order: 1', 'order: 1\ndifficulty: 3'), 5, /^difficulty: unknown field/);
    const misspelt = problems((fm) => fm.replace('    tolerance: 0\n', '    tolerence: 0\n'));
    assert.deepStrictEqual(
      misspelt.map((p) => `${p.line}: ${p.message.split(' (')[0]}`),
      ['18: quiz[0].tolerence: unknown field', '14: quiz[0].tolerance: is missing'],
    );
  });

  test('quiz items are checked per kind', () => {
    onlyProblem((fm) => fm.replace('    answer: 0\n', '    answer: 3\n'), 24, /^quiz\[1\]\.answer: index 3 is outside the 3 choices/);
    onlyProblem((fm) => fm.replace('answer: [0, 2]', 'answer: [0, 5]'), 30, /^quiz\[2\]\.answer: index 5 is outside/);
    onlyProblem((fm) => fm.replace('answer: [0, 2]', 'answer: [2, 2]'), 30, /lists an index twice/);
    onlyProblem((fm) => fm.replace('answer: false', 'answer: "no"'), 35, /^quiz\[3\]\.answer: must be true or false/);
    onlyProblem(
      (fm) => fm.replace('template: scale-entropy', 'template: argmax'),
      39,
      /^quiz\[4\]\.template: "argmax" is not one of: most-attended/,
    );
    onlyProblem(
      (fm) => fm.replace('    kind: single\n', '    kind: choice\n'),
      21,
      /^quiz\[1\]\.kind: "choice" is not one of: single, multiple/,
    );
    onlyProblem(
      (fm) => fm.replace('choices: ["It vanishes", "It explodes", "Nothing"]', 'choices: ["It vanishes"]'),
      23,
      /^quiz\[1\]\.choices: needs at least 2/,
    );
  });

  test('quiz ids are unique and there are at least four items', () => {
    onlyProblem((fm) => fm.replace('id: jacobian', 'id: variance'), 20, /^quiz\[1\]\.id: "variance" is used by an earlier item/);
    onlyProblem((fm) => fm.slice(0, fm.indexOf('  - id: statements')).trimEnd(), 14, /^quiz: needs at least 4 entries \(has 2\)/);
  });

  test('a YAML syntax error is reported with its file line', () => {
    const found = problems((fm) => fm.replace('answer: [0, 2]', 'answer: [0, 2'));
    assert.ok(found.length >= 1);
    assert.match(found[0].message, /^YAML: /);
    assert.ok(found[0].line !== undefined && found[0].line >= 30 && found[0].line <= 32, `line ${found[0].line}`);
  });

  test('a file without front matter is one problem on line 1', () => {
    const result = parseQuestion({ path: path(), language: 'en', text: body() });
    assert.deepStrictEqual(result, {
      ok: false,
      problems: [{ path: path(), line: 1, message: 'the file must start with a "---" line that opens the front matter' }],
    });
  });

  test('sections: missing, empty, unknown, out of order, or in the other language', () => {
    const lines = (text: string, language: Language = 'en') => problems((fm) => fm, language, text).map((p) => `${p.line}: ${p.message}`);
    const bodyLine = frontMatter().split('\n').length + 3; // the line after the closing "---"
    assert.deepStrictEqual(lines('## Answer\n\nA.\n\n## Pitfalls\n\nP.\n'), [`${bodyLine}: section "## Deeper" is missing`]);
    assert.deepStrictEqual(lines('## Answer\n\n## Deeper\n\nD.\n\n## Pitfalls\n\nP.\n'), [`${bodyLine + 1}: section "## Answer" is empty`]);
    assert.match(lines('## Answer\n\nA.\n\n## Deeper\n\nD.\n\n## Pitfalls\n\nP.\n\n## Notes\n\nN.\n')[0], /unknown section "## Notes"/);
    assert.match(lines('## Deeper\n\nD.\n\n## Answer\n\nA.\n\n## Pitfalls\n\nP.\n')[0], /"## Answer" is out of order/);
    assert.match(lines(body('en'), 'zh-cn')[0], /unknown section "## Answer"; zh-cn files use "## 回答", "## 深入", "## 常见误区"/);
    assert.match(lines(`Intro.\n\n${body()}`)[0], /text before the first section/);
  });

  test('a "## " line inside a code fence is not a heading', () => {
    const text = '## Answer\n\nA.\n\n```markdown\n## Not a heading\n```\n\n## Deeper\n\nD.\n\n## Pitfalls\n\nP.\n';
    const result = parseQuestion({ path: path(), language: 'en', text: questionFile(frontMatter(), text) });
    assert.ok(result.ok);
    assert.match(result.question.answer, /## Not a heading/);
  });

  test('every problem of a file is reported, not just the first', () => {
    const found = problems((fm) =>
      fm.replace('topic: attention', 'topic: x').replace('order: 1', 'order: one').replace('    tolerance: 0\n', ''),
    );
    assert.deepStrictEqual(
      found.map((p) => p.line),
      [3, 4, 14],
    );
  });
});
