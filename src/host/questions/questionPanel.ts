import * as vscode from 'vscode';
import { ProtocolError } from '../../shared/protocol';
import {
  parseQuestionWebviewMessage,
  parseQuestionWebviewState,
  type QuestionHostMessage,
  type QuestionView,
  type QuestionWebviewMessage,
} from '../../shared/questions/questionProtocol';
import type { Log } from '../log';
import { renderWebviewHtml, webviewOptions } from '../webviewHtml';
import { questionWebviewStrings } from './questionStrings';

export const QUESTION_VIEW_TYPE = 'transformerTutor.question';

export interface QuestionPanelHandler {
  /** the view of a question, or undefined when the bank no longer has it */
  view(id: string): Promise<QuestionView | undefined>;
  onWebviewMessage(msg: QuestionWebviewMessage): void;
}

export type RenderReport = Extract<QuestionWebviewMessage, { type: 'rendered' }>;

/**
 * The one question panel. The page is rebuilt whenever it becomes visible again (no
 * retainContextWhenHidden): it says `ready` and the host sends the current question again.
 * A serializer reopens the question it showed after VS Code restarts.
 */
export class QuestionPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private current: QuestionView | undefined;
  private ready = false;
  private readonly rendered = new vscode.EventEmitter<RenderReport>();
  /** fires when the page has typeset a question (the integration tests wait on it) */
  readonly onDidRender = this.rendered.event;
  private readonly disposables: vscode.Disposable[] = [this.rendered];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly handler: QuestionPanelHandler,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(QUESTION_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          const saved = parseQuestionWebviewState(state);
          const view = saved && (await this.handler.view(saved.id));
          if (!view) {
            panel.dispose();
            return;
          }
          this.adopt(panel);
          this.show(view);
        },
      }),
    );
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get currentId(): string | undefined {
    return this.panel && this.current?.id;
  }

  /** Shows a question, opening the panel or bringing it to the front. */
  show(view: QuestionView): void {
    if (!this.panel) this.adopt(vscode.window.createWebviewPanel(QUESTION_VIEW_TYPE, view.title, vscode.ViewColumn.Active, this.options()));
    else if (!this.panel.visible) this.panel.reveal();
    this.update(view);
  }

  /** Replaces what an open panel shows (after a reload or a progress change) without revealing it. */
  update(view: QuestionView): void {
    if (!this.panel) return;
    this.current = view;
    this.panel.title = view.title;
    if (this.ready) this.post({ type: 'show', view });
  }

  private post(msg: QuestionHostMessage): void {
    void this.panel?.webview.postMessage(msg);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { ...webviewOptions(this.extensionUri), enableFindWidget: true };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    panel.webview.options = this.options();
    panel.webview.html = renderWebviewHtml(panel.webview, this.extensionUri, {
      title: vscode.l10n.t('Question'),
      script: 'webview/question.js',
      styles: ['dist/media/katex/katex.min.css', 'dist/media/codicons/codicon.css', 'media/question.css'],
      bootstrap: { strings: questionWebviewStrings() },
    });
    const subs: vscode.Disposable[] = [
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // a hidden webview is torn down; it says `ready` again when shown
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        subs.forEach((d) => d.dispose());
        this.panel = undefined;
        this.ready = false;
      }),
    ];
  }

  private receive(raw: unknown): void {
    let msg: QuestionWebviewMessage;
    try {
      msg = parseQuestionWebviewMessage(raw);
    } catch (err) {
      // a message that does not fit the protocol is dropped and logged; the panel keeps working
      this.log.warn(`Ignored a message from the question webview: ${err instanceof ProtocolError ? err.message : String(err)}`);
      return;
    }
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        if (this.current) this.post({ type: 'show', view: this.current });
        return;
      case 'rendered':
        this.rendered.fire(msg);
        return;
      case 'openQuestion':
      case 'quiz':
      case 'tryDemo':
        this.handler.onWebviewMessage(msg);
        return;
    }
  }

  dispose(): void {
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
