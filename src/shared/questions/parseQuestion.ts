import { readId, readInteger, readList, readOneOf, readString, rejectUnknownKeys } from './fieldRules';
import { FrontMatter, splitFrontMatter } from './frontMatter';
import type { ModelFacts } from './modelFacts';
import { fillPlaceholders } from './placeholders';
import { readQuiz } from './quizSchema';
import { splitSections } from './sections';
import { type BankProblem, DEMO_IDS, type Language, type QuestionText, TOPICS } from './types';

/** One question file as read from disk; `path` is only used in messages. */
export interface QuestionSource {
  path: string;
  language: Language;
  text: string;
}

export type ParseResult = { ok: true; question: QuestionText } | { ok: false; problems: BankProblem[] };

type Defined<T> = { [K in keyof T]: Exclude<T[K], undefined> };

const FIELDS = ['id', 'topic', 'order', 'title', 'terms', 'summary', 'related', 'demo', 'sources', 'quiz'] as const;
/** Fields whose lines the bank's cross-checks point at (related ids, claimed terms, quiz items). */
const LINE_FIELDS = ['id', 'terms', 'related', 'demo', 'quiz'] as const;

/**
 * Fills the file's placeholders with facts about the bundled model, then parses it. A placeholder
 * that cannot be filled is a problem, but the question still loads with the placeholder as written,
 * so one stale fact does not hide a whole question.
 */
export function parseQuestionFile(source: QuestionSource, facts: ModelFacts): { question?: QuestionText; problems: BankProblem[] } {
  const filled = fillPlaceholders(source.text, facts);
  const problems = filled.problems.map(({ line, message }) => ({ path: source.path, line, message }));
  const result = parseQuestion({ ...source, text: filled.text });
  return result.ok ? { question: result.question, problems } : { problems: [...problems, ...result.problems] };
}

/**
 * Parses and validates one question file (format: questions/README.md). Every problem in the file
 * is reported, each with its 1-based line; a file with any problem yields no question.
 */
export function parseQuestion(source: QuestionSource): ParseResult {
  const { path, language } = source;
  const split = splitFrontMatter(path, source.text);
  if ('message' in split) return { ok: false, problems: [split] };
  const problems: BankProblem[] = [];
  const fm = new FrontMatter(path, split.yaml, split.yamlLine, problems);
  const sections = splitSections(path, split.body, split.bodyLine, language);
  if (Array.isArray(sections)) problems.push(...sections);
  if (fm.data === undefined) return { ok: false, problems };
  if (typeof fm.data !== 'object' || fm.data === null || Array.isArray(fm.data)) {
    return { ok: false, problems: [...problems, { path, line: split.yamlLine, message: 'the front matter must be a YAML mapping of fields' }] };
  }
  rejectUnknownKeys(fm, [], FIELDS);
  const strings = (field: string, min = 0) => readList(fm, [field], (p) => readString(fm, p), min);
  const fields = {
    id: readId(fm, ['id']),
    topic: readOneOf(fm, ['topic'], TOPICS),
    order: readInteger(fm, ['order']),
    title: readString(fm, ['title']),
    terms: strings('terms'),
    summary: readString(fm, ['summary']),
    related: readList(fm, ['related'], (p) => readId(fm, p)),
    demo: readOneOf(fm, ['demo'], DEMO_IDS),
    sources: strings('sources', 1),
    quiz: readQuiz(fm),
  };
  const fileId = path.replace(/\\/g, '/').split('/').pop()?.replace(/\.md$/, '');
  if (fields.id && fields.id !== fileId) fm.report(['id'], `"${fields.id}" must equal the file name "${fileId}.md" without ".md"`);
  if (problems.length || Array.isArray(sections)) return { ok: false, problems };
  // no problems means every reader returned a value
  return { ok: true, question: { ...(fields as Defined<typeof fields>), language, ...sections, path, lines: fieldLines(fm) } };
}

function fieldLines(fm: FrontMatter): Record<string, number> {
  const lines: Record<string, number> = {};
  for (const field of LINE_FIELDS) {
    lines[field] = fm.lineOf([field]);
    const list = fm.get([field]);
    if (Array.isArray(list)) list.forEach((_, i) => (lines[`${field}.${i}`] = fm.lineOf([field, i])));
  }
  return lines;
}
