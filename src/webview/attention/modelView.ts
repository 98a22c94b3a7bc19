import { headStats } from '../../shared/headPatterns';
import { viridis } from './palette';
import { fmt, type ViewContext } from './viewContext';

const THUMB = 84;
const MIN_COLUMN = 40;

/**
 * Every layer × every head as a small heatmap, labelled with what the head mostly does on this
 * text (measured from the attention itself). Activating one opens it in the head view.
 */
export function renderModelView(root: HTMLElement, ctx: ViewContext): void {
  const { payload: p, strings } = ctx;
  const t = p.tokens.length;
  const grid = document.createElement('div');
  grid.className = 'model-view';
  // columns shrink to share a narrow panel (BERT-base's 12 heads still fit), down to a legible minimum
  grid.style.gridTemplateColumns = `auto repeat(${p.numHeads}, minmax(${MIN_COLUMN}px, ${THUMB + 8}px))`;
  // a group of buttons with their axis labels (a grid role would need rows and gridcells)
  grid.setAttribute('role', 'group');
  grid.setAttribute('aria-label', strings.modelGrid);
  grid.append(cornerLabel(strings.layerHead));
  for (let h = 0; h < p.numHeads; h++) {
    const hd = document.createElement('div');
    hd.className = 'axis';
    hd.textContent = fmt(strings.headN, h + 1);
    hd.dataset.concept = 'multiHead';
    hd.tabIndex = 0;
    grid.append(hd);
  }
  for (let l = 0; l < p.numLayers; l++) {
    const ld = document.createElement('div');
    ld.className = 'axis';
    ld.textContent = fmt(strings.layerN, l + 1);
    ld.dataset.concept = 'layer';
    ld.tabIndex = 0;
    grid.append(ld);
    for (let h = 0; h < p.numHeads; h++) {
      const s = headStats(p, l, h);
      const cellEl = document.createElement('button');
      cellEl.className = 'thumb';
      cellEl.dataset.layer = String(l);
      cellEl.dataset.head = String(h);
      const label = strings[`pattern.${s.pattern}`] ?? s.pattern;
      const pct = Math.round(s.strength * 100);
      const caption = s.pattern === 'broad' || s.pattern === 'mixed' ? label : `${label} ${pct}%`;
      // the name holds the caption as shown, so a user of voice control can say what they see
      cellEl.setAttribute('aria-label', fmt(strings.thumbAria, l + 1, h + 1, caption));
      cellEl.title = fmt(
        strings.thumbTitle,
        l + 1,
        h + 1,
        (s.previous * 100).toFixed(0),
        (s.next * 100).toFixed(0),
        (s.self * 100).toFixed(0),
        (s.sep * 100).toFixed(0),
        (s.cls * 100).toFixed(0),
        (s.punct * 100).toFixed(0),
      );
      const c = document.createElement('canvas');
      c.width = THUMB;
      c.height = THUMB;
      drawThumb(c, p.attention, (l * p.numHeads + h) * t * t, t);
      const cap = document.createElement('span');
      cap.className = `pattern pattern-${s.pattern}`;
      cap.textContent = caption;
      cellEl.append(c, cap);
      cellEl.addEventListener('click', () => ctx.update({ layer: l, heads: [h], view: 'head' }));
      grid.append(cellEl);
    }
  }
  root.append(grid);
}

function cornerLabel(text: string): HTMLElement {
  const d = document.createElement('div');
  d.className = 'axis corner';
  d.textContent = text;
  return d;
}

/** Downsample a T×T head into the thumbnail, taking the max of each block so sharp heads stay visible. */
function drawThumb(c: HTMLCanvasElement, a: Float32Array, off: number, t: number) {
  const n = THUMB;
  const img = new ImageData(n, n);
  const scale = t / n;
  let max = 0;
  for (let i = 0; i < t * t; i++) max = Math.max(max, a[off + i]);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      let v = 0;
      const q0 = Math.floor(y * scale),
        q1 = Math.max(q0 + 1, Math.floor((y + 1) * scale));
      const k0 = Math.floor(x * scale),
        k1 = Math.max(k0 + 1, Math.floor((x + 1) * scale));
      for (let q = q0; q < q1 && q < t; q++) for (let k = k0; k < k1 && k < t; k++) v = Math.max(v, a[off + q * t + k]);
      const [r, g, b] = viridis(max > 0 ? v / max : 0);
      const i = (y * n + x) * 4;
      img.data[i] = r;
      img.data[i + 1] = g;
      img.data[i + 2] = b;
      img.data[i + 3] = 255;
    }
  c.getContext('2d')!.putImageData(img, 0, 0);
}
