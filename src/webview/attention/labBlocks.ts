import type { LabAction } from '../../shared/labs/labParams';
import type { Heatmap, LabBlock } from '../../shared/labs/labTypes';
import { HEAD_COLORS, textOn, viridis } from './palette';
import { setupCanvas } from './viewContext';

/** Draws one lab block. Charts are canvases with their numbers also in text for screen readers. */
export function renderBlock(b: LabBlock, onAction: (action: LabAction) => void, S: Record<string, string>): HTMLElement {
  switch (b.kind) {
    case 'claim':
      return el('p', 'claim', b.text);
    case 'text':
      return el('p', 'lab-text', b.text);
    case 'note':
      return el('p', 'note', b.text);
    case 'metrics': {
      const dl = el('dl', 'metrics');
      for (const m of b.items) {
        dl.append(el('dt', '', m.label));
        const dd = el('dd', m.good === undefined ? '' : m.good ? 'good' : 'bad', m.value);
        if (m.good) dd.append(' ', el('span', 'mark', '✓'));
        dl.append(dd);
      }
      return dl;
    }
    case 'heatmaps': {
      const row = el('div', 'heatmaps');
      // many maps (8 heads and their average) get smaller ones, so a row holds several and the metrics stay in reach
      const each = b.items.length > 5 ? 140 : b.items.length > 2 ? 200 : 300;
      for (const h of b.items) row.append(heatmap(h, each));
      return row;
    }
    case 'table': {
      const table = el('table', 'lab-table');
      const tr = el('tr', '');
      b.head.forEach((h) => tr.append(Object.assign(el('th', '', h), { scope: 'col' })));
      table.append(tr);
      for (const r of b.rows) {
        const row = el('tr', '');
        r.forEach((c, i) => row.append(i === 0 ? Object.assign(el('th', '', c), { scope: 'row' }) : el('td', '', c)));
        table.append(row);
      }
      return table;
    }
    case 'bars':
      return chart(
        b.title,
        b.series,
        (g, w, h, max) => {
          const n = b.labels.length;
          const groupW = w / n;
          const barW = Math.max(1, (groupW * 0.8) / b.series.length);
          b.series.forEach((s, si) => {
            g.fillStyle = HEAD_COLORS[si % HEAD_COLORS.length];
            s.values.forEach((v, i) => {
              const bh = (v / max) * h;
              g.fillRect(i * groupW + groupW * 0.1 + si * barW, h - bh, barW - 1, bh);
            });
          });
        },
        b.labels,
        undefined,
        false,
        // a few bars (the decoding lab's tokens) are named one by one under the chart
        b.labels.length <= 24,
      );
    case 'line':
      return chart(
        b.title,
        b.series,
        (g, w, h, max) => {
          const xs = b.logX ? b.x.map(Math.log) : b.x;
          const x0 = Math.min(...xs),
            x1 = Math.max(...xs);
          const px = (x: number) => ((x - x0) / (x1 - x0 || 1)) * w;
          if (b.marker !== undefined) {
            g.strokeStyle = getComputedStyle(document.body).color;
            g.setLineDash([4, 3]);
            const mx = px(b.logX ? Math.log(b.marker) : b.marker);
            g.beginPath();
            g.moveTo(mx, 0);
            g.lineTo(mx, h);
            g.stroke();
            g.setLineDash([]);
          }
          // each curve on its own scale (its maximum at the top), so small and large quantities both show their shape,
          // unless the lab compares their sizes
          b.series.forEach((s, si) => {
            const top = b.sharedScale ? max : Math.max(1e-12, ...s.values.map(Math.abs));
            const py = (v: number) => h - 4 - (v / top) * (h - 8);
            g.strokeStyle = HEAD_COLORS[si % HEAD_COLORS.length];
            g.lineWidth = 2;
            g.beginPath();
            s.values.forEach((v, i) => (i ? g.lineTo(px(xs[i]), py(v)) : g.moveTo(px(xs[i]), py(v))));
            g.stroke();
          });
        },
        b.x.map((x) => String(+x.toFixed(2))),
        b.xLabel,
        !b.sharedScale,
      );
    case 'input': {
      const form = el('form', 'lab-input');
      const label = el('label', '', b.label + ' ');
      const input = document.createElement('input');
      input.type = 'text';
      input.maxLength = 40;
      input.value = b.value;
      label.append(input);
      const go = el('button', 'lab-input-go', b.button);
      go.setAttribute('type', 'submit');
      form.append(label, go);
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        if (input.value.trim()) onAction({ kind: 'swapText', text: input.value.trim() });
      });
      return form;
    }
    case 'slider': {
      const box = el('div', 'slider');
      const label = el('label', '', '');
      const input = document.createElement('input');
      input.type = 'range';
      input.min = '0';
      input.max = String(b.values.length - 1);
      input.value = String(b.initial);
      const value = el('output', 'slider-value', '');
      label.append(b.label + ' ', input, value);
      const dl = el('dl', 'metrics');
      const dds = b.readouts.map((r) => {
        dl.append(el('dt', '', r.label));
        const dd = el('dd', '', '');
        dl.append(dd);
        return dd;
      });
      const sync = () => {
        const i = Number(input.value);
        value.textContent = String(b.values[i]);
        input.setAttribute('aria-valuetext', String(b.values[i]));
        b.readouts.forEach((r, k) => (dds[k].textContent = r.values[i]));
      };
      input.addEventListener('input', sync);
      sync();
      box.append(label, dl);
      return box;
    }
    case 'tokens': {
      const box = el('div', b.act === 'head' ? 'token-chips head-switches' : b.act === 'swap' ? 'token-chips swaps' : 'token-chips');
      if (b.title) box.append(el('div', 'chips-title', b.title));
      for (const it of b.items) {
        const chip = el(b.clickable && it.index !== undefined ? 'button' : 'span', `chip tone-${it.tone ?? 'plain'}`, it.text);
        if (it.note) chip.title = it.note;
        if (b.clickable && it.index !== undefined) {
          const index = it.index;
          chip.dataset.index = String(index);
          if (it.pressed !== undefined) chip.setAttribute('aria-pressed', String(it.pressed));
          chip.addEventListener('click', () =>
            onAction(
              b.act === 'head' ? { kind: 'toggleHead', index } : b.act === 'swap' ? { kind: 'swap', id: index } : { kind: 'token', index },
            ),
          );
        }
        box.append(chip);
      }
      return box;
    }
    case 'choice': {
      // a group of toggle buttons: one is pressed, a click runs the lab again with that value
      const box = el('div', 'lab-choice');
      box.setAttribute('role', 'group');
      const label = el('span', 'choice-label', b.label);
      label.id = `choice-${b.param}`;
      box.setAttribute('aria-labelledby', label.id);
      box.append(label);
      for (const o of b.options) {
        const btn = el('button', 'chip choice', o.label);
        btn.dataset.param = b.param;
        btn.dataset.value = String(o.value);
        btn.setAttribute('aria-pressed', String(o.value === b.current));
        btn.addEventListener('click', () => onAction({ kind: 'setParam', param: b.param, value: o.value }));
        box.append(btn);
      }
      return box;
    }
    case 'pieces': {
      const table = el('table', 'lab-table pieces');
      const head = el('tr', '');
      // the corner above the words heads nothing: a cell, not an empty header
      head.append(el('td', '', ''));
      ['WordPiece', 'BPE'].forEach((h) => head.append(Object.assign(el('th', '', h), { scope: 'col' })));
      table.append(head);
      for (const r of b.rows) {
        const tr = el('tr', '');
        tr.append(Object.assign(el('th', '', r.word), { scope: 'row' }));
        const wp = el('td', '', '');
        r.wordpiece.forEach((p) => wp.append(el('span', 'chip', p)));
        const bpe = el('td', 'bpe', '');
        const last = r.bpeSteps[r.bpeSteps.length - 1];
        last.forEach((p) => bpe.append(el('span', 'chip', p)));
        const steps = el('details', '', '');
        steps.append(el('summary', '', (S.mergeCount ?? '{0}').replace('{0}', String(r.bpeSteps.length - 1))));
        r.bpeSteps.forEach((s) => steps.append(el('div', 'merge-step', s.join(' · '))));
        bpe.append(steps);
        tr.append(wp, bpe);
        table.append(tr);
      }
      return table;
    }
    default: {
      const never: never = b;
      return never;
    }
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
}

function heatmap(h: Heatmap, size: number): HTMLElement {
  const fig = el('figure', 'heatmap', '');
  const cap = el('figcaption', '', h.title);
  const cell = Math.max(1, Math.floor(size / Math.max(h.rows, h.cols)));
  const canvas = document.createElement('canvas');
  const g = setupCanvas(canvas, cell * h.cols, cell * h.rows);
  let max = h.scaleMax ?? 0;
  if (h.scaleMax === undefined) for (const v of h.data) max = Math.max(max, Math.abs(v));
  // a small grid (a score per head) carries its numbers in its cells
  const numbers = h.rows * h.cols <= 64 && cell >= 28;
  g.font = `${Math.min(12, Math.floor(cell / 3))}px var(--vscode-editor-font-family, monospace)`;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  for (let r = 0; r < h.rows; r++)
    for (let c = 0; c < h.cols; c++) {
      const v = h.data[r * h.cols + c];
      const rgb = h.signed ? diverging(max ? v / max : 0) : viridis(max ? v / max : 0);
      g.fillStyle = `rgb(${rgb.join(',')})`;
      g.fillRect(c * cell, r * cell, cell, cell);
      if (numbers && Number.isFinite(v)) {
        g.fillStyle = textOn(rgb);
        g.fillText(v.toFixed(2), c * cell + cell / 2, r * cell + cell / 2);
      }
    }
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${h.title}: ${h.rows} × ${h.cols}, max ${max.toFixed(3)}`);
  const readout = el('div', 'readout', ' ');
  canvas.addEventListener('mousemove', (e) => {
    const rect = canvas.getBoundingClientRect();
    // from the drawn size: a narrow panel shrinks the canvas below cell × cols
    const c = Math.floor(((e.clientX - rect.left) / rect.width) * h.cols),
      r = Math.floor(((e.clientY - rect.top) / rect.height) * h.rows);
    if (r < 0 || c < 0 || r >= h.rows || c >= h.cols) return;
    const rl = h.rowLabels?.[r] ?? String(r),
      cl = h.colLabels?.[c] ?? String(c);
    readout.textContent = `${rl} → ${cl}: ${h.data[r * h.cols + c].toFixed(4)}`;
  });
  fig.append(cap, canvas, readout);
  return fig;
}

/** Blue–white–orange, centred on 0, for signed values (readable for red–green colour blindness). */
function diverging(x: number): [number, number, number] {
  const a = Math.max(-1, Math.min(1, x));
  return a < 0
    ? [Math.round(255 + a * 255), Math.round(255 + a * 141), Math.round(255 + a * 77)]
    : [255, Math.round(255 - a * 115), Math.round(255 - a * 255)];
}

function chart(
  title: string,
  series: { name: string; values: number[] }[],
  draw: (g: CanvasRenderingContext2D, w: number, h: number, max: number) => void,
  xLabels: string[],
  xTitle?: string,
  ownScale = false,
  nameEach = false,
): HTMLElement {
  const fig = el('figure', 'chart', '');
  fig.append(el('figcaption', '', title));
  const canvas = document.createElement('canvas');
  const w = Math.min(560, Math.max(240, xLabels.length * 22)),
    h = 150;
  const g = setupCanvas(canvas, w, h);
  const max = Math.max(1e-12, ...series.flatMap((s) => s.values));
  draw(g, w, h, max);
  const legend = el('div', 'legend-row', '');
  series.forEach((s, i) => {
    const sw = el('span', 'swatch', '');
    sw.style.background = HEAD_COLORS[i % HEAD_COLORS.length];
    legend.append(sw, el('span', '', s.name));
  });
  const range = ownScale
    ? series.map((s) => `${s.name} ≤ ${Math.max(...s.values).toPrecision(3)}`).join(' · ')
    : `max ${max.toPrecision(3)}`;
  const axis = el('div', 'axis-note', `${xTitle ? xTitle + ': ' : ''}${xLabels[0]} … ${xLabels[xLabels.length - 1]} · ${range}`);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute(
    'aria-label',
    `${title}. ${series.map((s) => `${s.name}: ${s.values.map((v) => v.toPrecision(3)).join(', ')}`).join('; ')}`,
  );
  fig.append(canvas);
  if (nameEach) {
    const names = el('div', 'bar-names', '');
    names.style.width = `${w}px`;
    xLabels.forEach((x) => names.append(el('span', '', x)));
    fig.append(names);
  }
  fig.append(legend, axis);
  return fig;
}
