import * as vscode from 'vscode';
import { pickText } from '../../shared/questions/bank';
import { progressLine, type QuestionProgress } from '../../shared/questions/progressSummary';
import { TOPICS, type QuestionBank } from '../../shared/questions/types';
import { displayLanguage } from './language';
import { progressWords, topicLabel } from './questionStrings';

interface QuestionPick extends vscode.QuickPickItem {
  id?: string;
}

/** A QuickPick of every question, grouped by topic; resolves to the chosen id. */
export async function pickQuestion(bank: QuestionBank, progress: (id: string) => QuestionProgress): Promise<string | undefined> {
  const language = displayLanguage();
  const now = Date.now();
  const items: QuestionPick[] = [];
  for (const topic of TOPICS) {
    const questions = [...bank.questions.values()].filter((q) => q.topic === topic);
    if (!questions.length) continue;
    items.push({ label: topicLabel(topic), kind: vscode.QuickPickItemKind.Separator });
    for (const q of questions) {
      const { text } = pickText(q, language);
      items.push({ id: q.id, label: text.title, description: progressLine(progress(q.id), now, progressWords()), detail: text.summary });
    }
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Open a question'),
    placeHolder: vscode.l10n.t('Type to search the interview questions'),
    matchOnDetail: true,
  });
  return picked?.id;
}
