import * as vscode from 'vscode';
import { Command } from '../commandIds';

/** "$(mortar-board) 3" in the status bar while reviews are due; hidden when none are, or when turned off. */
export class DueStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('transformerTutor.quizDue', vscode.StatusBarAlignment.Right, 100);
  private showing = false;

  constructor() {
    this.item.name = vscode.l10n.t('Transformer Tutor: Reviews Due');
    this.item.command = Command.ReviewDue;
  }

  update(count: number, enabled: boolean): void {
    this.showing = enabled && count > 0;
    if (!this.showing) {
      this.item.hide();
      return;
    }
    this.item.text = `$(mortar-board) ${count}`;
    this.item.tooltip =
      count === 1
        ? vscode.l10n.t('1 quiz review is due — click to review it')
        : vscode.l10n.t('{0} quiz reviews are due — click to review them', count);
    this.item.accessibilityInformation = { label: this.item.tooltip };
    this.item.show();
  }

  /** What it shows, for tests: undefined while hidden. StatusBarItem itself cannot say whether it is visible. */
  get shown(): string | undefined {
    return this.showing ? this.item.text : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
