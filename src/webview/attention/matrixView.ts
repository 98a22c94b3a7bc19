import { viridis, viridisCss } from './palette';
import { activeHeads } from './state';
import { fmt, setupCanvas, tokenLabel, type ViewContext } from './viewContext';

/**
 * Query × key heatmap for one layer and head (the first selected), viridis-coloured, exact value on
 * hover, the hovered row and column outlined; click locks the query token.
 */
export function renderMatrixView(root: HTMLElement, ctx: ViewContext): void {
  const { payload: p, state, strings } = ctx;
  const t = p.tokens.length;
  const head = activeHeads(state, p.numHeads)[0];
  const off = (state.layer * p.numHeads + head) * t * t;
  const m = p.attention.subarray(off, off + t * t);
  let max = 0;
  for (let i = 0; i < m.length; i++) max = Math.max(max, m[i]);

  const wrap = document.createElement('div');
  wrap.className = 'matrix-view';
  const caption = document.createElement('div');
  caption.className = 'caption';
  caption.textContent = fmt(strings.matrixCaption, state.layer + 1, head + 1);
  const canvas = document.createElement('canvas');
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', fmt(strings.matrixAria, t, state.layer + 1, head + 1));
  const readout = document.createElement('div');
  readout.className = 'readout';
  readout.setAttribute('aria-live', 'polite');
  const legend = document.createElement('div');
  legend.className = 'legend';
  legend.dataset.concept = 'softmax';
  legend.tabIndex = 0;
  const bar = document.createElement('span');
  bar.className = 'legend-bar';
  bar.style.background = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(viridisCss).join(',')})`;
  legend.append('0', bar, max.toFixed(2));
  wrap.append(caption, legend, canvas, readout);
  root.append(wrap);

  const avail = Math.max(200, Math.min(root.clientWidth - 24, 900));
  const labels = t <= 80;
  const gutter = labels ? 90 : 0;
  const cell = Math.max(1, Math.min(28, Math.floor((avail - gutter) / t)));
  const size = cell * t;
  const g = setupCanvas(canvas, gutter + size, gutter + size);
  const fg = getComputedStyle(document.body).color;

  // the heatmap itself as one image: fast at 512 × 512
  const img = new ImageData(t, t);
  for (let i = 0; i < t * t; i++) {
    const [r, gg, b] = viridis(max > 0 ? m[i] / max : 0);
    img.data[i * 4] = r;
    img.data[i * 4 + 1] = gg;
    img.data[i * 4 + 2] = b;
    img.data[i * 4 + 3] = 255;
  }
  const tmp = document.createElement('canvas');
  tmp.width = t;
  tmp.height = t;
  tmp.getContext('2d')!.putImageData(img, 0, 0);

  let hover: [number, number] | null = null;
  function draw() {
    g.clearRect(0, 0, gutter + size, gutter + size);
    g.imageSmoothingEnabled = false;
    g.drawImage(tmp, gutter, gutter, size, size);
    if (labels) {
      g.fillStyle = fg;
      g.font = `${Math.min(12, cell)}px var(--vscode-editor-font-family, monospace)`;
      g.textAlign = 'right';
      g.textBaseline = 'middle';
      p.tokens.forEach((tok, i) => g.fillText(tokenLabel(tok.text).slice(0, 12), gutter - 4, gutter + i * cell + cell / 2));
      g.save();
      g.rotate(-Math.PI / 2);
      g.textAlign = 'left';
      p.tokens.forEach((tok, i) => g.fillText(tokenLabel(tok.text).slice(0, 12), -gutter + 4, gutter + i * cell + cell / 2));
      g.restore();
    }
    const outline = (x: number, y: number, w: number, h: number) => {
      g.strokeStyle = fg;
      g.lineWidth = 1;
      g.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
    };
    const rowMark = hover ? hover[0] : state.locked;
    if (rowMark !== null) outline(gutter, gutter + rowMark * cell, size, cell);
    if (hover) outline(gutter + hover[1] * cell, gutter, cell, size);
  }

  function cellAt(e: MouseEvent): [number, number] | null {
    const r = canvas.getBoundingClientRect();
    const x = Math.floor((e.clientX - r.left - gutter) / cell);
    const y = Math.floor((e.clientY - r.top - gutter) / cell);
    return x >= 0 && y >= 0 && x < t && y < t ? [y, x] : null;
  }
  function describe(q: number, k: number) {
    readout.textContent = fmt(strings.cellValue, tokenLabel(p.tokens[q].text), q, tokenLabel(p.tokens[k].text), k, m[q * t + k].toFixed(4));
  }
  canvas.addEventListener('mousemove', (e) => {
    hover = cellAt(e);
    if (hover) describe(hover[0], hover[1]);
    draw();
  });
  canvas.addEventListener('mouseleave', () => {
    hover = null;
    draw();
  });
  canvas.addEventListener('click', (e) => {
    const c = cellAt(e);
    if (c) ctx.update({ locked: c[0] });
  });
  // keyboard: arrows walk the cells, Enter locks the row
  let cursor: [number, number] = [state.locked ?? 0, 0];
  canvas.addEventListener('keydown', (e) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const mv = moves[e.key];
    if (mv) {
      e.preventDefault();
      cursor = [Math.max(0, Math.min(t - 1, cursor[0] + mv[0])), Math.max(0, Math.min(t - 1, cursor[1] + mv[1]))];
      hover = cursor;
      describe(cursor[0], cursor[1]);
      draw();
    } else if (e.key === 'Enter') {
      ctx.update({ locked: cursor[0] });
    }
  });
  draw();
}
