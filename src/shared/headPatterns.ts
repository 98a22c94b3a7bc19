import type { EncodingPayload } from './encoding';

export type HeadPattern = 'previous' | 'next' | 'self' | 'local' | 'cls' | 'sep' | 'punct' | 'broad' | 'mixed';

export interface HeadStats {
  previous: number;
  next: number;
  self: number;
  cls: number;
  sep: number;
  /** on tokens that are one punctuation mark, where Clark et al. (2019) found heads resting, as on [CLS] and [SEP] */
  punct: number;
  /** within LOCAL_RADIUS tokens either side, itself included */
  near: number;
  /** mean row entropy divided by log(T): 1 = uniform */
  entropy: number;
  pattern: HeadPattern;
  /** the share of attention behind the pattern, for the label */
  strength: number;
}

/** How far a local window reaches: the bundled encoder's first layer has a head that reads the next three tokens. */
export const LOCAL_RADIUS = 3;

/**
 * What one head mostly does, measured on this text: the mean attention (over real query tokens) to
 * the previous token, the next, itself, [CLS], [SEP] and punctuation, and how spread out its rows are.
 * These are the per-head figures the bundled model's card reports (after Clark et al., 2019), so a head the
 * card calls a punctuation head is labelled one here too.
 */
export function headStats(p: Pick<EncodingPayload, 'attention' | 'numHeads' | 'tokens'>, layer: number, head: number): HeadStats {
  const t = p.tokens.length;
  const off = (layer * p.numHeads + head) * t * t;
  const isCls = p.tokens.map((tk) => tk.special && tk.text === '[CLS]');
  const isSep = p.tokens.map((tk) => tk.special && tk.text === '[SEP]');
  const isPunct = p.tokens.map((tk) => !tk.special && isPunctuation(tk.text));
  let prev = 0,
    next = 0,
    self = 0,
    cls = 0,
    sep = 0,
    punct = 0,
    near = 0,
    nearChance = 0,
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
      if (isPunct[k]) punct += w;
    }
    ent += t > 1 ? h / Math.log(t) : 0;
    if (q > 0) prev += p.attention[off + q * t + q - 1];
    if (q < t - 1) next += p.attention[off + q * t + q + 1];
    self += p.attention[off + q * t + q];
    const from = Math.max(0, q - LOCAL_RADIUS);
    const to = Math.min(t - 1, q + LOCAL_RADIUS);
    for (let k = from; k <= to; k++) near += p.attention[off + q * t + k];
    nearChance += (to - from + 1) / t;
  }
  const d = Math.max(1, n);
  const stats = {
    previous: prev / d,
    next: next / d,
    self: self / d,
    cls: cls / d,
    sep: sep / d,
    punct: punct / d,
    near: near / d,
    entropy: ent / d,
  };
  const candidates: [HeadPattern, number][] = [
    ['previous', stats.previous],
    ['next', stats.next],
    ['self', stats.self],
    ['cls', stats.cls],
    ['sep', stats.sep],
    ['punct', stats.punct],
  ];
  const [best, strength] = candidates.sort((a, b) => b[1] - a[1])[0];
  let pattern: HeadPattern = best;
  let share = strength;
  const window = stats.previous + stats.self + stats.next;
  // a wider window counts only well above what a uniform head would put there (on a short text it is most keys)
  const wide = stats.near >= 0.5 && stats.near >= 3 * (nearChance / d);
  if (strength < 0.3 && (window >= 0.4 || wide)) {
    // no single neighbour dominates, but the head reads a window around the token
    pattern = 'local';
    share = window >= 0.4 ? window : stats.near;
  } else if (strength < 0.3) {
    pattern = stats.entropy > 0.75 ? 'broad' : 'mixed';
    share = stats.entropy;
  }
  return { ...stats, pattern, strength: share };
}

/**
 * One punctuation mark, as the bundled tokenizer splits them off (BERT's rule): ASCII symbols and
 * punctuation, and anything Unicode files under punctuation (，。、“” …).
 */
export function isPunctuation(text: string): boolean {
  if ([...text].length !== 1) return false;
  const cp = text.codePointAt(0)!;
  if ((cp >= 0x21 && cp <= 0x2f) || (cp >= 0x3a && cp <= 0x40) || (cp >= 0x5b && cp <= 0x60) || (cp >= 0x7b && cp <= 0x7e)) return true;
  return /^\p{P}$/u.test(text);
}
