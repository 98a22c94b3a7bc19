/**
 * A quiz item as it is asked: a bank item as written, or a model item after it was computed on the
 * user's text (it then asks like a single-choice or true/false item). Pure data, no `vscode`.
 */
import type { ModelTemplate } from '../questions/types';

export type AskedItem =
  | { kind: 'single'; prompt: string; choices: string[]; answer: number }
  | { kind: 'multiple'; prompt: string; choices: string[]; answer: number[] }
  | { kind: 'truefalse'; prompt: string; answer: boolean }
  | { kind: 'numeric'; prompt: string; answer: number; tolerance: number };

export type AskedKind = AskedItem['kind'];

export type PreparedItem = AskedItem & {
  /** `<questionId>#<itemId>`: the key progress is stored under */
  key: string;
  questionId: string;
  itemId: string;
  explain: string;
  /** model items: what was measured on the text, shown with the explanation */
  facts?: string[];
  template?: ModelTemplate;
};

/** What the person answered, one shape per asked kind. */
export type Answer =
  | { kind: 'single'; choice: number }
  | { kind: 'multiple'; choices: number[] }
  | { kind: 'truefalse'; value: boolean }
  | { kind: 'numeric'; value: number };

export function itemKey(questionId: string, itemId: string): string {
  return `${questionId}#${itemId}`;
}

const KEY = /^([a-z0-9]+(?:-[a-z0-9]+)*)#([A-Za-z0-9_-]{1,80})$/;

/** Splits a progress key; undefined when it is not `<kebab-id>#<item-id>`. */
export function parseItemKey(key: string): { questionId: string; itemId: string } | undefined {
  const m = KEY.exec(key);
  return m ? { questionId: m[1], itemId: m[2] } : undefined;
}
