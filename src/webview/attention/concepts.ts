/**
 * Hover explanations for every element that embodies a concept, each with a link to its interview
 * question. Elements opt in with `data-concept="<key>"`; the text comes localised from the host.
 */
export const CONCEPT_QUESTIONS: Record<string, string> = {
  multiHead: 'why-multi-head',
  layer: 'encoder-block',
  sqrtDk: 'why-scale-sqrt-dk',
  mask: 'padding-mask',
  cls: 'bert-loss',
  sep: 'segment-embeddings',
  segment: 'segment-embeddings',
  position: 'positional-encoding',
  softmax: 'why-scale-sqrt-dk',
  qk: 'why-q-k-differ',
  weightedSum: 'dot-vs-additive-attention',
  wordpiece: 'wordpiece-vs-bpe',
};

export class ConceptTips {
  private readonly tip = document.createElement('div');
  private hideTimer: ReturnType<typeof setTimeout> | undefined;
  private owner: HTMLElement | undefined;

  constructor(
    private readonly strings: Record<string, string>,
    private readonly openQuestion: (id: string) => void,
  ) {
    this.tip.className = 'concept-tip';
    this.tip.setAttribute('role', 'tooltip');
    this.tip.id = 'concept-tip';
    this.tip.hidden = true;
    document.body.append(this.tip);
    this.tip.addEventListener('mouseenter', () => clearTimeout(this.hideTimer));
    this.tip.addEventListener('mouseleave', () => this.scheduleHide());
    const find = (e: Event) => (e.target as HTMLElement | null)?.closest?.('[data-concept]') as HTMLElement | null;
    document.addEventListener('mouseover', (e) => {
      const el = find(e);
      if (el) this.show(el);
    });
    document.addEventListener('mouseout', (e) => {
      if (find(e)) this.scheduleHide();
    });
    document.addEventListener('focusin', (e) => {
      const el = find(e);
      if (el) this.show(el);
      else if (!this.tip.contains(e.target as Node)) this.hide();
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.hide();
    });
  }

  private show(el: HTMLElement): void {
    const key = el.dataset.concept ?? '';
    const text = this.strings[`concept.${key}`];
    if (!text) return;
    clearTimeout(this.hideTimer);
    this.owner = el;
    el.setAttribute('aria-describedby', this.tip.id);
    this.tip.replaceChildren();
    const p = document.createElement('p');
    p.textContent = text;
    this.tip.append(p);
    const qid = CONCEPT_QUESTIONS[key];
    if (qid) {
      const link = document.createElement('button');
      link.className = 'link';
      link.textContent = this.strings.openQuestion;
      link.addEventListener('click', () => this.openQuestion(qid));
      this.tip.append(link);
    }
    this.tip.hidden = false;
    const r = el.getBoundingClientRect();
    const w = Math.min(320, window.innerWidth - 16);
    this.tip.style.maxWidth = `${w}px`;
    this.tip.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - w - 8))}px`;
    const below = r.bottom + 6;
    this.tip.style.top = `${below + 120 > window.innerHeight ? Math.max(8, r.top - this.tip.offsetHeight - 6) : below}px`;
  }

  private scheduleHide(): void {
    clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(() => this.hide(), 350);
  }

  hide(): void {
    this.tip.hidden = true;
    this.owner?.removeAttribute('aria-describedby');
    this.owner = undefined;
  }
}
