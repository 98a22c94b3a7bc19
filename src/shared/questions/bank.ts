import { termKey, type TermEntry } from './termMatcher';
import { type BankProblem, LANGUAGES, type Language, type Question, type QuestionBank, type QuestionText, type QuizItem, TOPICS } from './types';

/**
 * Builds the bank from parsed files and checks what no single file can: both languages present and
 * agreeing, related ids that exist, quiz items that match across languages, a term claimed once.
 * A failed check is reported; the questions involved still load.
 * `questions` is in display order: by topic, then `order`, then id.
 */
export function buildBank(texts: readonly QuestionText[], fileProblems: readonly BankProblem[] = []): QuestionBank {
  const problems = [...fileProblems];
  const questions = new Map<string, Question>();
  for (const text of texts) {
    const q = questions.get(text.id) ?? { id: text.id, topic: text.topic, order: text.order, texts: {} };
    const existing = q.texts[text.language];
    if (existing) {
      problems.push(at(text, 'id', `question "${text.id}" (${text.language}) is already defined in ${existing.path}; this file is ignored`));
      continue;
    }
    q.texts[text.language] = text;
    questions.set(q.id, q);
  }
  const sorted = [...questions.values()].sort(
    (a, b) => TOPICS.indexOf(a.topic) - TOPICS.indexOf(b.topic) || a.order - b.order || a.id.localeCompare(b.id),
  );
  for (const q of sorted) problems.push(...checkQuestion(q, questions));
  problems.push(...termProblems(sorted));
  return { questions: new Map(sorted.map((q) => [q.id, q])), problems };
}

/** The question in the wanted language, or in the other one when it has not been written yet. */
export function pickText(q: Question, language: Language): { text: QuestionText; fallback: boolean } {
  const wanted = q.texts[language];
  if (wanted) return { text: wanted, fallback: false };
  const other = LANGUAGES.map((l) => q.texts[l]).find((t) => t !== undefined);
  if (!other) throw new Error(`question "${q.id}" has no text in any language`);
  return { text: other, fallback: true };
}

/** Every term with the question that owns it; a term claimed twice goes to its first claimer. */
export function bankTerms(bank: QuestionBank): TermEntry[] {
  const owners = new Map<string, TermEntry>();
  for (const { q, term } of allTerms([...bank.questions.values()])) {
    const key = termKey(term);
    if (!owners.has(key)) owners.set(key, { term, questionId: q.id });
  }
  return [...owners.values()];
}

function checkQuestion(q: Question, all: ReadonlyMap<string, Question>): BankProblem[] {
  const problems: BankProblem[] = [];
  const texts = LANGUAGES.map((l) => q.texts[l]).filter((t) => t !== undefined);
  const [first, ...others] = texts;
  for (const language of LANGUAGES) {
    if (!q.texts[language]) problems.push({ path: first.path, message: `question "${q.id}" has no ${language} version: add ${language}/${q.id}.md beside ${first.language}/` });
  }
  for (const text of texts) {
    text.related.forEach((id, i) => {
      if (id === q.id) problems.push(at(text, `related.${i}`, `related: "${id}" is this question itself`));
      else if (!all.has(id)) problems.push(at(text, `related.${i}`, `related: no question has the id "${id}"`));
    });
  }
  for (const other of others) {
    if (other.topic !== first.topic) problems.push(at(other, 'id', `topic "${other.topic}" differs from the ${first.language} file's "${first.topic}"`));
    if (other.order !== first.order) problems.push(at(other, 'id', `order ${other.order} differs from the ${first.language} file's ${first.order}`));
    if (other.demo !== first.demo) problems.push(at(other, 'demo', `demo "${other.demo}" differs from the ${first.language} file's "${first.demo}"`));
    problems.push(...quizProblems(first, other));
  }
  return problems;
}

/** Quiz items are scored by id whatever the language, so both files must ask the same thing. */
function quizProblems(first: QuestionText, other: QuestionText): BankProblem[] {
  const ids = (t: QuestionText) => t.quiz.map((item) => item.id).join(', ');
  if (ids(first) !== ids(other)) {
    return [at(other, 'quiz', `quiz item ids [${ids(other)}] differ from the ${first.language} file's [${ids(first)}] (same ids, same order)`)];
  }
  return other.quiz.flatMap((item, i) => {
    const why = quizItemDifference(first.quiz[i], item);
    return why ? [at(other, `quiz.${i}`, `quiz item "${item.id}" does not match the ${first.language} file: ${why}`)] : [];
  });
}

function quizItemDifference(a: QuizItem, b: QuizItem): string | undefined {
  const differs = (what: string, here: unknown, there: unknown) => `${what} ${JSON.stringify(here)} here, ${JSON.stringify(there)} there`;
  if (a.kind !== b.kind) return differs('kind', b.kind, a.kind);
  if ('choices' in a && 'choices' in b && a.choices.length !== b.choices.length) return differs('number of choices', b.choices.length, a.choices.length);
  if ('answer' in a && 'answer' in b && JSON.stringify(a.answer) !== JSON.stringify(b.answer)) return differs('answer', b.answer, a.answer);
  if (a.kind === 'numeric' && b.kind === 'numeric' && a.tolerance !== b.tolerance) return differs('tolerance', b.tolerance, a.tolerance);
  if (a.kind === 'model' && b.kind === 'model' && a.template !== b.template) return differs('template', b.template, a.template);
  return undefined;
}

function termProblems(questions: readonly Question[]): BankProblem[] {
  const claims = new Map<string, { q: Question; text: QuestionText }>();
  const problems: BankProblem[] = [];
  for (const { q, text, term, index } of allTerms(questions)) {
    const key = termKey(term);
    const claim = claims.get(key);
    if (!claim) claims.set(key, { q, text });
    else if (claim.q.id !== q.id) problems.push(at(text, `terms.${index}`, `term "${term}" is already claimed by question "${claim.q.id}" (${claim.text.path})`));
  }
  return problems;
}

function* allTerms(questions: readonly Question[]) {
  for (const q of questions) {
    for (const language of LANGUAGES) {
      const text = q.texts[language];
      if (text) yield* text.terms.map((term, index) => ({ q, text, term, index }));
    }
  }
}

function at(text: QuestionText, field: string, message: string): BankProblem {
  return { path: text.path, line: text.lines?.[field] ?? text.lines?.[field.split('.')[0]], message };
}
