import * as vscode from 'vscode';
import type { Answer, AskedItem, PreparedItem } from '../../shared/quiz/askedItem';
import { wrapAtMost, wrapText } from '../../shared/quiz/textWrap';
import type { Row } from './quizInput';
import { letter, trueFalseWord } from './quizWords';

/** Columns per quick-pick row: the widget is about 600 px wide and never wraps. */
export const ROW_WIDTH = 76;

/** Rows of text (no value: accepting them does nothing), the first one with an icon. */
export function textRows<T>(text: string, icon: string, maxRows = 12): Row<T>[] {
  const lines = text.split('\n').flatMap((p) => wrapText(p, ROW_WIDTH));
  const kept = lines.length > maxRows ? [...lines.slice(0, maxRows - 1), `${lines[maxRows - 1]}…`] : lines;
  return kept.map((line, i) => ({ label: `${i === 0 ? `$(${icon})` : '$(blank)'} ${line}`, alwaysShow: true }));
}

export function separator<T>(label = ''): Row<T> {
  return { label, kind: vscode.QuickPickItemKind.Separator };
}

/** A choice as one row: the letter and first line as label, the rest as detail. */
export function choiceRow<T>(i: number, text: string, value: T, icon?: string): Row<T> {
  const [first, ...rest] = wrapAtMost(text, ROW_WIDTH - 4, 3);
  return {
    label: `${icon ? `$(${icon}) ` : ''}${letter(i)}. ${first ?? ''}`,
    detail: rest.length ? rest.join(' ') : undefined,
    value,
    alwaysShow: true,
  };
}

/** The right answer in words, for the feedback after a wrong answer. */
export function rightAnswerText(item: AskedItem): string {
  const t = vscode.l10n.t;
  switch (item.kind) {
    case 'single':
      return t('The answer is {0}: {1}', letter(item.answer), item.choices[item.answer]);
    case 'multiple':
      return item.answer.length
        ? t('The answer is {0}: {1}', item.answer.map(letter).join(', '), item.answer.map((i) => item.choices[i]).join(' · '))
        : t('The answer is: none of them');
    case 'truefalse':
      return t('The answer is: {0}', trueFalseWord(item.answer));
    case 'numeric':
      return item.tolerance > 0 ? t('The answer is {0} (± {1})', item.answer, item.tolerance) : t('The answer is {0}', item.answer);
  }
}

/** What the person answered, in words. */
export function givenAnswerText(a: Answer): string {
  const t = vscode.l10n.t;
  switch (a.kind) {
    case 'single':
      return t('You chose {0}.', letter(a.choice));
    case 'multiple':
      return a.choices.length ? t('You chose {0}.', a.choices.map(letter).join(', ')) : t('You chose none.');
    case 'truefalse':
      return t('You answered {0}.', trueFalseWord(a.value));
    case 'numeric':
      return t('You answered {0}.', a.value);
  }
}

/** The first line of an item's prompt, for the summary. */
export function shortPrompt(item: PreparedItem): string {
  return wrapAtMost(item.prompt.split('\n')[0], 50, 1)[0] ?? '';
}
