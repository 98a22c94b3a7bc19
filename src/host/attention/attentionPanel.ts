import * as vscode from 'vscode';
import { type HostMessage, parseWebviewMessage, ProtocolError, type WebviewMessage } from '../../shared/protocol';
import type { Log } from '../log';
import { renderWebviewHtml, webviewOptions } from '../webviewHtml';
import { webviewStrings } from './webviewStrings';

export const ATTENTION_VIEW_TYPE = 'transformerTutor.attention';

/** Messages the controller posts again when the webview (re)loads, so none is kept while it loads. */
const REPLAYED = new Set<HostMessage['type']>(['encoding', 'status', 'pinned', 'selectToken']);

/** Where the panel's messages go once they have been validated. */
export interface AttentionPanelHandler {
  onWebviewMessage(msg: WebviewMessage): void;
  /** the panel came back after Reload Window; `state` is what its webview saved (untrusted) */
  onPanelRestored(state: unknown): void;
  onPanelClosed(): void;
}

/**
 * The one attention panel: created or revealed beside the editor, restored after a reload by a
 * serializer; the webview keeps its own state with getState/setState, so no retainContextWhenHidden.
 */
export class AttentionPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private queue: HostMessage[] = [];
  private nextPing = 1;
  private readonly pings = new Map<number, () => void>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly handler: AttentionPanelHandler,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(ATTENTION_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          this.adopt(panel);
          this.handler.onPanelRestored(state);
        },
      }),
    );
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      ATTENTION_VIEW_TYPE,
      vscode.l10n.t('Attention'),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      this.options(),
    );
    this.adopt(panel);
  }

  post(msg: HostMessage): void {
    if (!this.panel) return;
    if (!this.ready) {
      // what is on show (drawing or message, lock, pin) is posted again whole when the page is ready;
      // the rest waits for it
      if (!REPLAYED.has(msg.type)) this.queue.push(msg);
      return;
    }
    void this.panel.webview.postMessage(msg);
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

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { ...webviewOptions(this.extensionUri) };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    panel.webview.options = this.options();
    panel.webview.html = renderWebviewHtml(panel.webview, this.extensionUri, {
      title: vscode.l10n.t('Attention'),
      script: 'webview/attention.js',
      styles: ['dist/media/katex/katex.min.css', 'media/attention.css'],
      codicons: true,
      bootstrap: { strings: webviewStrings(), language: vscode.env.language },
    });
    const subs: vscode.Disposable[] = [];
    subs.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      // a hidden webview's page is gone (no retainContextWhenHidden): what is posted meanwhile would be
      // lost, so it waits for the page to load again and say 'ready'
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        subs.forEach((d) => d.dispose());
        this.panel = undefined;
        this.ready = false;
        this.queue = [];
        this.handler.onPanelClosed();
      }),
    );
  }

  private receive(raw: unknown): void {
    let msg: WebviewMessage;
    try {
      msg = parseWebviewMessage(raw);
    } catch (err) {
      // a message that does not fit the protocol is dropped and logged; the panel keeps working
      this.log.warn(`Ignored a message from the attention webview: ${err instanceof ProtocolError ? err.message : String(err)}`);
      return;
    }
    switch (msg.type) {
      case 'ready': {
        this.ready = true;
        const queued = this.queue;
        this.queue = [];
        queued.forEach((m) => this.post(m));
        break;
      }
      case 'pong':
        this.pings.get(msg.id)?.();
        this.pings.delete(msg.id);
        break;
      default:
        break;
    }
    this.handler.onWebviewMessage(msg);
  }

  dispose(): void {
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
