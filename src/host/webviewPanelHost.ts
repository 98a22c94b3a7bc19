import * as vscode from 'vscode';
import { ProtocolError } from '../shared/protocol';
import { Disposable } from './dispose';
import type { Log } from './log';
import { renderWebviewHtml, type WebviewPage, webviewOptions } from './webviewHtml';

/** What makes one kind of panel: its page, its messages, and what it does with them. */
export interface PanelSpec<In extends { type: string }, Out> {
  viewType: string;
  /** for the log: "the attention webview" */
  name: string;
  page(): Omit<WebviewPage, 'script'> & { script: string };
  /** validates an (untrusted) message from the page; throws ProtocolError when it does not fit */
  parse(raw: unknown): In;
  /** messages posted while the page loads that wait for it (the rest is sent again whole on `ready`) */
  keepUntilReady?(msg: Out): boolean;
  extraOptions?: vscode.WebviewPanelOptions;
}

export interface PanelEvents<In> {
  /** every valid message, `ready` included (the page loaded: after creation, after being hidden, after a reload) */
  onMessage(msg: In): void;
  /** a panel came back after Reload Window with its page's saved state; false disposes it */
  onRestore(state: unknown): boolean | Promise<boolean>;
  onClosed(): void;
}

/**
 * One webview panel of a kind, created or revealed on demand and restored by a serializer. No
 * retainContextWhenHidden: a hidden page is torn down and says `ready` again when it comes back, so
 * posts wait for that (those the spec keeps) or are dropped for the owner to send again on `ready`.
 */
export class WebviewPanelHost<In extends { type: string }, Out> extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private queue: Out[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly spec: PanelSpec<In, Out>,
    private readonly events: PanelEvents<In>,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(spec.viewType, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          this.adopt(panel);
          if (!(await this.events.onRestore(state))) panel.dispose();
        },
      }),
    );
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get isVisible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** Opens the panel in `column`, or brings the open one forward (into `column` when `move`). */
  show(title: string, column: vscode.ViewColumn, preserveFocus: boolean, move = false): void {
    if (this.panel) {
      this.panel.reveal(move ? column : undefined, preserveFocus);
      return;
    }
    this.adopt(vscode.window.createWebviewPanel(this.spec.viewType, title, { viewColumn: column, preserveFocus }, this.options()));
  }

  set title(title: string) {
    if (this.panel) this.panel.title = title;
  }

  post(msg: Out): void {
    if (!this.panel) return;
    if (this.ready) void this.panel.webview.postMessage(msg);
    else if (this.spec.keepUntilReady?.(msg)) this.queue.push(msg);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { ...webviewOptions(this.extensionUri), ...this.spec.extraOptions };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.queue = [];
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    panel.webview.options = this.options();
    panel.webview.html = renderWebviewHtml(panel.webview, this.extensionUri, this.spec.page());
    const subs: vscode.Disposable[] = [
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      // a hidden page is gone: what is posted meanwhile waits for it to load again
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        subs.forEach((d) => d.dispose());
        if (this.panel !== panel) return;
        this.panel = undefined;
        this.ready = false;
        this.queue = [];
        this.events.onClosed();
      }),
    ];
  }

  private receive(raw: unknown): void {
    let msg: In;
    try {
      msg = this.spec.parse(raw);
    } catch (err) {
      // a message that does not fit the protocol is dropped and logged; the panel keeps working
      this.log.warn(`Ignored a message from ${this.spec.name}: ${err instanceof ProtocolError ? err.message : String(err)}`);
      return;
    }
    if (msg.type === 'ready') {
      this.ready = true;
      const queued = this.queue;
      this.queue = [];
      queued.forEach((m) => this.post(m));
    }
    this.events.onMessage(msg);
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}
