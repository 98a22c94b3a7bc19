import { attentionFlow, rolloutRows } from '../../shared/beyond/attentionRollout';
import type { EncodingPayload } from '../../shared/encoding';
import { textOn, viridis, viridisCss } from './palette';
import { fmt, tokenLabel, type ViewContext } from './viewContext';

/** Attention flow costs a max-flow per input token over every layer: offered up to this many tokens. */
export const FLOW_MAX_TOKENS = 40;

export type ThroughLayers = 'rollout' | 'flow';

/** The token a learner follows: the locked one, else the first that is not [CLS] or [SEP]. */
export function followedToken(p: EncodingPayload, locked: number | null): number {
  if (locked !== null && locked < p.tokens.length) return locked;
  return Math.max(
    0,
    p.tokens.findIndex((t) => !t.special),
  );
}

/**
 * For the followed token, how much each input token reaches it after layer 1, 2, …: one row per
 * layer, rows summing to 1 (rollout) or bounded by the graph's capacities (flow). Flat [layer][input].
 */
export function throughLayers(p: EncodingPayload, token: number, method: ThroughLayers): Float64Array {
  const t = p.tokens.length;
  if (method === 'flow') {
    const out = new Float64Array(p.numLayers * t);
    for (let l = 0; l < p.numLayers; l++) out.set(attentionFlow(p.attention, p.numLayers, p.numHeads, t, l, token), l * t);
    return out;
  }
  return rolloutRows(p.attention, p.numLayers, p.numHeads, t, token);
}

/**
 * Through the layers: for one token, a table of layers × input tokens, each cell how much of the
 * token's state after that layer traces back to that input (Abnar & Zuidema 2020), with what the
 * measure leaves out said plainly next to it.
 */
export function renderRolloutView(root: HTMLElement, ctx: ViewContext): void {
  const { payload: p, state, strings: S } = ctx;
  const t = p.tokens.length;
  const token = followedToken(p, state.locked);
  const method: ThroughLayers = state.through === 'flow' && t <= FLOW_MAX_TOKENS ? 'flow' : 'rollout';

  const wrap = document.createElement('section');
  wrap.className = 'rollout-view';
  wrap.setAttribute('aria-label', S['view.rollout']);

  const about = document.createElement('p');
  about.className = 'rollout-about';
  about.textContent = method === 'flow' ? S.flowAbout : S.rolloutAbout;
  const links = document.createElement('p');
  links.className = 'rollout-links';
  for (const [id, label] of [
    ['attention-rollout', S.rolloutQuestion],
    ['attention-as-explanation', S.explanationQuestion],
  ] as const) {
    const a = document.createElement('a');
    a.href = '#';
    a.textContent = label;
    a.addEventListener('click', (e) => {
      e.preventDefault();
      ctx.openQuestion(id);
    });
    links.append(a, ' ');
  }

  const controls = document.createElement('div');
  controls.className = 'rollout-controls';
  const tokenField = document.createElement('label');
  tokenField.className = 'field';
  const tokenText = document.createElement('span');
  tokenText.textContent = S.followToken;
  const select = document.createElement('select');
  select.dataset.focusKey = 'rollout-token';
  p.tokens.forEach((tok, i) => {
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = `${tokenLabel(tok.text)} (#${i})`;
    select.append(o);
  });
  select.value = String(token);
  select.addEventListener('change', () => ctx.update({ locked: Number(select.value) }));
  tokenField.append(tokenText, select);

  const methods = document.createElement('div');
  methods.setAttribute('role', 'radiogroup');
  methods.setAttribute('aria-label', S.throughMethod);
  methods.className = 'rollout-methods';
  for (const m of ['rollout', 'flow'] as const) {
    const b = document.createElement('button');
    b.className = 'method';
    b.dataset.method = m;
    b.dataset.focusKey = `rollout-${m}`;
    b.setAttribute('role', 'radio');
    b.setAttribute('aria-checked', String(m === method));
    b.textContent = m === 'flow' ? S.methodFlow : S.methodRollout;
    if (m === 'flow' && t > FLOW_MAX_TOKENS) {
      b.disabled = true;
      b.title = fmt(S.flowTooLong, FLOW_MAX_TOKENS);
    }
    b.addEventListener('click', () => ctx.update({ through: m }));
    methods.append(b);
  }
  controls.append(tokenField, methods);

  const values = throughLayers(p, token, method);
  const table = document.createElement('table');
  table.className = 'rollout-table';
  const caption = document.createElement('caption');
  caption.textContent = fmt(method === 'flow' ? S.flowCaption : S.rolloutCaption, tokenLabel(p.tokens[token].text), token);
  table.append(caption);
  const head = document.createElement('tr');
  const corner = document.createElement('th');
  corner.scope = 'col';
  corner.textContent = S.afterLayer;
  head.append(corner);
  p.tokens.forEach((tok, k) => {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = tokenLabel(tok.text);
    if (k === token) th.className = 'followed';
    head.append(th);
  });
  const thead = document.createElement('thead');
  thead.append(head);
  const body = document.createElement('tbody');
  for (let l = 0; l < p.numLayers; l++) {
    const row = values.subarray(l * t, (l + 1) * t);
    let max = 0;
    row.forEach((v) => (max = Math.max(max, v)));
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = fmt(S.layerN, l + 1);
    tr.append(th);
    row.forEach((v, k) => {
      const td = document.createElement('td');
      const x = max > 0 ? v / max : 0;
      td.style.background = viridisCss(x);
      // black or white, whichever contrasts more with the cell: readable in every theme
      td.style.color = textOn(viridis(x));
      td.textContent = v.toFixed(2);
      td.title = fmt(S.rolloutCell, tokenLabel(p.tokens[k].text), l + 1, v.toFixed(3));
      tr.append(td);
    });
    body.append(tr);
  }
  table.append(thead, body);
  const scroller = document.createElement('div');
  scroller.className = 'rollout-scroll';
  scroller.tabIndex = 0;
  scroller.setAttribute('role', 'region');
  scroller.setAttribute('aria-label', caption.textContent);
  scroller.append(table);

  // the strongest sources after the last layer, in words, for a reader who does not scan the table
  const last = values.subarray((p.numLayers - 1) * t, p.numLayers * t);
  const top = [...last.keys()]
    .filter((k) => !p.tokens[k].special)
    .sort((a, b) => last[b] - last[a])
    .slice(0, 3);
  const summary = document.createElement('p');
  summary.className = 'rollout-summary';
  summary.textContent = fmt(
    S.rolloutSummary,
    tokenLabel(p.tokens[token].text),
    top.map((k) => `“${tokenLabel(p.tokens[k].text)}” ${last[k].toFixed(2)}`).join(S.listSeparator ?? ', '),
  );

  wrap.append(about, links, controls, summary, scroller);
  root.append(wrap);
}
