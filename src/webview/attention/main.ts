import '@vscode-elements/elements/dist/vscode-button/index.js';
import { firstPieceOfWord, type WordGroup, wordOfPiece, wordPayload } from '../../shared/beyond/wordGroups';
import { addLayers, fromWire, layersFirst } from '../../shared/attentionWire';
import type { EncodingPayload } from '../../shared/encoding';
import { type LabAction, nextLabParams } from '../../shared/labs/labParams';
import type { LabParams } from '../../shared/labs/labTypes';
import type { LabId } from '../../shared/questions/types';
import type { HostMessage, ViewKind } from '../../shared/protocol';
import { connect, readBootstrap } from '../vscodeApi';
import { ConceptTips } from './concepts';
import { exportView } from './exporters';
import { renderHeadView } from './headView';
import { renderLabsView } from './labsView';
import { renderMatrixView } from './matrixView';
import { renderModelView } from './modelView';
import { type PanelState, restoreState } from './state';
import { renderStepView } from './stepView';
import { WORD_VIEWS } from '../../shared/viewKind';
import { renderRolloutView } from './rolloutView';
import { buildToolbar, type Toolbar } from './toolbar';
import { fmt, type LabsState, type RenderOutcome, tokenLabel, type ViewContext } from './viewContext';

interface Boot {
  strings: Record<string, string>;
  language: string;
}

const boot = readBootstrap<Boot>();
const S = boot.strings;
const vscode = connect<PanelState>(onMessage);
let state = restoreState(vscode.getState());
let payload: EncodingPayload | undefined;
let requestId = 0;
/** when the encoding on show arrived (Date.now(), the host's clock too): its report of the drawing carries it */
let arrivedAt = 0;
/** layers of the encoding on show still on their way (attentionRest brings them), and whether a drawing waits for them */
let missingLayers: number[] = [];
let waitingForLayers = false;
/** layers asked for (needLayers) and not yet arrived */
let asked: number[] = [];
let labs: LabsState = {};
/**
 * the last lab asked for: a reply to an older one is dropped. Ids start at a random point, so a reply
 * held for a page that was torn down (hidden) never matches the new page's first request.
 */
let labAsked = { requestId: Math.floor(Math.random() * 1e9), forEncoding: 0 };
/** each lab's parameters on this text (the token masked, the sample drawn…) */
let labParams: Partial<Record<LabId, LabParams>> = {};

const live = document.createElement('div');
live.className = 'sr-only';
live.setAttribute('aria-live', 'polite');
const status = document.createElement('p');
status.className = 'status';
status.setAttribute('role', 'status');
status.textContent = S.empty;
const main = document.createElement('main');
main.id = 'view';
const toolbar: Toolbar = buildToolbar(S, {
  onView: (view) => update({ view }),
  onLayer: (layer) => update({ layer }),
  onHeads: (heads) => update({ heads }),
  onPin: (pinned) => {
    update({ pinned });
    vscode.postMessage({ type: 'setPinned', pinned });
  },
  onWindow: (delta) => vscode.postMessage({ type: 'moveWindow', delta }),
  onWords: (words) => update({ words }),
  onModel: (model) => {
    update({ model });
    vscode.postMessage({ type: 'setModel', model });
  },
  onExport: (format) => {
    const shown = drawn();
    if (!shown) return;
    const data = exportView(format, { payload: shown.payload, state: shown.state, main, strings: S, labs });
    if (data) vscode.postMessage({ type: 'export', format, data });
  },
});
// the page's heading, for screen readers moving by headings (the panel's tab shows the same title)
const heading = document.createElement('h1');
heading.className = 'sr-only';
heading.textContent = S.title;
toolbar.element.prepend(heading);
document.body.append(toolbar.element, status, main, live);
new ConceptTips(S, (id) => vscode.postMessage({ type: 'openQuestion', id }));
// nothing drawn yet (a new panel, or one restored and waiting for its text): tabs and pin work already
toolbar.sync(undefined, state);

function onMessage(msg: HostMessage): void {
  switch (msg.type) {
    case 'ping':
      vscode.postMessage({ type: 'pong', id: msg.id });
      break;
    case 'status':
      status.textContent = msg.message;
      status.dataset.state = msg.state;
      // a message in place of the drawing: the old text's tokens go, so nothing on screen belongs to another text
      if (msg.state !== 'loading') clearDrawing();
      break;
    case 'encoding': {
      const sameText =
        state.saved !== undefined &&
        state.saved.text === msg.saved.text &&
        state.saved.uri === msg.saved.uri &&
        state.saved.window === msg.saved.window;
      if (!sameText) labParams = {};
      const got = fromWire(msg.payload);
      payload = got.payload;
      missingLayers = got.missing;
      asked = [];
      requestId = msg.requestId;
      arrivedAt = Date.now();
      // the host decides whether the lock survives (only the same text run again); an announcement of an old word goes with it
      if (msg.locked === null) live.textContent = '';
      // the drawing says which model made it (the host's session decides; after a reload the two agree again)
      state = {
        ...state,
        locked: msg.locked,
        saved: msg.saved,
        layer: Math.min(state.layer, payload.numLayers - 1),
        model: payload.partner ? 'both' : payload.causal ? 'decoder' : 'encoder',
      };
      vscode.setState(state);
      status.dataset.state = 'ok';
      render();
      break;
    }
    case 'attentionRest':
      // layers the panel asked for: a view that waits for them draws now
      if (!payload || msg.requestId !== requestId) break;
      addLayers(payload, msg.rest);
      missingLayers = missingLayers.filter((l) => !msg.rest.layers.includes(l));
      asked = [];
      merged = undefined;
      if (waitingForLayers) render();
      break;
    case 'pinned':
      // the command palette's Pin toggle: show it without echoing it back
      state = { ...state, pinned: msg.pinned };
      vscode.setState(state);
      toolbar.sync(payload, state);
      break;
    case 'selectToken':
      if (payload) update({ locked: msg.index });
      break;
    case 'showView':
      update({ view: msg.view, ...(msg.lab ? { lab: msg.lab } : {}) });
      break;
    case 'labResult':
      if (msg.requestId !== labAsked.requestId) break;
      labs = { result: msg.result, forRequest: labAsked.forEncoding };
      if (state.view === 'labs') render();
      break;
    case 'labError':
      if (msg.requestId !== labAsked.requestId) break;
      labs = { error: { lab: msg.lab, message: msg.message }, forRequest: labAsked.forEncoding };
      if (state.view === 'labs') render();
      break;
    default: {
      const never: never = msg;
      void never;
    }
  }
}

/** The words of the payload on show, made once per payload. */
let merged: { of: EncodingPayload; payload: EncodingPayload; groups: WordGroup[] } | undefined;

/**
 * What the view draws: the payload, or in words (head, matrix and model views) the payload merged into
 * words, with the state's locked token as a word index. The state keeps pieces, as the host does.
 */
function drawn(): { payload: EncodingPayload; state: PanelState; groups?: WordGroup[] } | undefined {
  if (!payload) return undefined;
  if (!state.words || !WORD_VIEWS.includes(state.view)) return { payload, state };
  if (merged?.of !== payload) merged = { of: payload, ...wordPayload(payload, boot.language) };
  const locked = state.locked === null ? null : wordOfPiece(merged.groups, state.locked);
  return { payload: merged.payload, state: { ...state, locked }, groups: merged.groups };
}

function update(patch: Partial<PanelState>): void {
  const groups = drawn()?.groups;
  // a view in words locks a word: the state (and the host) keep its first piece
  if (groups && 'locked' in patch && patch.locked !== null && patch.locked !== undefined)
    patch = { ...patch, locked: firstPieceOfWord(groups, patch.locked) };
  const wordsChanged = 'words' in patch && patch.words !== state.words;
  const lockedChanged = 'locked' in patch && patch.locked !== state.locked;
  const layerChanged = 'layer' in patch && patch.layer !== state.layer;
  const headsChanged = 'heads' in patch;
  const viewChanged = 'view' in patch && patch.view !== state.view;
  state = { ...state, ...patch };
  vscode.setState(state);
  if (viewChanged || layerChanged) vscode.postMessage({ type: 'viewShown', view: state.view, layer: state.layer });
  // the editor shades words or pieces as the view shows them
  const unitsChanged = state.locked !== null && (wordsChanged || (viewChanged && state.words));
  if (payload && (lockedChanged || layerChanged || headsChanged || unitsChanged)) {
    vscode.postMessage({
      type: 'lockToken',
      index: state.locked,
      layer: state.layer,
      heads: state.heads,
      ...(state.words && WORD_VIEWS.includes(state.view) ? { words: true } : {}),
    });
    if (lockedChanged && state.locked !== null) announceLocked();
  }
  render();
}

function announceLocked(): void {
  const shown = drawn();
  if (!shown || shown.state.locked === null) return;
  const i = shown.state.locked;
  live.textContent = fmt(S.lockedAnnounce, tokenLabel(shown.payload.tokens[i].text), i, state.layer + 1);
}

/** A message took the drawing's place: nothing of the old text stays on screen, clickable or exportable. */
function clearDrawing(): void {
  payload = undefined;
  labs = {};
  live.textContent = '';
  state = { ...state, locked: null, saved: undefined };
  vscode.setState(state);
  main.replaceChildren();
  toolbar.sync(undefined, state);
}

function render(): void {
  toolbar.sync(payload, state);
  const shown = drawn();
  if (!shown) return;
  // the layers this view draws are on their way (the first message carried the layer that was on show)
  const needs =
    layersFirst(state.view, state.layer, shown.payload.numLayers) ?? Array.from({ length: shown.payload.numLayers }, (_, l) => l);
  const lacking = needs.filter((l) => missingLayers.includes(l));
  waitingForLayers = lacking.length > 0;
  if (waitingForLayers) {
    // asked once per encoding and set of layers; the drawing before stays until they arrive
    if (lacking.some((l) => !asked.includes(l))) {
      asked = [...new Set([...asked, ...lacking])];
      vscode.postMessage({ type: 'needLayers', requestId, layers: lacking });
    }
    return;
  }
  const p = shown.payload;
  const t0 = performance.now();
  status.textContent = describe(p, shown.groups ? payload!.tokens.length : undefined);
  // the view is built anew: the element that had the keyboard focus gets it back in the new view
  const focusKey = (document.activeElement?.closest('[data-focus-key]') as HTMLElement | null)?.dataset.focusKey;
  main.replaceChildren();
  const ctx: ViewContext = {
    payload: p,
    state: shown.state,
    strings: S,
    update,
    announce: (text) => (live.textContent = text),
    openQuestion: (id) => vscode.postMessage({ type: 'openQuestion', id }),
    quizQuestion: (id) => vscode.postMessage({ type: 'quizQuestion', id }),
    requestId,
    labs,
    labParams: (lab) => labParams[lab] ?? {},
    runLab: (lab, action?: LabAction) => {
      if (action) labParams = { ...labParams, [lab]: nextLabParams(labParams[lab] ?? {}, action) };
      labAsked = { requestId: labAsked.requestId + 1, forEncoding: requestId };
      vscode.postMessage({
        type: 'runLab',
        requestId: labAsked.requestId,
        lab,
        params: { layer: state.layer, head: state.heads[0] ?? 0, ...labParams[lab] },
      });
    },
  };
  const views: Record<ViewKind, (root: HTMLElement, c: ViewContext) => RenderOutcome | void> = {
    head: renderHeadView,
    matrix: renderMatrixView,
    model: renderModelView,
    rollout: renderRolloutView,
    step: renderStepView,
    labs: renderLabsView,
  };
  drawnWidth = main.clientWidth;
  const partner = payload?.partner;
  let outcome: RenderOutcome | void = undefined;
  if (partner && SIDE_BY_SIDE_VIEWS.includes(state.view)) {
    // both models on the same text, one column each; the decoder's tokens are the encoder's without [SEP],
    // so a locked piece is the same token in both
    const both = document.createElement('div');
    both.className = 'side-by-side';
    // in the page before the views draw: they size themselves to the width they find
    main.append(both);
    const other = state.words ? wordPayload(partner, boot.language) : undefined;
    const columns: [string, EncodingPayload, PanelState][] = [
      [S.sideEncoder, p, shown.state],
      [
        S.sideDecoder,
        other?.payload ?? partner,
        { ...shown.state, locked: sideLocked(shown.state.locked, other?.payload ?? partner, other?.groups, shown.groups) },
      ],
    ];
    for (const [title, pay, st] of columns) {
      const col = document.createElement('section');
      col.className = 'side-column';
      col.setAttribute('aria-label', title);
      const h = document.createElement('h2');
      h.className = 'side-title';
      h.textContent = title;
      const body = document.createElement('div');
      col.append(h, body);
      both.append(col);
      views[state.view](body, { ...ctx, payload: pay, state: st });
    }
  } else outcome = views[state.view](main, ctx);
  if (focusKey) main.querySelector<HTMLElement>(`[data-focus-key="${focusKey}"]`)?.focus();
  if (outcome === 'waiting') return;
  // measure after layout and paint, so the figure is what the user waits for
  requestAnimationFrame(() =>
    setTimeout(
      () =>
        vscode.postMessage({
          type: 'rendered',
          view: state.view,
          tokens: p.tokens.length,
          millis: performance.now() - t0,
          theme: themeKind(),
          requestId,
          arrivedAt,
        }),
      0,
    ),
  );
}

/** pieces: the number of word pieces, when the view shows words */
function describe(p: EncodingPayload, pieces?: number): string {
  const source = S[`source.${p.source}`] ?? p.source;
  let text = fmt(
    pieces === undefined ? S.summary : S.summaryWords,
    p.tokens.length,
    p.numLayers,
    p.numHeads,
    source,
    p.modelName,
    pieces ?? '',
  );
  if (p.causal) text += ' · ' + S.causalNote;
  if (p.window) text += ' ' + fmt(S.windowNotice, p.window.index + 1, p.window.count, p.window.tokensTotal);
  return text;
}

/** The views that draw both models side by side when the switch says so (the others show the encoder's). */
const SIDE_BY_SIDE_VIEWS: readonly ViewKind[] = ['head', 'matrix', 'model'];

/**
 * The encoder's locked token in the decoder's column: the same piece (both begin with [CLS] and share a
 * tokenizer), or in words the word that holds it; none for the encoder's closing [SEP].
 */
function sideLocked(locked: number | null, other: EncodingPayload, otherGroups?: WordGroup[], groups?: WordGroup[]): number | null {
  if (locked === null) return null;
  const piece = groups ? firstPieceOfWord(groups, locked) : locked;
  const index = otherGroups ? wordOfPiece(otherGroups, piece) : piece;
  return index !== null && index >= 0 && index < other.tokens.length ? index : null;
}

/** VS Code's name for the current theme's kind (vscode-light, vscode-dark, vscode-high-contrast…). */
function themeKind(): string {
  return document.body.dataset.vscodeThemeKind ?? '';
}

// Canvases (lines, heatmap labels, lab charts) take the theme's colours when they are drawn: when the
// user switches theme (to another of the same kind too), draw the view again, or its text stays in the
// old theme's colour.
const themeKey = () => `${themeKind()} ${document.body.dataset.vscodeThemeId ?? ''}`;
let drawnTheme = themeKey();
new MutationObserver(() => {
  if (themeKey() === drawnTheme) return;
  drawnTheme = themeKey();
  render();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'data-vscode-theme-id'] });

// The matrix sizes its canvas from the panel's width when it is drawn: draw it again once the user
// has finished widening or narrowing the panel (not at every step of the drag). (The head view
// follows its own width.) Changes smaller than a scrollbar are let pass, so a scrollbar that comes
// and goes with the redraw cannot start a loop.
let drawnWidth = 0;
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (state.view === 'matrix' && Math.abs(main.clientWidth - drawnWidth) >= 24) render();
  }, 100);
}).observe(main);

vscode.postMessage({ type: 'ready' });
if (state.saved) {
  // restored after a reload: the host runs the saved text again; say so until it arrives
  status.textContent = S.loading;
  status.dataset.state = 'loading';
}
// the view restored from the last session: the host fetches only what it draws
vscode.postMessage({ type: 'viewShown', view: state.view, layer: state.layer });
