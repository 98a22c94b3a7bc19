import * as vscode from 'vscode';
import { pickText } from '../../shared/questions/bank';
import { progressLine, progressState, type QuestionProgress } from '../../shared/questions/progressSummary';
import { TOPICS, type Question, type QuestionBank, type Topic } from '../../shared/questions/types';
import { Command } from '../commandIds';
import { displayLanguage } from './language';
import { progressWords, topicLabel } from './questionStrings';

export const QUESTIONS_VIEW_ID = 'transformerTutor.questions';

export type QuestionNode = { kind: 'topic'; topic: Topic; questions: Question[] } | { kind: 'question'; question: Question };

export interface QuestionTreeSource {
  bank(): Promise<QuestionBank>;
  progress(id: string): QuestionProgress;
}

const ICONS: Record<ReturnType<typeof progressState>, vscode.ThemeIcon> = {
  new: new vscode.ThemeIcon('circle-large-outline'),
  seen: new vscode.ThemeIcon('eye'),
  scored: new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green')),
  relearn: new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.yellow')),
  due: new vscode.ThemeIcon('history', new vscode.ThemeColor('charts.orange')),
};

function stateWord(state: ReturnType<typeof progressState>): string {
  const t = vscode.l10n.t;
  switch (state) {
    case 'new':
      return t('not read yet');
    case 'seen':
      return t('read, not quizzed yet');
    case 'scored':
      return t('every latest quiz answer right');
    case 'relearn':
      return t('some quiz answers wrong, coming back soon');
    case 'due':
      return t('due for review');
  }
}

/** Topics, then their questions in order, each with the learner's progress as its description. */
export class QuestionTree implements vscode.TreeDataProvider<QuestionNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly source: QuestionTreeSource) {}

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(node?: QuestionNode): Promise<QuestionNode[]> {
    if (node?.kind === 'question') return [];
    if (node?.kind === 'topic') return node.questions.map((question) => ({ kind: 'question', question }));
    const questions = [...(await this.source.bank()).questions.values()];
    return TOPICS.map((topic) => ({ kind: 'topic' as const, topic, questions: questions.filter((q) => q.topic === topic) })).filter(
      (n) => n.questions.length > 0,
    );
  }

  getTreeItem(node: QuestionNode): vscode.TreeItem {
    const now = Date.now();
    if (node.kind === 'topic') {
      const item = new vscode.TreeItem(topicLabel(node.topic), vscode.TreeItemCollapsibleState.Expanded);
      item.id = `topic:${node.topic}`;
      item.contextValue = 'topic';
      const seen = node.questions.filter((q) => this.source.progress(q.id).seen).length;
      item.description = `${seen}/${node.questions.length}`;
      return item;
    }
    const { question } = node;
    const { text } = pickText(question, displayLanguage());
    const progress = this.source.progress(question.id);
    const item = new vscode.TreeItem(text.title, vscode.TreeItemCollapsibleState.None);
    item.id = `question:${question.id}`;
    item.contextValue = 'question';
    item.description = progressLine(progress, now, progressWords());
    const state = progressState(progress, now);
    // screen readers hear what the icon shows, not only the percentage
    item.accessibilityInformation = { label: [text.title, stateWord(state), item.description].filter(Boolean).join(', ') };
    item.tooltip = new vscode.MarkdownString().appendMarkdown('**').appendText(text.title).appendMarkdown('**\n\n').appendText(text.summary);
    item.iconPath = ICONS[state];
    item.command = { command: Command.OpenQuestion, title: vscode.l10n.t('Open question'), arguments: [question.id] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
