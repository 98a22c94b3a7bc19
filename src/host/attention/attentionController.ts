import * as vscode from 'vscode';
import type { EncodingPayload } from '../../shared/encoding';
import { LatestOnly } from '../../shared/latestOnly';
import type { ViewKind, WebviewMessage } from '../../shared/protocol';
import { scopeForCursor } from '../../shared/selectionScope';
import { readConfig } from '../config';
import { InputError } from '../encoder/encoderCore';
import type { EncoderService } from '../encoder/encoderService';
import type { Log } from '../log';
import type { AttentionPanel } from './attentionPanel';
import { AttentionDecorations } from './attentionDecorations';
import { saveExport } from './saveExport';
import { runLab, SAMPLE_TEXT, SAMPLE_TEXT_ZH } from '../labs/labRunner';
import type { LabParams } from '../../shared/labs/labTypes';
import type { LabId } from '../../shared/questions/types';
import { Command } from '../commandIds';

/** Whether two requests encode the same window of the same text at the same place in the same document version. */
function sameText(a: SelectionRequest, b: SelectionRequest): boolean {
  return a.uri === b.uri && a.version === b.version && a.baseOffset === b.baseOffset && a.window === b.window && a.text === b.text;
}

/** One encoding request, tied to the document range it came from. */
export interface SelectionRequest {
  uri: string;
  version: number;
  baseOffset: number;
  text: string;
  origin: { line: number; character: number };
  source: EncodingPayload['source'];
  window: number;
}

export interface ShownEncoding {
  request: SelectionRequest;
  payload: EncodingPayload;
}

/**
 * Turns "what the user selected" into encodings for the panel: on command, and then following the
 * selection (debounced, newest wins, unless pinned). Draws the locked token's attention back onto
 * the editor text, and maps the cursor inside the selection to a token in the panel.
 */
export class AttentionController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly queue: LatestOnly<SelectionRequest, ShownEncoding>;
  private readonly decorations = new AttentionDecorations();
  private debounce: ReturnType<typeof setTimeout> | undefined;
  /** the last request sent to the encoder */
  private lastAsked: SelectionRequest | undefined;
  /** a status message was posted after the last encoding was delivered */
  private statusShown = false;
  private pinned = false;
  private shown: ShownEncoding | undefined;
  /** the view the panel shows: only the step view draws queries, keys and values, so only it fetches them */
  private view: ViewKind = 'head';
  private readonly listeners = new Set<(e: ShownEncoding) => void>();
  /** every encoding posted, for tests and the status line */
  encodingsPosted = 0;
  /** the webview's last report of a finished render (view, token count, milliseconds) */
  lastRendered: { view: string; tokens: number; millis: number; theme: string } | undefined;
  /** the last lab result posted (tests read it) */
  lastLab: import('../../shared/labs/labTypes').LabResult | undefined;

  constructor(
    private readonly panel: AttentionPanel,
    private readonly encoder: EncoderService,
    private readonly log: Log,
  ) {
    this.queue = new LatestOnly(
      // read when the request runs, not when it was made: a view opened meanwhile gets what it draws
      async (req) => ({ request: req, payload: await (await this.encoder.get()).encode({ ...req, qkv: this.view === 'step' }) }),
      (res) => this.deliver(res),
      (err) => this.reportError(err),
    );
    this.disposables.push(
      this.decorations,
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)),
      this.encoder.onDidReset(() => this.onModelReset()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.shown && e.document.uri.toString() === this.shown.request.uri && e.contentChanges.length) this.decorations.clear();
      }),
    );
  }

  get current(): ShownEncoding | undefined {
    return this.shown;
  }

  get isPinned(): boolean {
    return this.pinned;
  }

  /** Called for every encoding delivered to the panel (tests and labs listen). */
  onDidEncode(listener: (e: ShownEncoding) => void): vscode.Disposable {
    this.listeners.add(listener);
    return new vscode.Disposable(() => this.listeners.delete(listener));
  }

  /** The command: open the panel and encode the active editor's selection (or line/paragraph). */
  showForActiveEditor(): void {
    this.panel.show();
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      this.postStatus('empty', vscode.l10n.t('Open a file and select some text to see its attention.'));
      return;
    }
    this.encodeEditor(editor);
  }

  setPinned(pinned: boolean, fromPanel = false): void {
    this.pinned = pinned;
    if (!fromPanel) this.panel.post({ type: 'pinned', pinned });
    void vscode.commands.executeCommand('setContext', 'transformerTutor.attentionPinned', pinned);
  }

  encodeEditor(editor: vscode.TextEditor, window = 0): void {
    this.submit(this.requestFor(editor, window));
  }

  /** Queues a request for the encoder, or says why there is nothing to encode. */
  private submit(req: SelectionRequest | undefined): void {
    if (!req) {
      this.postStatus('empty', vscode.l10n.t('The selection is empty and the cursor is on a blank line: select some text.'));
      return;
    }
    if (!this.encoder.isLoaded) this.panel.post({ type: 'status', state: 'loading', message: vscode.l10n.t('Loading the encoder…') });
    this.enqueue(req);
  }

  private requestFor(editor: vscode.TextEditor, window: number): SelectionRequest | undefined {
    const doc = editor.document;
    let range: vscode.Range = editor.selection;
    let source: EncodingPayload['source'] = 'selection';
    if (editor.selection.isEmpty) {
      const lines = Array.from({ length: doc.lineCount }, (_, i) => doc.lineAt(i).text);
      const scope = scopeForCursor(lines, editor.selection.active.line);
      if (!scope) return undefined;
      range = new vscode.Range(scope.startLine, 0, scope.endLine, doc.lineAt(scope.endLine).text.length);
      source = scope.source;
    }
    const text = doc.getText(range);
    if (!text.trim()) return undefined;
    return {
      uri: doc.uri.toString(),
      version: doc.version,
      baseOffset: doc.offsetAt(range.start),
      text,
      origin: { line: range.start.line, character: range.start.character },
      source,
      window,
    };
  }

  private deliver(res: ShownEncoding): void {
    // the same text again (q/k/v added, or the selection event of a command's own selection) keeps what is drawn on the editor
    if (!this.shown || !sameText(res.request, this.shown.request)) this.decorations.clear();
    this.shown = res;
    this.statusShown = false;
    // the step view opened while this ran without q/k/v: run it again (nothing newer waits, or this would not be delivered)
    if (res.payload.qkvOmitted && this.view === 'step') this.enqueue(res.request);
    this.panel.post({ type: 'encoding', requestId: ++this.encodingsPosted, payload: res.payload });
    this.listeners.forEach((l) => l(res));
  }

  private reportError(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof InputError)) this.log.error('Encoding failed', err);
    this.postStatus('error', vscode.l10n.t('Cannot show attention: {0}', message));
  }

  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!this.panel.isOpen || e.textEditor.document.uri.scheme === 'output') return;
    const sel = e.selections[0];
    const shown = this.shown;
    // the cursor inside the encoded text selects that token in the panel
    if (sel.isEmpty && shown && e.textEditor.document.uri.toString() === shown.request.uri) {
      const offset = e.textEditor.document.offsetAt(sel.active) - shown.request.baseOffset;
      const index = shown.payload.tokens.findIndex((t) => !t.special && offset >= t.start && offset < t.end);
      if (index >= 0) this.panel.post({ type: 'selectToken', index });
      return;
    }
    if (sel.isEmpty || this.pinned || !readConfig().followSelection) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.follow(e.textEditor), readConfig().debounceMs);
  }

  /**
   * The selection settled. VS Code also fires selection events when the layout or the focus changes,
   * and a selection can come back to where it was: the text last asked for (in whichever window, shown
   * or on its way) is not run again. It is when that request ended in a message instead of a drawing,
   * or when the step view still waits for q/k/v.
   */
  private follow(editor: vscode.TextEditor): void {
    const req = this.requestFor(editor, 0);
    const last = this.lastAsked;
    const stepWaits = this.view === 'step' && this.shown?.payload.qkvOmitted === true;
    if (req && last && sameText({ ...req, window: last.window }, last) && !this.statusShown && !stepWaits) return;
    this.submit(req);
  }

  /** Every request goes to the encoder through here, so that follow() knows what was last asked for. */
  private enqueue(request: SelectionRequest): void {
    this.lastAsked = request;
    this.queue.submit(request);
  }

  /** The model settings changed: the text on show is run again, on the new model. */
  private onModelReset(): void {
    if (this.panel.isOpen && this.shown) this.enqueue(this.shown.request);
  }

  /** A status message took the place of the drawing (the text was empty, or encoding failed). */
  private postStatus(state: 'empty' | 'error', message: string): void {
    this.statusShown = true;
    this.panel.post({ type: 'status', state, message });
  }

  onWebviewMessage(msg: WebviewMessage): void {
    switch (msg.type) {
      case 'lockToken':
        this.drawLocked(msg.index, msg.layer, msg.heads);
        break;
      case 'setPinned':
        this.setPinned(msg.pinned, true);
        break;
      case 'moveWindow': {
        const shown = this.shown;
        const editor = vscode.window.visibleTextEditors.find((ed) => ed.document.uri.toString() === shown?.request.uri);
        if (shown && editor) {
          const doc = editor.document;
          const req = { ...shown.request, window: (shown.payload.window?.index ?? 0) + msg.delta };
          if (doc.version === req.version) this.enqueue(req);
          else this.encodeEditor(editor, req.window);
        }
        break;
      }
      case 'export':
        void saveExport(msg.format, msg.data);
        break;
      case 'runLab':
        void this.runLab(msg.lab, msg.params);
        break;
      case 'openQuestion':
        void vscode.commands.executeCommand(Command.OpenQuestion, msg.id);
        break;
      case 'quizQuestion':
        void vscode.commands.executeCommand(Command.QuizQuestion, msg.id);
        break;
      case 'viewShown':
        this.view = msg.view;
        if (msg.view === 'step') this.fetchQkv();
        break;
      case 'rendered':
        this.lastRendered = { view: msg.view, tokens: msg.tokens, millis: msg.millis, theme: msg.theme };
        this.log.info(`Rendered the ${msg.view} view of ${msg.tokens} tokens in ${msg.millis.toFixed(1)} ms`);
        break;
      case 'ready':
        if (this.shown) this.panel.post({ type: 'encoding', requestId: ++this.encodingsPosted, payload: this.shown.payload });
        break;
      default:
        break;
    }
  }

  /**
   * The step view opened on an encoding made without q/k/v: the same request again, which now asks for
   * them. A request already running or waiting is newer, or will ask for them itself when it runs.
   */
  private fetchQkv(): void {
    if (this.shown?.payload.qkvOmitted && !this.queue.busy) this.enqueue(this.shown.request);
  }

  /** Computes a lab on the text shown (or the built-in sample) and posts it to the panel. */
  async runLab(lab: LabId, params: LabParams): Promise<void> {
    try {
      const core = await this.encoder.get();
      const pieces = this.encoder.bundledFiles.tokenizerPath.replace(/tokenizer\.json$/, 'bpe_pieces.json');
      const shown = this.shown?.request.source === 'sample' ? undefined : this.shown?.request.text;
      const result = await runLab(core, lab, params, shown, pieces);
      this.lastLab = result;
      this.panel.post({ type: 'labResult', result });
    } catch (err) {
      this.log.error(`Lab ${lab} failed`, err);
      this.panel.post({ type: 'labError', lab, message: vscode.l10n.t('The lab could not run: {0}', err instanceof Error ? err.message : String(err)) });
    }
  }

  /** Opens the panel on a lab: from the question view's "Try it", hovers and the command palette. */
  showLab(lab: LabId): void {
    this.panel.show();
    const editor = vscode.window.activeTextEditor;
    if (!this.shown && editor && !editor.selection.isEmpty) this.encodeEditor(editor);
    else if (!this.shown) {
      // no text yet: the panel and the lab use a built-in sample sentence, and say so
      const text = vscode.env.language.startsWith('zh') ? SAMPLE_TEXT_ZH : SAMPLE_TEXT;
      this.enqueue({ uri: '', version: 0, baseOffset: 0, text, origin: { line: 0, character: 0 }, source: 'sample', window: 0 });
    }
    this.panel.post({ type: 'showView', view: 'labs', lab });
  }

  private drawLocked(index: number | null, layer: number, heads: number[]): void {
    const shown = this.shown;
    const editor = shown && vscode.window.visibleTextEditors.find((ed) => ed.document.uri.toString() === shown.request.uri);
    if (!shown || !editor || index === null || editor.document.version !== shown.request.version) {
      this.decorations.clear();
      return;
    }
    this.decorations.draw(editor, shown, index, layer, heads);
  }

  onPanelClosed(): void {
    this.queue.cancel();
    this.decorations.clear();
    this.shown = undefined;
    this.lastAsked = undefined;
  }

  dispose(): void {
    clearTimeout(this.debounce);
    this.queue.cancel();
    this.disposables.forEach((d) => d.dispose());
  }
}
