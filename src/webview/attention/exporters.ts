import { topK } from '../../shared/attentionMath';
import type { EncodingPayload } from '../../shared/encoding';
import { headColor } from './palette';
import { activeHeads, type PanelState } from './state';
import { tokenLabel } from './viewContext';

/**
 * The current view as PNG (data URL), SVG (text) or JSON (the numbers behind it). The head view is
 * redrawn off-screen with its token labels, since on screen the tokens are DOM elements.
 */
export function exportView(format: 'png' | 'svg' | 'json', p: EncodingPayload, state: PanelState, main: HTMLElement): string | undefined {
  if (format === 'json') return JSON.stringify(exportJson(p, state), null, 1);
  if (state.view === 'head') return format === 'svg' ? headSvg(p, state) : headPng(p, state);
  const canvases = [...main.querySelectorAll('canvas')];
  if (!canvases.length) return format === 'svg' ? headSvg(p, state) : headPng(p, state);
  // matrix and model views: compose what is on screen
  const cols = state.view === 'model' ? p.numHeads : 1;
  const w = Math.max(...canvases.map((c) => c.width));
  const h = Math.max(...canvases.map((c) => c.height));
  const out = document.createElement('canvas');
  out.width = w * cols;
  out.height = h * Math.ceil(canvases.length / cols);
  const g = out.getContext('2d')!;
  canvases.forEach((c, i) => g.drawImage(c, (i % cols) * w, Math.floor(i / cols) * h));
  const png = out.toDataURL('image/png');
  if (format === 'png') return png;
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${out.width}" height="${out.height}"><image width="${out.width}" height="${out.height}" xlink:href="${png}"/></svg>`;
}

export function exportJson(p: EncodingPayload, state: PanelState) {
  const t = p.tokens.length;
  const heads = activeHeads(state, p.numHeads);
  return {
    model: p.modelName,
    text: p.text,
    tokens: p.tokens,
    layer: state.layer,
    heads,
    // [head][query][key] for the chosen layer, like bertviz's nesting
    attention: heads.map((h) =>
      Array.from({ length: t }, (_, q) => Array.from(p.attention.subarray(((state.layer * p.numHeads + h) * t + q) * t, ((state.layer * p.numHeads + h) * t + q + 1) * t), (x) => +x.toFixed(6))),
    ),
  };
}

interface Edge {
  q: number;
  k: number;
  w: number;
  h: number;
}

function headEdges(p: EncodingPayload, state: PanelState): Edge[] {
  const t = p.tokens.length;
  const edges: Edge[] = [];
  for (const h of activeHeads(state, p.numHeads)) {
    for (let q = 0; q < t; q++) {
      if (state.locked !== null && q !== state.locked) continue;
      const row = p.attention.subarray(((state.layer * p.numHeads + h) * t + q) * t, ((state.layer * p.numHeads + h) * t + q + 1) * t);
      const keys = state.locked !== null || t <= 48 ? row.keys() : topK(row, 6);
      for (const k of keys) if (row[k] > 0.01) edges.push({ q, k, w: row[k], h });
    }
  }
  return edges;
}

const ROW = 20;
const COL = 140;
const GAP = 220;

function headSvg(p: EncodingPayload, state: PanelState): string {
  const t = p.tokens.length;
  const width = COL * 2 + GAP;
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${t * ROW}" font-family="monospace" font-size="12">`];
  for (const e of headEdges(p, state)) {
    parts.push(`<line x1="${COL}" y1="${e.q * ROW + ROW / 2}" x2="${COL + GAP}" y2="${e.k * ROW + ROW / 2}" stroke="${headColor(e.h)}" stroke-opacity="${Math.min(1, e.w).toFixed(3)}" stroke-width="2"/>`);
  }
  p.tokens.forEach((tok, i) => {
    const y = i * ROW + ROW / 2 + 4;
    parts.push(`<text x="${COL - 6}" y="${y}" text-anchor="end">${esc(tokenLabel(tok.text))}</text>`);
    parts.push(`<text x="${COL + GAP + 6}" y="${y}">${esc(tokenLabel(tok.text))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function headPng(p: EncodingPayload, state: PanelState): string {
  const t = p.tokens.length;
  const c = document.createElement('canvas');
  c.width = COL * 2 + GAP;
  c.height = t * ROW;
  const g = c.getContext('2d')!;
  const style = getComputedStyle(document.body);
  g.fillStyle = style.getPropertyValue('--vscode-editor-background').trim() || '#fff';
  g.fillRect(0, 0, c.width, c.height);
  g.lineWidth = 2;
  for (const e of headEdges(p, state)) {
    g.globalAlpha = Math.min(1, e.w);
    g.strokeStyle = headColor(e.h);
    g.beginPath();
    g.moveTo(COL, e.q * ROW + ROW / 2);
    g.lineTo(COL + GAP, e.k * ROW + ROW / 2);
    g.stroke();
  }
  g.globalAlpha = 1;
  g.fillStyle = style.color || '#000';
  g.font = '12px monospace';
  g.textBaseline = 'middle';
  p.tokens.forEach((tok, i) => {
    g.textAlign = 'right';
    g.fillText(tokenLabel(tok.text), COL - 6, i * ROW + ROW / 2);
    g.textAlign = 'left';
    g.fillText(tokenLabel(tok.text), COL + GAP + 6, i * ROW + ROW / 2);
  });
  return c.toDataURL('image/png');
}
