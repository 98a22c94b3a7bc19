import { readBoolean, readId, readInteger, readList, readNumber, readOneOf, readString, rejectUnknownKeys } from './fieldRules';
import type { FieldPath, FrontMatter } from './frontMatter';
import { MODEL_TEMPLATES, type QuizItem } from './types';

export const MIN_QUIZ_ITEMS = 4;
const KINDS = ['single', 'multiple', 'truefalse', 'numeric', 'model'] as const;
type Kind = (typeof KINDS)[number];

/** The fields each kind of quiz item may have (see questions/README.md). */
const FIELDS: Record<Kind, readonly string[]> = {
  single: ['id', 'kind', 'prompt', 'choices', 'answer', 'explain'],
  multiple: ['id', 'kind', 'prompt', 'choices', 'answer', 'explain'],
  truefalse: ['id', 'kind', 'prompt', 'answer', 'explain'],
  numeric: ['id', 'kind', 'prompt', 'answer', 'tolerance', 'explain'],
  model: ['id', 'kind', 'template', 'explain'],
};

/** Reads `quiz`: at least MIN_QUIZ_ITEMS items, ids unique, every item valid for its kind. */
export function readQuiz(fm: FrontMatter): QuizItem[] | undefined {
  const items = readList(fm, ['quiz'], (path) => readQuizItem(fm, path), MIN_QUIZ_ITEMS);
  if (!items) return undefined;
  let unique = true;
  items.forEach((item, i) => {
    if (items.findIndex((other) => other.id === item.id) < i) {
      fm.report(['quiz', i, 'id'], `"${item.id}" is used by an earlier item; ids must be unique`);
      unique = false;
    }
  });
  return unique ? items : undefined;
}

function readQuizItem(fm: FrontMatter, path: FieldPath): QuizItem | undefined {
  const kind = readOneOf(fm, [...path, 'kind'], KINDS);
  const id = readId(fm, [...path, 'id']);
  const explain = readString(fm, [...path, 'explain']);
  if (!kind) return undefined;
  const known = rejectUnknownKeys(fm, path, FIELDS[kind]);
  const body = readKind(fm, path, kind);
  if (id === undefined || explain === undefined || !body || !known) return undefined;
  return { id, explain, ...body } as QuizItem;
}

/** A quiz item without the fields every kind has (Omit applied to each member of the union). */
type ItemBody = QuizItem extends infer T ? (T extends QuizItem ? Omit<T, 'id' | 'explain'> : never) : never;

function readKind(fm: FrontMatter, path: FieldPath, kind: Kind): ItemBody | undefined {
  const at = (field: string): FieldPath => [...path, field];
  if (kind === 'model') {
    const template = readOneOf(fm, at('template'), MODEL_TEMPLATES);
    return template && { kind, template };
  }
  const prompt = readString(fm, at('prompt'));
  switch (kind) {
    case 'single': {
      const choices = readChoices(fm, at('choices'));
      const answer = readInteger(fm, at('answer'));
      if (!prompt || !choices || answer === undefined) return undefined;
      if (answer < 0 || answer >= choices.length) return fm.report(at('answer'), `index ${answer} is outside the ${choices.length} choices (0-based)`);
      return { kind, prompt, choices, answer };
    }
    case 'multiple': {
      const choices = readChoices(fm, at('choices'));
      const answer = readList(fm, at('answer'), (p) => readInteger(fm, p), 1);
      if (!prompt || !choices || !answer) return undefined;
      const bad = answer.find((a) => a < 0 || a >= choices.length);
      if (bad !== undefined) return fm.report(at('answer'), `index ${bad} is outside the ${choices.length} choices (0-based)`);
      if (new Set(answer).size !== answer.length) return fm.report(at('answer'), 'lists an index twice');
      return { kind, prompt, choices, answer };
    }
    case 'truefalse': {
      const answer = readBoolean(fm, at('answer'));
      return prompt && answer !== undefined ? { kind, prompt, answer } : undefined;
    }
    case 'numeric': {
      const answer = readNumber(fm, at('answer'));
      const tolerance = readNumber(fm, at('tolerance'), 0);
      return prompt && answer !== undefined && tolerance !== undefined ? { kind, prompt, answer, tolerance } : undefined;
    }
  }
}

function readChoices(fm: FrontMatter, path: FieldPath): string[] | undefined {
  return readList(fm, path, (p) => readString(fm, p), 2);
}
