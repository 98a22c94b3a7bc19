import * as assert from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import katex from 'katex';
import { bankTerms, buildBank } from '../../src/shared/questions/bank';
import { createQuestionMarkdown, extractFormulas } from '../../src/shared/questions/markdownMath';
import { parseQuestion } from '../../src/shared/questions/parseQuestion';
import { LAB_QUESTION } from '../../src/shared/labs/labTypes';
import { TermMatcher } from '../../src/shared/questions/termMatcher';
import { type BankProblem, LANGUAGES, type QuestionText } from '../../src/shared/questions/types';

/**
 * The content test: the real question bank under questions/, checked like code. Every problem is
 * listed as path:line so a writer can jump to it.
 */
const ROOT = join(__dirname, '..', '..');

function loadRealBank() {
  const texts: QuestionText[] = [];
  const problems: BankProblem[] = [];
  for (const language of LANGUAGES) {
    for (const name of readdirSync(join(ROOT, 'questions', language)).filter((f) => f.endsWith('.md')).sort()) {
      const path = `questions/${language}/${name}`;
      const result = parseQuestion({ path, language, text: readFileSync(join(ROOT, path), 'utf8') });
      if (result.ok) texts.push(result.question);
      else problems.push(...result.problems);
    }
  }
  return { bank: buildBank(texts, problems), texts };
}

const report = (problems: readonly BankProblem[]) => problems.map((p) => `  ${p.path}:${p.line ?? 1}: ${p.message}`).join('\n');

suite('question bank content (questions/)', () => {
  const { bank, texts } = loadRealBank();

  test('every file parses, and every question has both languages, valid related ids, matching quizzes and unique terms', () => {
    assert.ok(bank.problems.length === 0, `${bank.problems.length} problem(s) in the question files:\n${report(bank.problems)}`);
  });

  test('every lab demonstrates a question whose demo is that lab, and every demo has a lab', () => {
    for (const [lab, id] of Object.entries(LAB_QUESTION)) {
      const q = bank.questions.get(id);
      assert.ok(q, `lab ${lab} links question ${id}, which exists`);
      assert.strictEqual(q.texts.en?.demo, lab, `question ${id} demonstrates ${lab}`);
    }
    for (const t of texts) assert.ok(t.demo in LAB_QUESTION, `${t.path}: demo ${t.demo} is a lab`);
  });

  test('the bank has at least 20 questions', () => {
    assert.ok(bank.questions.size >= 20, `only ${bank.questions.size} questions`);
  });

  test('every formula typesets in KaTeX', () => {
    const md = createQuestionMarkdown();
    const problems: BankProblem[] = [];
    for (const text of texts) {
      for (const field of ['summary', 'answer', 'deeper', 'pitfalls'] as const) {
        for (const { tex, display } of extractFormulas(md, text[field])) {
          try {
            katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: false });
          } catch (err) {
            problems.push({ path: text.path, message: `${field}: ${(err as Error).message} in $${tex}$` });
          }
        }
      }
    }
    assert.ok(problems.length === 0, `${problems.length} formula(s) KaTeX cannot typeset:\n${report(problems)}`);
  });

  test('every term is found in text and leads to its own question', () => {
    const terms = bankTerms(bank);
    const matcher = new TermMatcher(terms);
    const lost = terms.filter(({ term, questionId }) => {
      const [match] = matcher.findAll(` ${term} `);
      return match?.questionId !== questionId || match.term !== term;
    });
    assert.deepStrictEqual(
      lost.map((t) => `${t.questionId}: "${t.term}"`),
      [],
      'these terms are hidden by a longer term or cannot match as written',
    );
  });
});
