import * as vscode from 'vscode';
import {
  type EncodeRequest,
  INITIAL_SESSION,
  type MessageKind,
  MODEL_KINDS,
  type ModelKind,
  parseSavedText,
  type SessionEffect,
  type SessionEvent,
  type SessionState,
  type ShownEncoding,
  step,
  type TextRef,
} from '../../shared/attentionSession';
import { firstOfWire, layersFirst, layersOfWire } from '../../shared/attentionWire';
import type { EncodingPayload } from '../../shared/encoding';
import type { LabParams, LabResult } from '../../shared/labs/labTypes';
import { LatestOnly } from '../../shared/latestOnly';
import type { WebviewMessage } from '../../shared/protocol';
import type { LabId } from '../../shared/questions/types';
import { scopeForCursor } from '../../shared/selectionScope';
import { parseViewKind, type ViewKind } from '../../shared/viewKind';
import { Command } from '../commandIds';
import { Disposable } from '../dispose';
import { readConfig } from '../config';
import { InputError } from '../encoder/encoderCore';
import type { EncoderService } from '../encoder/encoderService';
import { SAMPLE_TEXT, SAMPLE_TEXT_ZH } from '../labs/labRunner';
import type { Log } from '../log';
import { AttentionDecorations } from './attentionDecorations';
import type { AttentionPanel } from './attentionPanel';
import { saveExport } from './saveExport';
import { errorText } from '../errorText';

/**
 * Turns VS Code events (the command, selections, the panel's messages) into events of the attention
 * session (src/shared/attentionSession.ts), which decides; this class carries out what it decides:
 * runs the encoder (newest wins), posts to the panel, draws the locked token's attention on the editor.
 */
export class AttentionController extends Disposable {
  private readonly queue: LatestOnly<EncodeRequest, ShownEncoding & { asked: number; answered: number }>;
  private readonly decorations = new AttentionDecorations();
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private state: SessionState = INITIAL_SESSION;
  /** the text editor the user worked in last: the panel's own buttons take the focus from it */
  private lastEditor: vscode.TextEditor | undefined;
  /** every encoding posted, for tests and the status line */
  encodingsPosted = 0;
  /** selections that settled after the debounce and went to the session (tests wait on it instead of sleeping) */
  selectionsSettled = 0;
  /**
   * the webview's last report of a drawing: its view, tokens, time to draw, theme, when it arrived here
   * (performance.now()), and for the bench's legs the encoding it drew and when that reached the webview
   */
  lastRendered:
    | {
        view: string;
        tokens: number;
        millis: number;
        theme: string;
        at: number;
        requestId?: number;
        webviewGot?: number;
        reportGot: number;
      }
    | undefined;
  /** the legs of the last few encodings posted, by requestId (Date.now()): the encoder asked and answered, the post */
  readonly timings = new Map<number, { asked: number; answered: number; posted: number }>();
  private lastEncodeTimes = { asked: 0, answered: 0 };
  /** model resets so far: a lab that was running on the model let go is not reported (the panel asks again) */
  private modelResets = 0;
  /** the layer the panel shows (its lockToken and viewShown say): an encoding posts it first */
  private panelLayer = 0;
  /** the last lab result posted (tests read it) */
  lastLab: LabResult | undefined;
  /** each lab's last result, by lab: two labs computed at once (a view re-run as another opens) may answer in either order */
  readonly labResults = new Map<LabId, LabResult>();

  constructor(
    private readonly panel: AttentionPanel,
    private readonly encoder: EncoderService,
    private readonly log: Log,
  ) {
    super();
    this.queue = new LatestOnly(
      // in the encoder process: this thread never waits on ONNX Runtime
      async (request) => {
        const asked = Date.now();
        return { request, payload: await this.encoder.encode(request), asked, answered: Date.now() };
      },
      (res) => {
        this.lastEncodeTimes = { asked: res.asked, answered: res.answered };
        this.dispatch({ type: 'encoded', request: res.request, payload: res.payload });
      },
      (err, request) => this.failed(err, request),
    );
    [
      this.decorations,
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e) this.lastEditor = e;
      }),
      this.encoder.onDidReset(() => {
        this.modelResets++;
        this.dispatch({ type: 'modelReset' });
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.dispatch({ type: 'documentEdited', uri: e.document.uri.toString() });
      }),
    ].forEach((d) => this.register(d));
  }

  /** The drawing on show (none while a message stands in its place). */
  get current(): ShownEncoding | undefined {
    return this.state.shown;
  }

  get isPinned(): boolean {
    return this.state.pinned;
  }

  /** The session as it stands (tests read it). */
  get session(): SessionState {
    return this.state;
  }

  /** The command: open the panel on the active editor's selection (or line/paragraph). */
  showForActiveEditor(): void {
    const editor = vscode.window.activeTextEditor;
    this.dispatch({ type: 'show', text: editor ? this.textOf(editor) : 'noEditor' });
  }

  setPinned(pinned: boolean, fromPanel = false): void {
    const editor = this.workingEditor();
    const selection = editor && !editor.selection.isEmpty ? this.textOf(editor) : undefined;
    this.dispatch({ type: 'pin', pinned, fromPanel, ...(selection ? { selection } : {}) });
  }

  /** Opens the panel on a lab: from the question view's "Try it", hovers and the command palette. */
  /** A lab, or a view of the panel that demonstrates a question, on the selection (else a sample sentence). */
  showDemo(demo: { lab: LabId } | { view: ViewKind }): void {
    const editor = this.workingEditor();
    const selected = editor && !editor.selection.isEmpty ? this.textOf(editor) : undefined;
    const sampleText = vscode.env.language.startsWith('zh') ? SAMPLE_TEXT_ZH : SAMPLE_TEXT;
    const sample: TextRef = { uri: '', version: 0, baseOffset: 0, text: sampleText, origin: { line: 0, character: 0 }, source: 'sample' };
    const text = selected && selected !== 'blank' ? { text: selected } : {};
    this.dispatch('lab' in demo ? { type: 'lab', lab: demo.lab, sample, ...text } : { type: 'demoView', view: demo.view, sample, ...text });
  }

  showLab(lab: LabId): void {
    this.showDemo({ lab });
  }

  /** The active text editor, or while a webview has the focus, the one the user worked in last (if still open). */
  private workingEditor(): vscode.TextEditor | undefined {
    const last = this.lastEditor;
    return vscode.window.activeTextEditor ?? (last && vscode.window.visibleTextEditors.includes(last) ? last : undefined);
  }

  /** A panel came back after Reload Window: what its webview saved decides what it shows. */
  onPanelRestored(saved: unknown): void {
    const s = typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>) : {};
    const text = parseSavedText(s.saved);
    this.dispatch({
      type: 'restored',
      view: parseViewKind(s.view) ?? 'head',
      pinned: s.pinned === true,
      ...(MODEL_KINDS.includes(s.model as ModelKind) ? { model: s.model as ModelKind } : {}),
      ...(text ? { text: this.rebind(text) } : {}),
    });
  }

  /** The saved text, tied to the open document it still matches (so the editor shading works), if any. */
  private rebind<T extends TextRef>(text: T): T {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === text.uri);
    const matches = doc && doc.getText().slice(text.baseOffset, text.baseOffset + text.text.length) === text.text;
    return { ...text, version: matches ? doc.version : -1 };
  }

  onPanelClosed(): void {
    this.dispatch({ type: 'closed' });
  }

  onWebviewMessage(msg: WebviewMessage): void {
    switch (msg.type) {
      case 'ready':
        this.dispatch({ type: 'ready' });
        break;
      case 'pong':
        break;
      case 'lockToken':
        this.panelLayer = msg.layer;
        this.dispatch({
          type: 'lock',
          token:
            msg.index === null ? null : { index: msg.index, layer: msg.layer, heads: msg.heads, ...(msg.words ? { words: true } : {}) },
        });
        break;
      case 'setPinned':
        this.setPinned(msg.pinned, true);
        break;
      case 'setModel':
        this.dispatch({ type: 'model', model: msg.model });
        break;
      case 'moveWindow': {
        const shown = this.state.shown;
        const editor = vscode.window.visibleTextEditors.find((ed) => ed.document.uri.toString() === shown?.request.uri);
        // the document changed since: the same selection, read again
        const fresh = shown && editor && editor.document.version !== shown.request.version ? this.textOf(editor) : undefined;
        this.dispatch({ type: 'moveWindow', delta: msg.delta, ...(fresh && fresh !== 'blank' ? { fresh } : {}) });
        break;
      }
      case 'export':
        void saveExport(msg.format, msg.data);
        break;
      case 'runLab':
        void this.runLab(msg.requestId, msg.lab, msg.params);
        break;
      case 'openQuestion':
        void vscode.commands.executeCommand(Command.OpenQuestion, msg.id);
        break;
      case 'quizQuestion':
        void vscode.commands.executeCommand(Command.QuizQuestion, msg.id);
        break;
      case 'needLayers': {
        // only for the encoding on show; an older one's layers are no use to the panel
        const shown = this.state.shown;
        if (!shown || msg.requestId !== this.encodingsPosted) break;
        const rest = layersOfWire(shown.payload, msg.layers);
        if (rest) this.panel.post({ type: 'attentionRest', requestId: msg.requestId, rest });
        break;
      }
      case 'viewShown':
        if (msg.layer !== undefined) this.panelLayer = msg.layer;
        this.dispatch({ type: 'view', view: msg.view });
        break;
      case 'rendered':
        this.lastRendered = {
          view: msg.view,
          tokens: msg.tokens,
          millis: msg.millis,
          theme: msg.theme,
          at: performance.now(),
          requestId: msg.requestId,
          webviewGot: msg.arrivedAt,
          reportGot: Date.now(),
        };
        this.log.info(`Rendered the ${msg.view} view of ${msg.tokens} tokens in ${msg.millis.toFixed(1)} ms`);
        break;
      default: {
        const never: never = msg;
        void never;
      }
    }
  }

  private dispatch(event: SessionEvent): void {
    const { state, effects } = step(this.state, event);
    this.state = state;
    for (const effect of effects) this.perform(effect);
  }

  private perform(effect: SessionEffect): void {
    switch (effect.type) {
      case 'reveal':
        this.panel.show();
        break;
      case 'encode':
        if (!this.encoder.isLoaded) this.panel.post({ type: 'status', state: 'loading', message: vscode.l10n.t('Loading the encoder…') });
        this.queue.submit(effect.request);
        break;
      case 'cancel':
        clearTimeout(this.debounce);
        this.queue.cancel();
        break;
      case 'showEncoding': {
        const { uri, version, baseOffset, text, origin, source, window } = effect.request;
        const requestId = ++this.encodingsPosted;
        this.timings.set(requestId, { ...this.lastEncodeTimes, posted: Date.now() });
        this.timings.delete(requestId - 20);
        // the layer on show first, in a message of its own, so a view of one layer draws before the rest arrive
        const first = layersFirst(this.state.view, this.panelLayer, effect.payload.numLayers);
        const wire = firstOfWire(effect.payload, first);
        this.panel.post({
          type: 'encoding',
          requestId,
          payload: wire,
          locked: effect.locked,
          saved: { uri, version, baseOffset, text, origin, source, window },
        });
        // the other layers wait until the panel shows one (needLayers): at 512 tokens they are 12 MB that
        // would hold up the next selection's messages in code-server's websocket
        break;
      }
      case 'showMessage':
        this.panel.post({
          type: 'status',
          state: effect.kind === 'error' ? 'error' : 'empty',
          message: this.messageText(effect.kind, effect.detail),
        });
        break;
      case 'showView':
        this.panel.post({ type: 'showView', view: effect.view, ...(effect.lab ? { lab: effect.lab } : {}) });
        break;
      case 'selectToken':
        this.panel.post({ type: 'selectToken', index: effect.index });
        break;
      case 'pinned':
        if (!effect.fromPanel) this.panel.post({ type: 'pinned', pinned: effect.pinned });
        void vscode.commands.executeCommand('setContext', 'transformerTutor.attentionPinned', effect.pinned);
        break;
      case 'drawDecorations': {
        const shown = this.state.shown;
        const editor = shown && vscode.window.visibleTextEditors.find((ed) => ed.document.uri.toString() === shown.request.uri);
        if (shown && editor && editor.document.version === shown.request.version) this.decorations.draw(editor, shown, effect.token);
        else this.decorations.clear();
        break;
      }
      case 'clearDecorations':
        this.decorations.clear();
        break;
      default: {
        const never: never = effect;
        void never;
      }
    }
  }

  private messageText(kind: MessageKind, detail: string | undefined): string {
    switch (kind) {
      case 'noEditor':
        return vscode.l10n.t('Open a file and select some text to see its attention.');
      case 'blank':
        return vscode.l10n.t('The selection is empty and the cursor is on a blank line: select some text.');
      case 'error':
        return vscode.l10n.t('Cannot show attention: {0}', detail ?? '');
      default: {
        const never: never = kind;
        return never;
      }
    }
  }

  private failed(err: unknown, request: EncodeRequest): void {
    if (!(err instanceof InputError)) this.log.error('Encoding failed', err);
    this.dispatch({ type: 'failed', request, message: errorText(err) });
  }

  /** The editor's selection, or the line/paragraph at the cursor when nothing is selected. */
  private textOf(editor: vscode.TextEditor): TextRef | 'blank' {
    const doc = editor.document;
    let range: vscode.Range = editor.selection;
    let source: EncodingPayload['source'] = 'selection';
    if (editor.selection.isEmpty) {
      const lines = Array.from({ length: doc.lineCount }, (_, i) => doc.lineAt(i).text);
      const scope = scopeForCursor(lines, editor.selection.active.line);
      if (!scope) return 'blank';
      range = new vscode.Range(scope.startLine, 0, scope.endLine, doc.lineAt(scope.endLine).text.length);
      source = scope.source;
    }
    const text = doc.getText(range);
    if (!text.trim()) return 'blank';
    return {
      uri: doc.uri.toString(),
      version: doc.version,
      baseOffset: doc.offsetAt(range.start),
      text,
      origin: { line: range.start.line, character: range.start.character },
      source,
    };
  }

  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (e.textEditor.document.uri.scheme === 'output') return;
    this.lastEditor = e.textEditor;
    if (!this.state.open) return;
    const sel = e.selections[0];
    if (sel.isEmpty) {
      // the cursor inside the text on show selects that token in the panel
      this.dispatch({ type: 'cursor', uri: e.textEditor.document.uri.toString(), offset: e.textEditor.document.offsetAt(sel.active) });
      return;
    }
    if (this.state.pinned || !readConfig().followSelection) return;
    clearTimeout(this.debounce);
    const editor = e.textEditor;
    this.debounce = setTimeout(() => {
      if (editor.selection.isEmpty) return;
      this.selectionsSettled++;
      this.dispatch({ type: 'selection', text: this.textOf(editor) });
    }, readConfig().debounceMs);
  }

  /** Computes a lab on the text shown (or the built-in sample) and posts it to the panel. */
  async runLab(requestId: number, lab: LabId, params: LabParams): Promise<void> {
    const resets = this.modelResets;
    try {
      const request = this.state.shown?.request;
      const text = request?.source === 'sample' ? undefined : request?.text;
      // in the encoder process: a lab's runs (17 for the head ranking) never hold this thread
      const result = await this.encoder.runLab(lab, params, text);
      this.lastLab = result;
      this.labResults.set(lab, result);
      this.panel.post({ type: 'labResult', requestId, result });
    } catch (err) {
      // the model was let go under it (the settings changed): the text runs again on the new model and the
      // panel asks for the lab again, so “Session already disposed” is no news for the learner
      if (resets !== this.modelResets) {
        this.log.info(`Lab ${lab} stopped by a model reset: ${errorText(err)}`);
        return;
      }
      this.log.error(`Lab ${lab} failed`, err);
      this.panel.post({ type: 'labError', requestId, lab, message: vscode.l10n.t('The lab could not run: {0}', errorText(err)) });
    }
  }

  override dispose(): void {
    clearTimeout(this.debounce);
    this.queue.cancel();
    super.dispose();
  }
}
