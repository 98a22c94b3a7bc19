import * as vscode from 'vscode';
import { bankTerms } from '../../shared/questions/bank';
import { TermMatcher } from '../../shared/questions/termMatcher';
import { type QuestionBank, type Topic, TOPICS } from '../../shared/questions/types';
import type { Progress } from '../../shared/quiz/progress';
import { bankKeys } from './quizEntries';
import type { QuizStepEvent } from './quizFlow';
import { pickStep, type Row } from './quizInput';
import { topicLabel } from '../questions/questionStrings';

export type QuizScope = { type: 'all' } | { type: 'topic'; topic: Topic } | { type: 'related'; ids: string[] };

/**
 * The questions the selection (or the term under the cursor, where a hover would point) is about,
 * found with the same term matcher the hovers use.
 */
export function relatedToEditor(bank: QuestionBank): { ids: string[]; terms: string[] } {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return { ids: [], terms: [] };
  const matcher = new TermMatcher(bankTerms(bank));
  const sel = editor.selection;
  const matches = sel.isEmpty
    ? [matcher.at(editor.document.lineAt(sel.active.line).text, sel.active.character)].filter((m) => m !== undefined)
    : matcher.findAll(editor.document.getText(sel));
  return { ids: [...new Set(matches.map((m) => m.questionId))], terms: [...new Set(matches.map((m) => m.term))] };
}

/** The first step of Start Quiz: everything, one topic, or what the selection is about. */
export async function pickScope(
  bank: QuestionBank,
  progress: Progress,
  now: number,
  observe: (e: QuizStepEvent) => void,
): Promise<QuizScope | undefined> {
  const t = vscode.l10n.t;
  const counts = (keys: string[]) => {
    const due = keys.filter((k) => progress.items[k] && progress.items[k].card.due <= now).length;
    return due ? t('{0} items · {1} due', keys.length, due) : t('{0} items', keys.length);
  };
  const topicIds = (topic: Topic) => new Set([...bank.questions.values()].filter((q) => q.topic === topic).map((q) => q.id));
  const related = relatedToEditor(bank);
  const rows: Row<QuizScope>[] = [];
  if (related.ids.length) {
    rows.push({
      label: `$(selection) ${t('Related to the selection: {0}', related.terms.slice(0, 4).join(', '))}`,
      description: counts(bankKeys(bank, new Set(related.ids))),
      value: { type: 'related', ids: related.ids },
    });
  }
  rows.push({ label: `$(list-flat) ${t('All topics')}`, description: counts(bankKeys(bank)), value: { type: 'all' } });
  for (const topic of TOPICS) {
    const keys = bankKeys(bank, topicIds(topic));
    if (keys.length) rows.push({ label: `$(folder) ${topicLabel(topic)}`, description: counts(keys), value: { type: 'topic', topic } });
  }
  if (!related.ids.length) {
    rows.push(
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: `$(info) ${t('Select text that mentions a concept (such as “softmax”) to quiz on just that.')}` },
    );
  }
  const r = await pickStep<QuizScope>({
    chrome: { title: t('Start Quiz'), canGoBack: false, canSkip: false },
    rows,
    active: rows[0],
    placeholder: t('What should the quiz cover?'),
    observe: (input) => observe({ phase: 'scope', input }),
  });
  return r.type === 'value' ? r.value : undefined;
}

export function scopeKeys(bank: QuestionBank, scope: QuizScope): string[] {
  switch (scope.type) {
    case 'all':
      return bankKeys(bank);
    case 'topic':
      return bankKeys(bank, new Set([...bank.questions.values()].filter((q) => q.topic === scope.topic).map((q) => q.id)));
    case 'related':
      return bankKeys(bank, new Set(scope.ids));
  }
}
