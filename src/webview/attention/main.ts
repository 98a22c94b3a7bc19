import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { EncodingPayload } from '../../shared/encoding';
import type { HostMessage, ViewKind } from '../../shared/protocol';
import { connect, readBootstrap } from '../vscodeApi';
import { ConceptTips } from './concepts';
import { exportView } from './exporters';
import { renderHeadView } from './headView';
import { type LabsState, renderLabsView } from './labsView';
import { renderMatrixView } from './matrixView';
import { renderModelView } from './modelView';
import { type PanelState, restoreState } from './state';
import { renderStepView } from './stepView';
import { buildToolbar, type Toolbar } from './toolbar';
import { fmt, type RenderOutcome, tokenLabel, type ViewContext } from './viewContext';

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
let labs: LabsState = {};
let labPendingFor = 0;
let labSeed = 0;

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
  onExport: (format) => {
    if (!payload) return;
    const data = exportView(format, payload, state, main);
    if (data) vscode.postMessage({ type: 'export', format, data });
  },
});
document.body.append(toolbar.element, status, main, live);
new ConceptTips(S, (id) => vscode.postMessage({ type: 'openQuestion', id }));
if (state.pinned) vscode.postMessage({ type: 'setPinned', pinned: true });

function onMessage(msg: HostMessage): void {
  switch (msg.type) {
    case 'ping':
      vscode.postMessage({ type: 'pong', id: msg.id });
      break;
    case 'status':
      status.textContent = msg.message;
      status.dataset.state = msg.state;
      if (msg.state !== 'loading') status.hidden = false;
      break;
    case 'encoding':
      payload = msg.payload;
      requestId = msg.requestId;
      // a new text: keep view/layer/heads, but an index into the old tokens means nothing now
      if (state.locked !== null && state.locked >= payload.tokens.length) state.locked = null;
      state.layer = Math.min(state.layer, payload.numLayers - 1);
      status.dataset.state = 'ok';
      render();
      break;
    case 'pinned':
      // the command palette's Pin toggle: show it without echoing it back
      state = { ...state, pinned: msg.pinned };
      vscode.setState(state);
      if (payload) toolbar.sync(payload, state);
      break;
    case 'selectToken':
      if (payload && msg.index !== null) update({ locked: msg.index });
      break;
    case 'showView':
      update({ view: msg.view, ...(msg.lab ? { lab: msg.lab } : {}) });
      break;
    case 'labResult':
      labs = { result: msg.result, forRequest: labPendingFor };
      if (state.view === 'labs') render();
      break;
    case 'labError':
      labs = { error: { lab: msg.lab, message: msg.message }, forRequest: labPendingFor };
      if (state.view === 'labs') render();
      break;
    default: {
      const never: never = msg;
      void never;
    }
  }
}

function update(patch: Partial<PanelState>): void {
  const lockedChanged = 'locked' in patch && patch.locked !== state.locked;
  const layerChanged = 'layer' in patch && patch.layer !== state.layer;
  const headsChanged = 'heads' in patch;
  const viewChanged = 'view' in patch && patch.view !== state.view;
  state = { ...state, ...patch };
  vscode.setState(state);
  if (viewChanged) vscode.postMessage({ type: 'viewShown', view: state.view });
  if (payload && (lockedChanged || layerChanged || headsChanged)) {
    vscode.postMessage({ type: 'lockToken', index: state.locked, layer: state.layer, heads: state.heads });
    if (lockedChanged && state.locked !== null) announceLocked();
  }
  render();
}

function announceLocked(): void {
  if (!payload || state.locked === null) return;
  live.textContent = fmt(S.lockedAnnounce, tokenLabel(payload.tokens[state.locked].text), state.locked, state.layer + 1);
}

function render(): void {
  if (!payload) return;
  const p = payload;
  const t0 = performance.now();
  toolbar.sync(p, state);
  status.textContent = describe(p);
  main.replaceChildren();
  const ctx: ViewContext = {
    payload: p,
    state,
    strings: S,
    update,
    announce: (text) => (live.textContent = text),
    openQuestion: (id) => vscode.postMessage({ type: 'openQuestion', id }),
    quizQuestion: (id) => vscode.postMessage({ type: 'quizQuestion', id }),
    requestId,
    labs,
    labSeed,
    runLab: (lab, params) => {
      labPendingFor = requestId;
      if (params.seed !== undefined) labSeed = params.seed;
      vscode.postMessage({ type: 'runLab', lab, params: { layer: state.layer, head: state.heads[0] ?? 0, ...params } });
    },
  };
  const views: Record<ViewKind, (root: HTMLElement, c: ViewContext) => RenderOutcome | void> = {
    head: renderHeadView,
    matrix: renderMatrixView,
    model: renderModelView,
    step: renderStepView,
    labs: renderLabsView,
  };
  drawnWidth = main.clientWidth;
  if (views[state.view](main, ctx) === 'waiting') return;
  // measure after layout and paint, so the figure is what the user waits for
  requestAnimationFrame(() =>
    setTimeout(() => vscode.postMessage({ type: 'rendered', view: state.view, tokens: p.tokens.length, millis: performance.now() - t0, theme: themeKind() }), 0),
  );
}

function describe(p: EncodingPayload): string {
  const source = S[`source.${p.source}`] ?? p.source;
  let text = fmt(S.summary, p.tokens.length, p.numLayers, p.numHeads, source, p.modelName);
  if (p.window) text += ' ' + fmt(S.windowNotice, p.window.index + 1, p.window.count, p.window.tokensTotal);
  return text;
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
// the view restored from the last session: the host fetches only what it draws
vscode.postMessage({ type: 'viewShown', view: state.view });
