import { attentionRow } from '../../shared/attentionMath';
import { headLines, LINE_LEVELS, levelAlpha, lineLevel, strongest } from '../../shared/headLines';
import { headColor, SEGMENT_COLORS } from './palette';
import { activeHeads } from './state';
import { fmt, setupCanvas, tokenLabel, type ViewContext } from './viewContext';

export const ROW = 20;

/**
 * bertviz's head view: queries on the left, keys on the right, a line per (query, key, head)
 * weighted by attention. Tokens are DOM elements (hover, focus, screen readers); lines are on a
 * canvas (thousands of them at 512 tokens). With no token in focus, each query draws only its
 * strongest keys so long inputs stay readable and fast.
 */
export function renderHeadView(root: HTMLElement, ctx: ViewContext): void {
  const { payload: p, state, strings } = ctx;
  const t = p.tokens.length;
  const heads = activeHeads(state, p.numHeads);
  const wrap = document.createElement('div');
  wrap.className = 'head-view';
  const left = column('queries', strings.queries);
  const right = column('keys', strings.keys);
  const canvas = document.createElement('canvas');
  canvas.className = 'lines';
  canvas.setAttribute('aria-hidden', 'true');
  wrap.append(left, canvas, right);
  root.append(wrap);

  let preview: { side: 'q' | 'k'; index: number } | null = null;
  const leftEls: HTMLElement[] = [];
  const rightEls: HTMLElement[] = [];
  p.tokens.forEach((tok, i) => {
    for (const side of ['q', 'k'] as const) {
      const el = document.createElement('div');
      el.className = `tok${tok.special ? ' special' : ''}`;
      el.textContent = tokenLabel(tok.text);
      el.style.borderColor = SEGMENT_COLORS[tok.segment];
      el.dataset.index = String(i);
      if (tok.special) el.dataset.concept = tok.text === '[CLS]' ? 'cls' : 'sep';
      if (side === 'q') {
        el.setAttribute('role', 'option');
        el.id = `q-${i}`;
        el.setAttribute('aria-selected', String(state.locked === i));
        if (state.locked === i) el.classList.add('locked');
        el.addEventListener('mouseenter', () => setPreview({ side: 'q', index: i }));
        el.addEventListener('click', () => ctx.update({ locked: state.locked === i ? null : i }));
        leftEls.push(el);
        left.list.append(el);
      } else {
        el.addEventListener('mouseenter', () => setPreview({ side: 'k', index: i }));
        rightEls.push(el);
        right.list.append(el);
      }
    }
  });
  left.list.setAttribute('role', 'listbox');
  left.list.setAttribute('aria-label', strings.queryList);
  left.list.tabIndex = 0;
  left.list.dataset.focusKey = 'queries';
  if (state.locked !== null) left.list.setAttribute('aria-activedescendant', `q-${state.locked}`);
  wrap.addEventListener('mouseleave', () => setPreview(null));
  // keyboard: ↑/↓ move the locked token, Home/End go to the ends, Escape unlocks (the list keeps the
  // focus across the redraw: main.ts gives it back by its data-focus-key)
  left.list.addEventListener('keydown', (e) => {
    const cur = state.locked ?? -1;
    const moves: Record<string, number> = { ArrowDown: Math.min(t - 1, cur + 1), ArrowUp: Math.max(0, cur - 1), Home: 0, End: t - 1 };
    if (e.key in moves) {
      e.preventDefault();
      ctx.update({ locked: moves[e.key] });
    } else if (e.key === 'Escape' && state.locked !== null) {
      e.preventDefault();
      e.stopPropagation();
      ctx.update({ locked: null });
    }
  });

  let drawnBand: [number, number] = [0, 0];
  /** The canvas rows on screen, and margin beyond them either way (a screen's height). */
  function visibleBand(margin = window.innerHeight): [number, number] {
    const at = canvas.getBoundingClientRect().top;
    return [Math.max(0, -at - margin), Math.min(t * ROW, window.innerHeight - at + margin)];
  }
  // scrolled past what was drawn: draw the lines of the new place (once per frame)
  let scrollPending = false;
  const onScroll = () => {
    if (!wrap.isConnected) {
      window.removeEventListener('scroll', onScroll);
      return;
    }
    if (scrollPending) return;
    scrollPending = true;
    requestAnimationFrame(() => {
      scrollPending = false;
      const [from, to] = visibleBand(0);
      if (from < drawnBand[0] || to > drawnBand[1]) draw();
    });
  };
  window.addEventListener('scroll', onScroll, { passive: true });

  function setPreview(v: typeof preview) {
    preview = v;
    draw();
  }

  function draw() {
    // the middle grid column: what the two token columns leave of the panel's width
    const width = Math.max(60, wrap.clientWidth - left.offsetWidth - right.offsetWidth);
    const g = setupCanvas(canvas, width, t * ROW);
    const focus = preview ?? (state.locked !== null ? { side: 'q' as const, index: state.locked } : null);
    const y = (i: number) => i * ROW + ROW / 2;
    g.lineWidth = 2;
    // one path per (head, opacity step): thousands of lines cost a few dozen strokes
    const lines = headLines(p, state.layer, heads, focus);
    const top = strongest(lines);
    const paths = new Map<number, Path2D>();
    // the canvas is as tall as the token list (10,240 px at 512 tokens) and the browser rasterises every
    // line at paint: only the part on screen, and a screen beyond it either way, is drawn, again on scroll
    const [from, to] = visibleBand();
    drawnBand = [from, to];
    g.save();
    g.beginPath();
    g.rect(0, from, width, to - from);
    g.clip();
    for (const { q, k, w, h } of lines) {
      const level = lineLevel(w, top);
      if (level === 0 || Math.max(y(q), y(k)) < from || Math.min(y(q), y(k)) > to) continue;
      const key = h * (LINE_LEVELS + 1) + level;
      let path = paths.get(key);
      if (!path) paths.set(key, (path = new Path2D()));
      path.moveTo(0, y(q));
      path.lineTo(width, y(k));
    }
    for (const [key, path] of paths) {
      g.globalAlpha = levelAlpha(key % (LINE_LEVELS + 1));
      g.strokeStyle = headColor(Math.floor(key / (LINE_LEVELS + 1)));
      g.stroke(path);
    }
    g.restore();
    // shade the keys by the focused query's attention (mean over the drawn heads)
    const shade = focus?.side === 'q' ? attentionRow(p, state.layer, heads, focus.index) : null;
    rightEls.forEach((el, i) => {
      const w = shade ? shade[i] : 0;
      el.style.setProperty('--w', w.toFixed(3));
      el.classList.toggle('weighted', Boolean(shade));
      el.setAttribute(
        'aria-label',
        shade ? fmt(strings.keyWeight, tokenLabel(p.tokens[i].text), w.toFixed(3)) : tokenLabel(p.tokens[i].text),
      );
    });
    leftEls.forEach((el, i) => el.classList.toggle('preview', focus?.side === 'q' && focus.index === i));
  }

  // the observer's first callback draws the view; later ones redraw on resize. The next render
  // replaces this view: the observer then lets go of it instead of drawing it once more, detached.
  let lastWidth = -1;
  const resized = new ResizeObserver(() => {
    if (!wrap.isConnected) {
      resized.disconnect();
      return;
    }
    if (wrap.clientWidth !== lastWidth) {
      lastWidth = wrap.clientWidth;
      draw();
    }
  });
  resized.observe(wrap);
  draw();
  lastWidth = wrap.clientWidth;
  if (state.locked !== null) leftEls[state.locked]?.scrollIntoView({ block: 'nearest' });
}

function column(kind: string, title: string): HTMLElement & { list: HTMLElement } {
  const col = document.createElement('div') as unknown as HTMLElement & { list: HTMLElement };
  col.className = `col ${kind}`;
  const h = document.createElement('div');
  h.className = 'col-title';
  h.textContent = title;
  h.dataset.concept = 'qk';
  h.tabIndex = 0;
  const list = document.createElement('div');
  list.className = 'tokens';
  col.append(h, list);
  col.list = list;
  return col;
}
