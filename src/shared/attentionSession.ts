/**
 * The attention panel's session as one pure state machine: `step(state, event) → { state, effects }`.
 * It decides what the encoder runs, what the panel shows (a drawing or a message), the pin, the locked
 * token and the open view. The host turns VS Code events into events here and carries out the effects;
 * nothing here waits, reads an editor or talks to VS Code, so every rule is unit-tested on its own.
 */
import type { WirePayload } from './attentionWire';
import type { EncodingPayload } from './encoding';
import type { ViewKind } from './viewKind';
import type { LabId } from './questions/types';

/** A piece of document text to encode: what a selection (or the line/paragraph at the cursor) names. */
export interface TextRef {
  /** the document's URI; '' for the built-in sample sentence */
  uri: string;
  /** the document version the text was read from (-1: not known to match any open document) */
  version: number;
  /** where `text` starts in the document */
  baseOffset: number;
  text: string;
  origin: { line: number; character: number };
  source: EncodingPayload['source'];
}

/** Which of the bundled models draws the panel: the encoder (bidirectional), the decoder (causal), or both side by side. */
export type ModelKind = 'encoder' | 'decoder' | 'both';
export const MODEL_KINDS: readonly ModelKind[] = ['encoder', 'decoder', 'both'];

/** One run of the encoder. q/k/v are part of it, so two requests are the same run exactly when equal. */
export interface EncodeRequest extends TextRef {
  /** the model that runs it */
  model: ModelKind;
  /** which model-sized window of a long text */
  window: number;
  /** whether to compute queries, keys and values (only the step view draws them) */
  qkv: boolean;
}

/** A drawing: the request and what the encoder answered. */
export interface ShownEncoding {
  request: EncodeRequest;
  payload: WirePayload;
}

export interface LockedToken {
  /** the piece (a word's first piece when the panel shows words) */
  index: number;
  layer: number;
  heads: number[];
  /** the panel shows words: the editor shades words too */
  words?: boolean;
}

/** What stands in the panel instead of a drawing. */
export type MessageKind = 'noEditor' | 'blank' | 'error';

export interface SessionState {
  /** a panel exists (visible or behind another editor) */
  open: boolean;
  view: ViewKind;
  model: ModelKind;
  pinned: boolean;
  /** the last request sent to the encoder */
  asked?: EncodeRequest;
  /** `asked` has not answered yet */
  running: boolean;
  /** the drawing on show: absent while a message stands in its place */
  shown?: ShownEncoding;
  message?: { kind: MessageKind; detail?: string };
  locked: LockedToken | null;
}

export type SessionEvent =
  /** the Show Attention command: the active editor's text, or why there is none */
  | { type: 'show'; text: TextRef | 'noEditor' | 'blank' }
  /** the selection settled (debounced) on a non-empty range */
  | { type: 'selection'; text: TextRef | 'blank' }
  /** the cursor (an empty selection) moved to `offset` in document `uri` */
  | { type: 'cursor'; uri: string; offset: number }
  | { type: 'encoded'; request: EncodeRequest; payload: WirePayload }
  | { type: 'failed'; request: EncodeRequest; message: string }
  /** pin or unpin; `selection` is the active editor's non-empty selection now (unpinning catches up with it) */
  | { type: 'pin'; pinned: boolean; fromPanel: boolean; selection?: TextRef | 'blank' }
  | { type: 'view'; view: ViewKind }
  /** the panel's model switch */
  | { type: 'model'; model: ModelKind }
  | { type: 'lock'; token: LockedToken | null }
  /** the panel's window arrows; `fresh` is the text re-read when the document changed since */
  | { type: 'moveWindow'; delta: -1 | 1; fresh?: TextRef }
  | { type: 'lab'; lab: LabId; text?: TextRef; sample: TextRef }
  /** a question's demonstration that is a view of the panel (attention rollout: “Through the layers”) */
  | { type: 'demoView'; view: ViewKind; text?: TextRef; sample: TextRef }
  | { type: 'documentEdited'; uri: string }
  | { type: 'modelReset' }
  /** the webview (re)loaded: after creation, after coming back from behind another editor, after a reload */
  | { type: 'ready' }
  /** a panel came back after Reload Window with what its webview had saved */
  | { type: 'restored'; text?: TextRef & { window: number }; view: ViewKind; pinned: boolean; model?: ModelKind }
  | { type: 'closed' };

export type SessionEffect =
  | { type: 'reveal' }
  | { type: 'encode'; request: EncodeRequest }
  /** forget whatever the encoder is running or holds */
  | { type: 'cancel' }
  | { type: 'showEncoding'; request: EncodeRequest; payload: WirePayload; locked: number | null }
  | { type: 'showMessage'; kind: MessageKind; detail?: string }
  | { type: 'showView'; view: ViewKind; lab?: LabId }
  | { type: 'selectToken'; index: number }
  /** tell VS Code (and the webview, unless `fromPanel`) the pin state */
  | { type: 'pinned'; pinned: boolean; fromPanel: boolean }
  | { type: 'drawDecorations'; token: LockedToken }
  | { type: 'clearDecorations' };

export interface Step {
  state: SessionState;
  effects: SessionEffect[];
}

export const INITIAL_SESSION: SessionState = { open: false, view: 'head', model: 'encoder', pinned: false, running: false, locked: null };

/** The same text at the same place of the same document version: window and q/k/v aside. */
export function sameText(a: TextRef, b: TextRef): boolean {
  return a.uri === b.uri && a.version === b.version && a.baseOffset === b.baseOffset && a.text === b.text;
}

/** The same run of the encoder. */
export function sameRequest(a: EncodeRequest, b: EncodeRequest): boolean {
  return sameText(a, b) && a.window === b.window && a.qkv === b.qkv && a.source === b.source && a.model === b.model;
}

/** Whether a drawing lacks the queries, keys and values that the model can give and the view draws. */
function lacksQkv(s: SessionState): boolean {
  return s.view === 'step' && s.shown?.payload.qkvOmitted === true;
}

function requestFor(s: SessionState, text: TextRef, window = 0): EncodeRequest {
  const { uri, version, baseOffset, origin, source } = text;
  return { uri, version, baseOffset, text: text.text, origin, source, window, qkv: s.view === 'step', model: s.model };
}

function encode(s: SessionState, request: EncodeRequest): Step {
  return { state: { ...s, asked: request, running: true }, effects: [{ type: 'encode', request }] };
}

/** A message takes the drawing's place: the old tokens go, and with them the lock and the editor shading. */
function message(s: SessionState, kind: MessageKind, detail?: string): Step {
  return {
    state: { ...s, shown: undefined, locked: null, message: { kind, ...(detail === undefined ? {} : { detail }) } },
    effects: [{ type: 'clearDecorations' }, { type: 'showMessage', kind, ...(detail === undefined ? {} : { detail }) }],
  };
}

/**
 * A settled selection (or the one found on unpinning). The text last asked for, in whichever window,
 * is not run again (VS Code fires selection events on layout and focus changes): unless a message
 * stands where its drawing should be, or the step view still waits for its q/k/v.
 */
function follow(s: SessionState, text: TextRef | 'blank'): Step {
  if (text === 'blank') return message(s, 'blank');
  const repeat =
    s.asked !== undefined && sameText(text, s.asked) && s.asked.model === s.model && !s.message && !(lacksQkv(s) && !s.running);
  if (repeat) return { state: s, effects: [] };
  return encode(s, requestFor(s, text));
}

const then = (a: Step, b: (s: SessionState) => Step): Step => {
  const next = b(a.state);
  return { state: next.state, effects: [...a.effects, ...next.effects] };
};

export function step(s: SessionState, e: SessionEvent): Step {
  const none: Step = { state: s, effects: [] };
  switch (e.type) {
    case 'show': {
      const opened: Step = { state: { ...s, open: true }, effects: [{ type: 'reveal' }] };
      if (e.text === 'noEditor' || e.text === 'blank') {
        const kind = e.text;
        return then(opened, (o) => message(o, kind));
      }
      const text = e.text;
      // asked for on purpose: run even when the text is the one shown
      return then(opened, (o) => encode(o, requestFor(o, text)));
    }
    case 'selection':
      if (!s.open || s.pinned) return none;
      return follow(s, e.text);
    case 'cursor': {
      const shown = s.shown;
      if (!s.open || !shown || e.uri !== shown.request.uri) return none;
      const offset = e.offset - shown.request.baseOffset;
      const index = shown.payload.tokens.findIndex((t) => !t.special && offset >= t.start && offset < t.end);
      if (index < 0) return none;
      const locked = { index, layer: s.locked?.layer ?? 0, heads: s.locked?.heads ?? [] };
      return { state: { ...s, locked }, effects: [{ type: 'selectToken', index }] };
    }
    case 'encoded': {
      // a result the session no longer waits for (the panel closed, or a newer request was made)
      if (!s.open || !s.asked || !sameRequest(e.request, s.asked)) return none;
      const prev = s.shown;
      // the lock survives only the same text run again (q/k/v added, a new model with the same tokens): an
      // index into other tokens would name another word
      const keep =
        prev !== undefined &&
        sameText(prev.request, e.request) &&
        prev.request.window === e.request.window &&
        prev.payload.tokens.length === e.payload.tokens.length;
      const locked = keep ? s.locked : null;
      const state: SessionState = { ...s, running: false, shown: { request: e.request, payload: e.payload }, message: undefined, locked };
      const effects: SessionEffect[] = [];
      if (!keep) effects.push({ type: 'clearDecorations' });
      effects.push({ type: 'showEncoding', request: e.request, payload: e.payload, locked: locked?.index ?? null });
      // the step view opened while this ran without q/k/v: the same text again, with them
      if (lacksQkv(state)) return then({ state, effects }, (n) => encode(n, { ...e.request, qkv: true }));
      return { state, effects };
    }
    case 'failed': {
      if (!s.open || !s.asked || !sameRequest(e.request, s.asked)) return none;
      return message({ ...s, running: false }, 'error', e.message);
    }
    case 'pin': {
      const pinned: Step = { state: { ...s, pinned: e.pinned }, effects: [{ type: 'pinned', pinned: e.pinned, fromPanel: e.fromPanel }] };
      // unpinned: catch up with where the selection is now
      if (!e.pinned && s.open && e.selection !== undefined) {
        const sel = e.selection;
        return then(pinned, (p) => follow(p, sel));
      }
      return pinned;
    }
    case 'view': {
      const state = { ...s, view: e.view };
      // the step view opened on a drawing made without q/k/v; a request on its way asks again when it answers
      if (s.open && lacksQkv(state) && !s.running && s.shown) return encode(state, { ...s.shown.request, qkv: true });
      return { state, effects: [] };
    }
    case 'model': {
      if (e.model === s.model) return none;
      const state = { ...s, model: e.model };
      // the text on show (or the one that failed) runs again on the other model, from its first window
      const text = s.shown?.request ?? (s.message?.kind === 'error' ? s.asked : undefined);
      return s.open && text ? encode(state, requestFor(state, text)) : { state, effects: [] };
    }
    case 'lock': {
      if (!s.shown || e.token === null || e.token.index >= s.shown.payload.tokens.length)
        return { state: { ...s, locked: null }, effects: [{ type: 'clearDecorations' }] };
      return { state: { ...s, locked: e.token }, effects: [{ type: 'drawDecorations', token: e.token }] };
    }
    case 'moveWindow': {
      if (!s.open || !s.shown) return none;
      const index = (s.shown.payload.window?.index ?? 0) + e.delta;
      const count = s.shown.payload.window?.count ?? 1;
      if (index < 0 || index >= count) return none;
      return encode(s, requestFor(s, e.fresh ?? s.shown.request, index));
    }
    case 'lab':
    case 'demoView': {
      const view = e.type === 'lab' ? 'labs' : e.view;
      const opened: Step = { state: { ...s, open: true, view }, effects: [{ type: 'reveal' }] };
      const text = e.text ?? e.sample;
      // a demonstration needs a text: the selection, else a built-in sample sentence (and the panel says so)
      const run = !s.shown && !(s.running && s.asked) ? then(opened, (o) => encode(o, requestFor(o, text))) : opened;
      return then(run, (r) => ({ state: r, effects: [{ type: 'showView', view, ...(e.type === 'lab' ? { lab: e.lab } : {}) }] }));
    }
    case 'documentEdited':
      return s.shown && s.shown.request.uri === e.uri ? { state: s, effects: [{ type: 'clearDecorations' }] } : none;
    case 'modelReset': {
      // the text on show (or the one that failed, maybe on the old model) runs again on the new model
      if (!s.open || !s.asked || (!s.shown && s.message?.kind !== 'error')) return none;
      return encode(s, requestFor(s, s.shown?.request ?? s.asked, (s.shown?.request ?? s.asked).window));
    }
    case 'ready': {
      // a webview that was hidden lost what was posted meanwhile: it gets what is on show now
      const effects: SessionEffect[] = [{ type: 'pinned', pinned: s.pinned, fromPanel: false }];
      if (s.shown)
        effects.push({ type: 'showEncoding', request: s.shown.request, payload: s.shown.payload, locked: s.locked?.index ?? null });
      else if (s.message)
        effects.push({
          type: 'showMessage',
          kind: s.message.kind,
          ...(s.message.detail === undefined ? {} : { detail: s.message.detail }),
        });
      return { state: { ...s, open: true }, effects };
    }
    case 'restored': {
      const state: SessionState = { ...INITIAL_SESSION, open: true, view: e.view, pinned: e.pinned, model: e.model ?? 'encoder' };
      const pinned: Step = { state, effects: [{ type: 'pinned', pinned: e.pinned, fromPanel: true }] };
      const text = e.text;
      return text ? then(pinned, (p) => encode(p, requestFor(p, text, text.window))) : pinned;
    }
    case 'closed':
      return {
        state: INITIAL_SESSION,
        effects: [
          { type: 'cancel' },
          { type: 'clearDecorations' },
          ...(s.pinned ? [{ type: 'pinned' as const, pinned: false, fromPanel: true }] : []),
        ],
      };
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** What a panel keeps across Reload Window: the text it drew, and which window of it. */
export type SavedText = TextRef & { window: number };

const SOURCES: readonly EncodingPayload['source'][] = ['selection', 'line', 'paragraph', 'sample'];
const MAX_SAVED_CHARS = 1_000_000;

/**
 * Reads the text a restored webview had saved (its state is untrusted: an older version, or edited by
 * hand). Anything that does not fit gives undefined: the panel then asks for a selection, losing nothing.
 */
export function parseSavedText(raw: unknown): SavedText | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
  const o = r.origin as Record<string, unknown> | undefined;
  if (typeof r.uri !== 'string' || typeof r.text !== 'string' || !r.text.trim() || r.text.length > MAX_SAVED_CHARS) return undefined;
  if (!int(r.version) || !int(r.baseOffset) || r.baseOffset < 0 || !int(r.window) || r.window < 0) return undefined;
  if (typeof o !== 'object' || o === null || !int(o.line) || !int(o.character) || !SOURCES.includes(r.source as EncodingPayload['source']))
    return undefined;
  return {
    uri: r.uri,
    version: r.version,
    baseOffset: r.baseOffset,
    text: r.text,
    origin: { line: o.line, character: o.character },
    source: r.source as EncodingPayload['source'],
    window: r.window,
  };
}
