import * as vscode from 'vscode';
import {
  parseQuestionWebviewMessage,
  parseQuestionWebviewState,
  type QuestionHostMessage,
  type QuestionView,
  type QuestionWebviewMessage,
} from '../../shared/questions/questionProtocol';
import { Disposable } from '../dispose';
import type { Log } from '../log';
import { WebviewPanelHost } from '../webviewPanelHost';
import { questionWebviewStrings } from './questionStrings';

export const QUESTION_VIEW_TYPE = 'transformerTutor.question';

/** What the page asks of the rest of the extension (the panel answers `ready` and `rendered` itself). */
export type QuestionRequest = Extract<QuestionWebviewMessage, { type: 'openQuestion' | 'quiz' | 'tryDemo' }>;

export interface QuestionPanelHandler {
  /** the view of a question, or undefined when the bank no longer has it */
  view(id: string): Promise<QuestionView | undefined>;
  onWebviewMessage(msg: QuestionRequest): void;
}

export type RenderReport = Extract<QuestionWebviewMessage, { type: 'rendered' }>;

/**
 * The one question panel. The page is rebuilt whenever it becomes visible again (no
 * retainContextWhenHidden): it says `ready` and the host sends the current question again.
 * A serializer reopens the question it showed after VS Code restarts.
 */
export class QuestionPanel extends Disposable {
  private readonly host: WebviewPanelHost<QuestionWebviewMessage, QuestionHostMessage>;
  private current: QuestionView | undefined;
  private readonly rendered = this.register(new vscode.EventEmitter<RenderReport>());
  /** fires when the page has typeset a question (the integration tests wait on it) */
  readonly onDidRender = this.rendered.event;

  constructor(extensionUri: vscode.Uri, log: Log, handler: QuestionPanelHandler) {
    super();
    this.host = this.register(
      new WebviewPanelHost<QuestionWebviewMessage, QuestionHostMessage>(
        extensionUri,
        log,
        {
          viewType: QUESTION_VIEW_TYPE,
          name: 'the question webview',
          page: () => ({
            title: vscode.l10n.t('Question'),
            script: 'webview/question.js',
            styles: ['dist/media/katex/katex.min.css', 'dist/media/codicons/codicon.css', 'media/question.css'],
            bootstrap: { strings: questionWebviewStrings() },
          }),
          parse: parseQuestionWebviewMessage,
          extraOptions: { enableFindWidget: true },
        },
        {
          onMessage: (msg) => {
            switch (msg.type) {
              case 'ready':
                if (this.current) this.host.post({ type: 'show', view: this.current });
                return;
              case 'rendered':
                this.rendered.fire(msg);
                return;
              case 'openQuestion':
              case 'quiz':
              case 'tryDemo':
                handler.onWebviewMessage(msg);
                return;
              default: {
                const never: never = msg;
                void never;
              }
            }
          },
          onRestore: async (state) => {
            const saved = parseQuestionWebviewState(state);
            const view = saved && (await handler.view(saved.id));
            if (!view) return false;
            this.update(view);
            return true;
          },
          onClosed: () => (this.current = undefined),
        },
      ),
    );
  }

  get isOpen(): boolean {
    return this.host.isOpen;
  }

  get currentId(): string | undefined {
    return this.host.isOpen ? this.current?.id : undefined;
  }

  /** Shows a question, opening the panel or bringing it to the front. */
  show(view: QuestionView): void {
    if (!this.host.isOpen || !this.host.isVisible) this.host.show(view.title, vscode.ViewColumn.Active, false);
    this.update(view);
  }

  /** Replaces what an open panel shows (after a reload or a progress change) without revealing it. */
  update(view: QuestionView): void {
    if (!this.host.isOpen) return;
    this.current = view;
    this.host.title = view.title;
    this.host.post({ type: 'show', view });
  }
}
