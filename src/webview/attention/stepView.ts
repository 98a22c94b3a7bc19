import katex from 'katex';
import { attentionSteps, stepMask } from '../../shared/stepMath';
import { viridisCss } from './palette';
import { activeHeads } from './state';
import { fmt, type RenderOutcome, tokenLabel, type ViewContext } from './viewContext';

/**
 * For one head and one query token, scaled dot-product attention in order on the model's real
 * numbers: q and k, q·k, ÷√d_k, + mask, softmax, Σ a·v, each with its formula; the softmax is
 * checked against the attention the model itself returned.
 */
export function renderStepView(root: HTMLElement, ctx: ViewContext): RenderOutcome {
  const { payload: p, state, strings } = ctx;
  const wrap = document.createElement('div');
  wrap.className = 'step-view';
  root.append(wrap);
  if (p.qkvOmitted) {
    // the other views do not draw q/k/v, so the encoding shown was made without them; the host is
    // computing them now (it heard this view open) and the next encoding brings them
    wrap.append(para(strings.stepFetching, 'status'));
    return 'waiting';
  }
  if (!p.q || !p.k || !p.v) {
    wrap.append(para(strings.stepUnavailable, 'status'));
    return 'done';
  }
  const t = p.tokens.length;
  const dk = p.headDim;
  const head = activeHeads(state, p.numHeads)[0];
  const query = state.locked ?? p.tokens.findIndex((tk) => !tk.special);
  const base = (state.layer * p.numHeads + head) * t * dk;
  // one unpadded sequence: every key visible to an encoder's query; a decoder's sees none after itself
  const mask = stepMask(t, query, p.causal === true);
  const s = attentionSteps(p.q, base + query * dk, p.k, base, p.v, base, t, dk, Math.sqrt(dk), mask);
  const modelRow = p.attention.subarray(
    ((state.layer * p.numHeads + head) * t + query) * t,
    ((state.layer * p.numHeads + head) * t + query + 1) * t,
  );
  let worst = 0;
  for (let j = 0; j < t; j++) worst = Math.max(worst, Math.abs(s.weights[j] - modelRow[j]));

  wrap.append(para(fmt(strings.stepIntro, state.layer + 1, head + 1, tokenLabel(p.tokens[query].text), query), 'intro'));
  wrap.append(
    step(
      'qk',
      strings.stepQ,
      String.raw`q = \mathrm{LN}(x)\,W^Q + b^Q,\quad k_j = \mathrm{LN}(x_j)\,W^K + b^K \;\in \mathbb{R}^{${dk}}`,
      vectorStrip(p.q, base + query * dk, dk, 'q'),
    ),
  );
  const table = document.createElement('table');
  table.className = 'steps';
  const head1 = document.createElement('tr');
  for (const [label, concept] of [
    [strings.colKey, ''],
    ['q·kⱼ', 'qk'],
    [`÷ √${dk} = ${Math.sqrt(dk).toFixed(3)}`, 'sqrtDk'],
    [strings.colMask, 'mask'],
    ['softmax', 'softmax'],
    [strings.colModel, ''],
  ]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = label;
    if (concept) {
      th.dataset.concept = concept;
      th.tabIndex = 0;
    }
    head1.append(th);
  }
  table.append(head1);
  const order = Array.from({ length: t }, (_, j) => j);
  const shown = t > 64 ? order.sort((a, b) => s.weights[b] - s.weights[a]).slice(0, 64) : order;
  for (const j of shown) {
    const tr = document.createElement('tr');
    const cells = [
      tokenLabel(p.tokens[j].text),
      s.scores[j].toFixed(3),
      s.scaled[j].toFixed(3),
      s.masked[j] === s.scaled[j] ? '+0' : s.masked[j] === -Infinity ? '−∞' : s.masked[j].toFixed(3),
      s.weights[j].toFixed(4),
      modelRow[j].toFixed(4),
    ];
    cells.forEach((c, i) => {
      const td = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) (td as HTMLTableCellElement).scope = 'row';
      td.textContent = c;
      if (i === 4) td.style.setProperty('--bar', `${(s.weights[j] * 100).toFixed(1)}%`);
      tr.append(td);
    });
    if (j === query) tr.classList.add('self');
    table.append(tr);
  }
  const tableNote = t > 64 ? para(fmt(strings.stepTop64, t), 'note') : null;
  wrap.append(
    step('qk', strings.stepDot, String.raw`s_j = q \cdot k_j = \sum_{i=1}^{${dk}} q_i\,k_{j,i}`),
    step('sqrtDk', strings.stepScale, String.raw`z_j = \frac{s_j}{\sqrt{d_k}} = \frac{s_j}{\sqrt{${dk}}}`),
    step(
      'mask',
      strings.stepMask,
      String.raw`z_j \leftarrow z_j + m_j,\quad m_j = \begin{cases} 0 & \text{real token} \\ -\infty & \text{padding} \end{cases}`,
    ),
    step(
      'softmax',
      strings.stepSoftmax,
      String.raw`a_j = \frac{e^{z_j}}{\sum_l e^{z_l}}`,
      table,
      tableNote,
      para(fmt(strings.stepCheck, worst.toExponential(1)), 'check'),
    ),
    step('weightedSum', strings.stepSum, String.raw`o = \sum_j a_j\, v_j \in \mathbb{R}^{${dk}}`, vectorStrip(s.output, 0, dk, 'o')),
  );
  return 'done';
}

function para(text: string, cls: string): HTMLElement {
  const el = document.createElement('p');
  el.className = cls;
  el.textContent = text;
  return el;
}

function step(concept: string, title: string, tex: string, ...body: (HTMLElement | null)[]): HTMLElement {
  const sec = document.createElement('section');
  sec.className = 'step';
  const h = document.createElement('h2');
  h.textContent = title;
  h.dataset.concept = concept;
  h.tabIndex = 0;
  const f = document.createElement('div');
  f.className = 'formula';
  katex.render(tex, f, { throwOnError: false, displayMode: true });
  sec.append(h, f, ...body.filter((b): b is HTMLElement => b !== null));
  return sec;
}

/** A vector as coloured cells with its values on hover and for screen readers. */
function vectorStrip(a: ArrayLike<number>, off: number, n: number, name: string): HTMLElement {
  const strip = document.createElement('div');
  strip.className = 'vector';
  let max = 1e-9;
  for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(a[off + i]));
  const values: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = a[off + i];
    const c = document.createElement('span');
    c.style.background = viridisCss(0.5 + v / max / 2);
    c.title = `${name}[${i}] = ${v.toFixed(4)}`;
    strip.append(c);
    values.push(v.toFixed(3));
  }
  strip.setAttribute('role', 'img');
  strip.setAttribute('aria-label', `${name} = [${values.join(', ')}]`);
  const text = document.createElement('code');
  text.className = 'vector-values';
  text.textContent = `[${values.join(', ')}]`;
  const box = document.createElement('div');
  box.append(strip, text);
  return box;
}
