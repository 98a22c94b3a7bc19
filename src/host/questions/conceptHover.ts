import * as vscode from 'vscode';
import { pickText } from '../../shared/questions/bank';
import type { TermMatcher } from '../../shared/questions/termMatcher';
import type { Question, QuestionBank } from '../../shared/questions/types';
import { Command } from '../commandIds';
import { readConfig } from '../config';
import { displayLanguage } from './language';

/** Files on disk and unsaved ones: the places a learner writes prose and code. */
export const HOVER_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];

/** The only commands a hover link may run: the hover text comes from files a user can add. */
export const HOVER_COMMANDS = [Command.OpenQuestion, Command.QuizQuestion, Command.ShowInPanel] as const;

/** How far either side of the cursor a long (say, minified) line is searched for terms. */
const WINDOW = 200;

export interface ConceptSource {
  /** the bank and its term matcher, loaded on the first hover and cached */
  terms(): Promise<{ bank: QuestionBank; matcher: TermMatcher }>;
}

/**
 * Explains a concept term under the mouse, in prose or code, with links to open its question, be
 * quizzed on it, or see it in the attention panel. Only text matching runs here; no model loads.
 */
export class ConceptHover implements vscode.HoverProvider {
  constructor(private readonly source: ConceptSource) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const config = readConfig();
    if (!config.hoversEnabled || !appliesTo(config.hoverLanguages, document.languageId)) return undefined;
    const line = document.lineAt(position.line).text;
    const from = Math.max(0, position.character - WINDOW);
    const { bank, matcher } = await this.source.terms();
    if (token.isCancellationRequested) return undefined;
    const match = matcher.at(line.slice(from, position.character + WINDOW), position.character - from);
    const question = match && bank.questions.get(match.questionId);
    if (!match || !question) return undefined;
    const range = new vscode.Range(position.line, from + match.start, position.line, from + match.end);
    return new vscode.Hover(conceptMarkdown(question), range);
  }
}

function appliesTo(languages: readonly string[], languageId: string): boolean {
  return languages.includes('*') || languages.includes(languageId);
}

export function conceptMarkdown(question: Question): vscode.MarkdownString {
  const { text } = pickText(question, displayLanguage());
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
  md.appendMarkdown('**');
  md.appendText(text.title);
  md.appendMarkdown('**\n\n');
  md.appendText(text.summary);
  md.appendMarkdown('\n\n');
  const link = (icon: string, label: string, command: Command, tooltip: string) =>
    `[$(${icon}) ${label}](command:${command}?${encodeURIComponent(JSON.stringify([question.id]))} "${tooltip.replace(/"/g, "'")}")`;
  const t = vscode.l10n.t;
  md.appendMarkdown(
    [
      link('book', t('Open question'), Command.OpenQuestion, t('Read the full answer')),
      link('checklist', t('Quiz me'), Command.QuizQuestion, t('Answer a few questions on this topic')),
      link('eye', t('Show in attention panel'), Command.ShowInPanel, t('Open the live demonstration in the attention panel')),
    ].join(' &nbsp;·&nbsp; '),
  );
  return md;
}
