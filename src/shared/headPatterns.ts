import type { EncodingPayload } from './encoding';

export type HeadPattern = 'previous' | 'next' | 'self' | 'local' | 'cls' | 'sep' | 'broad' | 'mixed';

export interface HeadStats {
  previous: number;
  next: number;
  self: number;
  cls: number;
  sep: number;
  /** mean row entropy divided by log(T): 1 = uniform */
  entropy: number;
  pattern: HeadPattern;
  /** the share of attention behind the pattern, for the label */
  strength: number;
}

/**
 * What one head mostly does, measured on this text: the mean attention (over real query tokens) to
 * the previous token, the next, itself, [CLS] and [SEP], and how spread out its rows are.
 */
export function headStats(p: Pick<EncodingPayload, 'attention' | 'numHeads' | 'tokens'>, layer: number, head: number): HeadStats {
  const t = p.tokens.length;
  const off = (layer * p.numHeads + head) * t * t;
  const isCls = p.tokens.map((tk) => tk.special && tk.text === '[CLS]');
  const isSep = p.tokens.map((tk) => tk.special && tk.text === '[SEP]');
  let prev = 0,
    next = 0,
    self = 0,
    cls = 0,
    sep = 0,
    ent = 0,
    n = 0;
  for (let q = 0; q < t; q++) {
    if (p.tokens[q].special) continue;
    n++;
    let h = 0;
    for (let k = 0; k < t; k++) {
      const w = p.attention[off + q * t + k];
      if (w > 0) h -= w * Math.log(w);
      if (isCls[k]) cls += w;
      if (isSep[k]) sep += w;
    }
    ent += t > 1 ? h / Math.log(t) : 0;
    if (q > 0) prev += p.attention[off + q * t + q - 1];
    if (q < t - 1) next += p.attention[off + q * t + q + 1];
    self += p.attention[off + q * t + q];
  }
  const d = Math.max(1, n);
  const stats = { previous: prev / d, next: next / d, self: self / d, cls: cls / d, sep: sep / d, entropy: ent / d };
  const candidates: [HeadPattern, number][] = [
    ['previous', stats.previous],
    ['next', stats.next],
    ['self', stats.self],
    ['cls', stats.cls],
    ['sep', stats.sep],
  ];
  const [best, strength] = candidates.sort((a, b) => b[1] - a[1])[0];
  let pattern: HeadPattern = best;
  let share = strength;
  const window = stats.previous + stats.self + stats.next;
  if (strength < 0.3 && window >= 0.4) {
    // no single neighbour dominates, but the head reads a window around the token
    pattern = 'local';
    share = window;
  } else if (strength < 0.3) {
    pattern = stats.entropy > 0.75 ? 'broad' : 'mixed';
    share = stats.entropy;
  }
  return { ...stats, pattern, strength: share };
}
