import * as vscode from 'vscode';
import type { WebviewMessage } from '../shared/protocol';
import { AttentionPanel } from './attention/attentionPanel';
import { Command } from './commandIds';
import { Log } from './log';
import { registerSafeCommand } from './safeCommand';

/** What the integration tests reach through the extension's exports. */
export interface TutorTestApi {
  readonly panel: AttentionPanel;
}

/** Owns every feature of the extension and their disposables. */
export class TransformerTutor implements vscode.Disposable, TutorTestApi {
  private readonly disposables: vscode.Disposable[] = [];
  readonly log = new Log();
  readonly panel: AttentionPanel;

  constructor(context: vscode.ExtensionContext) {
    this.panel = new AttentionPanel(context.extensionUri, this.log, {
      onWebviewMessage: (msg) => this.onPanelMessage(msg),
      onPanelClosed: () => undefined,
    });
    this.disposables.push(
      this.log,
      this.panel,
      registerSafeCommand(this.log, Command.ShowAttention, () => this.panel.show()),
      registerSafeCommand(this.log, Command.ShowLog, () => this.log.show()),
    );
  }

  private onPanelMessage(_msg: WebviewMessage): void {}

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
