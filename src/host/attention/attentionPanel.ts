import * as vscode from 'vscode';
import { type HostMessage, parseWebviewMessage, type WebviewMessage } from '../../shared/protocol';
import { Disposable } from '../dispose';
import type { Log } from '../log';
import { WebviewPanelHost } from '../webviewPanelHost';
import { webviewStrings } from './webviewStrings';

export const ATTENTION_VIEW_TYPE = 'transformerTutor.attention';

/** Messages the controller posts again when the page (re)loads; the others wait for it. */
const REPLAYED = new Set<HostMessage['type']>(['encoding', 'status', 'pinned', 'selectToken']);

/** Where the panel's messages go once they have been validated. */
export interface AttentionPanelHandler {
  onWebviewMessage(msg: WebviewMessage): void;
  /** the panel came back after Reload Window; `state` is what its webview saved (untrusted) */
  onPanelRestored(state: unknown): void;
  onPanelClosed(): void;
}

/**
 * The one attention panel, beside the editor; the webview keeps its own state with
 * getState/setState (no retainContextWhenHidden) and a serializer restores it after a reload.
 */
export class AttentionPanel extends Disposable {
  private readonly host: WebviewPanelHost<WebviewMessage, HostMessage>;
  private nextPing = 1;
  private readonly pings = new Map<number, () => void>();

  constructor(extensionUri: vscode.Uri, log: Log, handler: AttentionPanelHandler) {
    super();
    this.host = this.register(
      new WebviewPanelHost<WebviewMessage, HostMessage>(
        extensionUri,
        log,
        {
          viewType: ATTENTION_VIEW_TYPE,
          name: 'the attention webview',
          page: () => ({
            title: vscode.l10n.t('Attention'),
            script: 'webview/attention.js',
            styles: ['dist/media/katex/katex.min.css', 'media/attention.css'],
            codicons: true,
            bootstrap: { strings: webviewStrings(), language: vscode.env.language },
          }),
          parse: parseWebviewMessage,
          keepUntilReady: (msg) => !REPLAYED.has(msg.type),
        },
        {
          onMessage: (msg) => {
            if (msg.type === 'pong') {
              this.pings.get(msg.id)?.();
              this.pings.delete(msg.id);
            }
            handler.onWebviewMessage(msg);
          },
          onRestore: (state) => {
            handler.onPanelRestored(state);
            return true;
          },
          onClosed: () => handler.onPanelClosed(),
        },
      ),
    );
  }

  get isOpen(): boolean {
    return this.host.isOpen;
  }

  /** Opens the panel beside the editor, or brings it there, leaving the focus in the editor. */
  show(): void {
    this.host.show(vscode.l10n.t('Attention'), vscode.ViewColumn.Beside, true, true);
  }

  post(msg: HostMessage): void {
    this.host.post(msg);
  }

  /** Round-trip a typed message through the webview (used by the integration tests). */
  ping(timeoutMs = 10000): Promise<number> {
    const id = this.nextPing++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('webview did not answer ping')), timeoutMs);
      this.pings.set(id, () => {
        clearTimeout(timer);
        resolve(id);
      });
      this.post({ type: 'ping', id });
    });
  }
}
