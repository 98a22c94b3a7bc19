import type { EncodingPayload } from '../../shared/encoding';
import type { ViewKind } from '../../shared/protocol';
import { VIEWS as ALL_VIEWS, WORD_VIEWS } from '../../shared/viewKind';
import { IMAGE_VIEWS } from './exporters';
import { headColor } from './palette';
import type { PanelState } from './state';
import { fmt } from './viewContext';

export interface ToolbarEvents {
  onView(view: ViewKind): void;
  onLayer(layer: number): void;
  onHeads(heads: number[]): void;
  onPin(pinned: boolean): void;
  onWindow(delta: -1 | 1): void;
  onExport(format: 'png' | 'svg' | 'json'): void;
  onWords(words: boolean): void;
  onModel(model: PanelState['model']): void;
}

export interface Toolbar {
  element: HTMLElement;
  /** p: the drawing on show; without one, only the tabs and the pin (the rest acts on a drawing) */
  sync(p: EncodingPayload | undefined, state: PanelState): void;
}

/** View tabs, layer picker, head toggles (multi-head), pin, window navigation and export. */
export function buildToolbar(S: Record<string, string>, ev: ToolbarEvents): Toolbar {
  const bar = document.createElement('header');
  bar.className = 'toolbar';

  const tabs = document.createElement('div');
  tabs.setAttribute('role', 'tablist');
  tabs.setAttribute('aria-label', S.views);
  const tabEls = ALL_VIEWS.map((v) => {
    const b = document.createElement('button');
    b.setAttribute('role', 'tab');
    b.className = 'tab';
    b.textContent = S[`view.${v}`];
    b.dataset.view = v;
    b.addEventListener('click', () => ev.onView(v));
    tabs.append(b);
    return b;
  });
  // arrow keys move between tabs, as a tablist should
  tabs.addEventListener('keydown', (e) => {
    const i = tabEls.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const next = tabEls[(i + (e.key === 'ArrowRight' ? 1 : tabEls.length - 1)) % tabEls.length];
    next.focus();
    next.click();
  });

  const layerWrap = document.createElement('label');
  layerWrap.className = 'field';
  layerWrap.dataset.concept = 'layer';
  const layerText = document.createElement('span');
  layerText.textContent = S.layer;
  // a native select inside its label: it has an accessible name (the custom element's inner combobox had none)
  const layer = document.createElement('select');
  layer.addEventListener('change', () => ev.onLayer(Number(layer.value)));
  layerWrap.append(layerText, layer);

  const heads = document.createElement('div');
  heads.className = 'heads';
  heads.setAttribute('role', 'group');
  heads.setAttribute('aria-label', S.heads);
  heads.dataset.concept = 'multiHead';

  const pin = document.createElement('vscode-button') as HTMLElement & { secondary: boolean };
  pin.setAttribute('secondary', '');
  pin.setAttribute('icon', 'pin');
  pin.addEventListener('click', () => ev.onPin(pin.getAttribute('aria-pressed') !== 'true'));

  // pieces or words: for the views that draw attention alone (step by step shows q·k per piece)
  const words = document.createElement('button');
  words.className = 'words-toggle';
  words.dataset.concept = 'wordpiece';
  words.textContent = S.words;
  words.title = S.wordsHelp;
  words.addEventListener('click', () => ev.onWords(words.getAttribute('aria-pressed') !== 'true'));

  // the model switch: a pair of toggle buttons, one pressed
  const models = document.createElement('div');
  models.className = 'model-switch';
  models.setAttribute('role', 'group');
  models.setAttribute('aria-label', S.model);
  models.title = S.modelHelp;
  const modelButtons = (['encoder', 'decoder', 'both'] as const).map((m) => {
    const b = document.createElement('button');
    b.className = 'model-toggle';
    b.dataset.model = m;
    b.textContent = S[`model.${m}`];
    b.addEventListener('click', () => {
      if (b.getAttribute('aria-pressed') !== 'true') ev.onModel(m);
    });
    models.append(b);
    return b;
  });

  const win = document.createElement('div');
  win.className = 'window-nav';
  const prev = iconButton('chevron-left', S.windowPrev, () => ev.onWindow(-1));
  const next = iconButton('chevron-right', S.windowNext, () => ev.onWindow(1));
  win.append(prev, next);

  const exp = document.createElement('div');
  exp.className = 'exports';
  const imageButtons: HTMLElement[] = [];
  for (const f of ['png', 'svg', 'json'] as const) {
    const b = document.createElement('vscode-button');
    b.setAttribute('secondary', '');
    b.setAttribute('icon', f === 'json' ? 'json' : 'file-media');
    b.textContent = f.toUpperCase();
    b.setAttribute('aria-label', fmt(S.exportAs, f.toUpperCase()));
    b.title = fmt(S.exportAs, f.toUpperCase());
    b.addEventListener('click', () => ev.onExport(f));
    if (f !== 'json') imageButtons.push(b);
    exp.append(b);
  }

  bar.append(tabs, models, layerWrap, heads, words, win, pin, exp);
  let shape = '';

  return {
    element: bar,
    sync(p, state) {
      tabEls.forEach((b) => {
        const on = b.dataset.view === state.view;
        b.setAttribute('aria-selected', String(on));
        b.tabIndex = on ? 0 : -1;
      });
      modelButtons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.model === state.model)));
      pin.setAttribute('aria-pressed', String(state.pinned));
      pin.textContent = state.pinned ? S.pinned : S.pin;
      pin.title = state.pinned ? S.pinnedHelp : S.pinHelp;
      for (const part of [layerWrap, heads, exp]) part.hidden = !p;
      words.hidden = !p || !WORD_VIEWS.includes(state.view);
      words.setAttribute('aria-pressed', String(state.words));
      win.hidden = !p?.window;
      if (!p) return;
      // step by step and the labs are text and tables: they export their numbers, not a picture
      const image = IMAGE_VIEWS.includes(state.view);
      imageButtons.forEach((b, i) => {
        b.toggleAttribute('disabled', !image);
        const name = i === 0 ? 'PNG' : 'SVG';
        b.title = image ? fmt(S.exportAs, name) : S.exportImageViews;
      });
      // rebuild layer options and head toggles only when the model's shape changes
      const key = `${p.numLayers}x${p.numHeads}`;
      if (key !== shape) {
        shape = key;
        layer.replaceChildren(
          ...Array.from({ length: p.numLayers }, (_, l) => {
            const o = document.createElement('option');
            o.value = String(l);
            o.textContent = fmt(S.layerN, l + 1);
            return o;
          }),
        );
        heads.replaceChildren();
        const all = document.createElement('button');
        all.className = 'head-toggle all';
        all.textContent = S.allHeads;
        all.addEventListener('click', () => ev.onHeads([]));
        heads.append(all);
        for (let h = 0; h < p.numHeads; h++) {
          const b = document.createElement('button');
          b.className = 'head-toggle';
          b.dataset.head = String(h);
          b.textContent = String(h + 1);
          b.style.setProperty('--head', headColor(h));
          b.setAttribute('aria-label', fmt(S.headN, h + 1));
          // click: only this head; Ctrl/Cmd/Shift-click: add or remove it
          b.addEventListener('click', (e) => {
            const cur = JSON.parse(heads.dataset.selected ?? '[]') as number[];
            if (e.ctrlKey || e.metaKey || e.shiftKey) ev.onHeads(cur.includes(h) ? cur.filter((x) => x !== h) : [...cur, h].sort());
            else ev.onHeads(cur.length === 1 && cur[0] === h ? [] : [h]);
          });
          heads.append(b);
        }
      }
      layer.value = String(state.layer);
      heads.dataset.selected = JSON.stringify(state.heads);
      heads.querySelectorAll<HTMLButtonElement>('.head-toggle').forEach((b) => {
        const h = b.dataset.head;
        const on = h === undefined ? state.heads.length === 0 : state.heads.length === 0 || state.heads.includes(Number(h));
        b.setAttribute('aria-pressed', String(on));
      });
      prev.disabled = !p.window || p.window.index === 0;
      next.disabled = !p.window || p.window.index >= p.window.count - 1;
    },
  };
}

function iconButton(icon: string, label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.className = 'icon-button';
  b.setAttribute('aria-label', label);
  b.title = label;
  const i = document.createElement('span');
  i.className = `codicon codicon-${icon}`;
  b.append(i);
  b.addEventListener('click', onClick);
  return b;
}
