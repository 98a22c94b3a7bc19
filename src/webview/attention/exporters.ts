import type { EncodingPayload } from '../../shared/encoding';
import { exportTitle } from '../../shared/exportTitle';
import { headLines, levelAlpha, lineLevel, strongest } from '../../shared/headLines';
import type { ViewKind } from '../../shared/protocol';
import { headColor, textOn, viridis, viridisCss } from './palette';
import { FLOW_MAX_TOKENS, followedToken, throughLayers } from './rolloutView';
import { activeHeads, type PanelState } from './state';
import { fmt, type LabsState, tokenLabel } from './viewContext';

export type ExportFormat = 'png' | 'svg' | 'json';

/** The views drawn as an image (step by step and the labs are text and tables: they export their numbers). */
export const IMAGE_VIEWS: readonly ViewKind[] = ['head', 'matrix', 'model', 'rollout'];

const TITLE = 28;
const ROW = 20;
const COL = 140;
const GAP = 220;
const THUMB = 84;
const THUMB_GAP = 24;
const CAPTION = 16;
const AXIS = 72;

interface Page {
  payload: EncodingPayload;
  state: PanelState;
  main: HTMLElement;
  strings: Record<string, string>;
  labs: LabsState;
}

/**
 * The current view as PNG (data URL), SVG (text) or JSON (the numbers behind it), headed by a title
 * that says what it shows. The head view is redrawn off-screen with its token labels and the very
 * lines (and opacities) drawn on screen; the matrix and model views are composed from their canvases
 * with their labels. Returns undefined when the view has no such export.
 */
export function exportView(format: ExportFormat, page: Page): string | undefined {
  const { state } = page;
  if (format === 'json') {
    const numbers =
      state.view === 'labs' ? (page.labs.result ?? null) : state.view === 'rollout' ? rolloutJson(page) : exportJson(page.payload, state);
    return JSON.stringify(numbers, null, 1);
  }
  if (!IMAGE_VIEWS.includes(state.view)) return undefined;
  if (state.view === 'head') return format === 'svg' ? headSvg(page) : headCanvas(page).toDataURL('image/png');
  const canvas = state.view === 'model' ? modelCanvas(page) : state.view === 'rollout' ? rolloutCanvas(page) : matrixCanvas(page);
  if (!canvas) return undefined;
  const png = canvas.toDataURL('image/png');
  if (format === 'png') return png;
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${canvas.width}" height="${canvas.height}"><title>${esc(title(page))}</title><image width="${canvas.width}" height="${canvas.height}" xlink:href="${png}"/></svg>`;
}

/** The numbers behind the view; layer and heads numbered from 1 as the panel shows them. */
export function exportJson(p: EncodingPayload, state: PanelState) {
  const t = p.tokens.length;
  const heads = activeHeads(state, p.numHeads);
  return {
    model: p.modelName,
    text: p.text,
    numbering: 'layer and heads from 1, as in the panel; tokens, queries and keys from 0',
    units: state.words ? 'words (pieces merged: attention to a word sums its pieces, from a word averages them)' : 'word pieces',
    layer: state.layer + 1,
    heads: heads.map((h) => h + 1),
    tokens: p.tokens,
    // [head][query][key] for the chosen layer, like bertviz's nesting
    attention: heads.map((h) =>
      Array.from({ length: t }, (_, q) =>
        Array.from(
          p.attention.subarray(((state.layer * p.numHeads + h) * t + q) * t, ((state.layer * p.numHeads + h) * t + q + 1) * t),
          (x) => +x.toFixed(6),
        ),
      ),
    ),
  };
}

function title({ payload: p, state, strings: S }: Page): string {
  return exportTitle(
    {
      text: p.text,
      modelName: p.modelName,
      view: state.words ? fmtWords(S, S[`view.${state.view}`] ?? state.view) : (S[`view.${state.view}`] ?? state.view),
      // the model view and the view through the layers show every layer
      ...(state.view === 'model' || state.view === 'rollout' ? {} : { layer: state.layer }),
      heads: state.heads.filter((h) => h < p.numHeads),
      numHeads: p.numHeads,
    },
    { exportTitle: S.exportTitle, exportTitleLayer: S.exportTitleLayer, exportAllHeads: S.exportAllHeads, exportHeads: S.exportHeads },
  );
}

/** "Head view (words)": an export of merged words says so. */
function fmtWords(S: Record<string, string>, view: string): string {
  return (S.viewInWords ?? '{0}').replace('{0}', view);
}

/** The theme's colours, so an export looks like the panel it came from. */
function colours() {
  const style = getComputedStyle(document.body);
  return { background: style.getPropertyValue('--vscode-editor-background').trim() || '#fff', text: style.color || '#000' };
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

const TITLE_FONT = '13px sans-serif';

/** How wide the title is drawn: an export is at least that wide, so the title is never squeezed. */
function titleWidth(page: Page): number {
  const g = document.createElement('canvas').getContext('2d')!;
  g.font = TITLE_FONT;
  return Math.ceil(g.measureText(title(page)).width) + 16;
}

/** A canvas of the given size (CSS pixels, drawn at `scale`) with the theme's background and the title on top. */
function titledCanvas(page: Page, minWidth: number, height: number, scale = 1): { canvas: HTMLCanvasElement; g: CanvasRenderingContext2D } {
  const width = Math.max(minWidth, titleWidth(page));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round((height + TITLE) * scale);
  const g = canvas.getContext('2d')!;
  g.scale(scale, scale);
  const c = colours();
  g.fillStyle = c.background;
  g.fillRect(0, 0, width, height + TITLE);
  g.fillStyle = c.text;
  g.font = TITLE_FONT;
  g.textBaseline = 'middle';
  g.fillText(title(page), 8, TITLE / 2);
  g.translate(0, TITLE);
  return { canvas, g };
}

function headCanvas(page: Page): HTMLCanvasElement {
  const { payload: p, state } = page;
  const t = p.tokens.length;
  const width = COL * 2 + GAP;
  const { canvas, g } = titledCanvas(page, width, t * ROW);
  const lines = headLines(
    p,
    state.layer,
    activeHeads(state, p.numHeads),
    state.locked === null ? null : { side: 'q', index: state.locked },
  );
  const top = strongest(lines);
  g.lineWidth = 2;
  for (const l of lines) {
    const level = lineLevel(l.w, top);
    if (level === 0) continue;
    g.globalAlpha = levelAlpha(level);
    g.strokeStyle = headColor(l.h);
    g.beginPath();
    g.moveTo(COL, l.q * ROW + ROW / 2);
    g.lineTo(COL + GAP, l.k * ROW + ROW / 2);
    g.stroke();
  }
  g.globalAlpha = 1;
  g.fillStyle = colours().text;
  g.font = '12px monospace';
  p.tokens.forEach((tok, i) => {
    g.textAlign = 'right';
    g.fillText(tokenLabel(tok.text), COL - 6, i * ROW + ROW / 2);
    g.textAlign = 'left';
    g.fillText(tokenLabel(tok.text), COL + GAP + 6, i * ROW + ROW / 2);
  });
  return canvas;
}

function headSvg(page: Page): string {
  const { payload: p, state } = page;
  const t = p.tokens.length;
  const width = Math.max(COL * 2 + GAP, titleWidth(page));
  const c = colours();
  const lines = headLines(
    p,
    state.layer,
    activeHeads(state, p.numHeads),
    state.locked === null ? null : { side: 'q', index: state.locked },
  );
  const top = strongest(lines);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${t * ROW + TITLE}" font-family="monospace" font-size="12">`,
    `<title>${esc(title(page))}</title>`,
    `<rect width="100%" height="100%" fill="${esc(c.background)}"/>`,
    `<text x="8" y="${TITLE / 2 + 4}" font-family="sans-serif" font-size="13" fill="${esc(c.text)}">${esc(title(page))}</text>`,
    `<g transform="translate(0 ${TITLE})">`,
  ];
  for (const l of lines) {
    const level = lineLevel(l.w, top);
    if (level === 0) continue;
    parts.push(
      `<line x1="${COL}" y1="${l.q * ROW + ROW / 2}" x2="${COL + GAP}" y2="${l.k * ROW + ROW / 2}" stroke="${headColor(l.h)}" stroke-opacity="${levelAlpha(level).toFixed(3)}" stroke-width="2"/>`,
    );
  }
  p.tokens.forEach((tok, i) => {
    const y = i * ROW + ROW / 2 + 4;
    parts.push(`<text x="${COL - 6}" y="${y}" text-anchor="end" fill="${esc(c.text)}">${esc(tokenLabel(tok.text))}</text>`);
    parts.push(`<text x="${COL + GAP + 6}" y="${y}" fill="${esc(c.text)}">${esc(tokenLabel(tok.text))}</text>`);
  });
  parts.push('</g>', '</svg>');
  return parts.join('\n');
}

/** The heatmap as drawn (at the screen's pixel ratio), under the title and the caption naming layer and head. */
function matrixCanvas(page: Page): HTMLCanvasElement | undefined {
  const heat = page.main.querySelector<HTMLCanvasElement>('.matrix-view canvas');
  if (!heat) return undefined;
  const scale = window.devicePixelRatio || 1;
  const caption = page.main.querySelector('.matrix-view .caption')?.textContent ?? '';
  const { canvas, g } = titledCanvas(page, heat.width / scale, heat.height / scale + CAPTION + 4, scale);
  g.font = '12px sans-serif';
  g.fillText(caption, 8, CAPTION / 2);
  g.drawImage(heat, 0, CAPTION + 4, heat.width / scale, heat.height / scale);
  return canvas;
}

function rolloutMethod({ payload: p, state }: Page) {
  return state.through === 'flow' && p.tokens.length <= FLOW_MAX_TOKENS ? 'flow' : 'rollout';
}

/** The table through the layers: for the followed token, one row per layer over the input tokens. */
function rolloutJson(page: Page) {
  const { payload: p, state } = page;
  const token = followedToken(p, state.locked);
  const method = rolloutMethod(page);
  const values = throughLayers(p, token, method);
  const t = p.tokens.length;
  return {
    model: p.modelName,
    text: p.text,
    method: method === 'flow' ? 'attention flow (Abnar & Zuidema 2020)' : 'attention rollout (Abnar & Zuidema 2020)',
    note: 'each layer: head-averaged attention mixed 0.5/0.5 with the identity (residual); ignores values and FFN',
    numbering: 'layers from 1, as in the panel; tokens from 0',
    token: { index: token, text: p.tokens[token].text },
    tokens: p.tokens.map((x) => x.text),
    afterLayer: Array.from({ length: p.numLayers }, (_, l) => ({
      layer: l + 1,
      reach: Array.from(values.subarray(l * t, (l + 1) * t), (x) => +x.toFixed(6)),
    })),
  };
}

/** The table as an image: token labels on top, a row of cells per layer, coloured as on screen. */
function rolloutCanvas(page: Page): HTMLCanvasElement {
  const { payload: p, state, strings: S } = page;
  const token = followedToken(p, state.locked);
  const values = throughLayers(p, token, rolloutMethod(page));
  const t = p.tokens.length;
  const CELL = 34;
  const LABELS = 80;
  const caption = page.main.querySelector('.rollout-table caption')?.textContent ?? '';
  const { canvas, g } = titledCanvas(page, AXIS + t * CELL, CAPTION + LABELS + p.numLayers * ROW + 8);
  g.font = '12px sans-serif';
  g.fillText(caption, 8, CAPTION / 2);
  p.tokens.forEach((tok, k) => {
    g.save();
    g.translate(AXIS + k * CELL + CELL / 2 + 4, CAPTION + LABELS - 4);
    g.rotate(-Math.PI / 2);
    g.fillText(tokenLabel(tok.text).slice(0, 12), 0, 0);
    g.restore();
  });
  for (let l = 0; l < p.numLayers; l++) {
    const y = CAPTION + LABELS + l * ROW;
    g.fillStyle = colours().text;
    g.fillText(fmt(S.layerN, l + 1), 4, y + ROW / 2 + 4);
    const row = values.subarray(l * t, (l + 1) * t);
    const max = row.reduce((m, v) => Math.max(m, v), 0);
    row.forEach((v, k) => {
      const x = max > 0 ? v / max : 0;
      g.fillStyle = viridisCss(x);
      g.fillRect(AXIS + k * CELL, y, CELL - 1, ROW - 1);
      g.fillStyle = textOn(viridis(x));
      g.font = '10px sans-serif';
      g.fillText(v.toFixed(2), AXIS + k * CELL + 5, y + ROW / 2 + 3);
      g.font = '12px sans-serif';
    });
  }
  return canvas;
}

/** Every head's thumbnail with gaps, head numbers above, layer numbers beside and each head's caption below. */
function modelCanvas(page: Page): HTMLCanvasElement | undefined {
  const { payload: p, strings: S } = page;
  const thumbs = [...page.main.querySelectorAll<HTMLElement>('.thumb')];
  if (!thumbs.length) return undefined;
  const cell = THUMB + THUMB_GAP;
  const width = AXIS + p.numHeads * cell;
  const height = CAPTION + p.numLayers * (cell + CAPTION);
  const { canvas, g } = titledCanvas(page, width, height);
  g.font = '12px sans-serif';
  g.textAlign = 'center';
  for (let h = 0; h < p.numHeads; h++) g.fillText(fmt(S.headN, h + 1), AXIS + h * cell + THUMB / 2, CAPTION / 2);
  for (let l = 0; l < p.numLayers; l++) {
    g.textAlign = 'left';
    g.fillText(fmt(S.layerN, l + 1), 4, CAPTION + l * (cell + CAPTION) + THUMB / 2);
  }
  g.font = '11px sans-serif';
  g.textAlign = 'center';
  for (const el of thumbs) {
    const l = Number(el.dataset.layer),
      h = Number(el.dataset.head);
    const x = AXIS + h * cell,
      y = CAPTION + l * (cell + CAPTION);
    const thumb = el.querySelector('canvas');
    if (thumb) g.drawImage(thumb, x, y, THUMB, THUMB);
    g.fillText(el.querySelector('.pattern')?.textContent ?? '', x + THUMB / 2, y + THUMB + CAPTION / 2 + 2, cell - 2);
  }
  return canvas;
}
